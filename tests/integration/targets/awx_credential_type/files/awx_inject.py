# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Inject a credential the way AWX does, then run a command with that environment only.

Usage: awx_inject.py CREDENTIAL_TYPE_FILE CREDENTIAL_INPUTS_JSON PRIVATE_DIR -- COMMAND [ARGS...]

What AWX's inject_credential (awx_plugins.interfaces) does with a custom credential type:
every input that has a value is a Jinja variable (a boolean left out is False); each file
template is rendered in an ImmutableSandboxedEnvironment into a new file of PRIVATE_DIR/env
(mode 0600) whose path is tower.filename.<label> ("template.<label>") or tower.filename
("template"); then each env template is rendered with the same variables. A script,
because AWX is not installable here; it is short so that it can be compared with AWX's.

The command gets this process's environment without any VEEAM_EM_* or CA bundle variable,
plus exactly what the injectors set, so that nothing else can connect it to EM.
"""

import json
import os
import stat
import sys
import tempfile
from types import SimpleNamespace

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

SCRUBBED = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")


def inject(credential_type, inputs, private_dir):
    namespace = dict((key, value) for key, value in inputs.items() if value or isinstance(value, bool))
    for field in credential_type["inputs"]["fields"]:
        if field.get("type") == "boolean" and field["id"] not in inputs:
            namespace[field["id"]] = False
    sandbox = ImmutableSandboxedEnvironment()
    tower = SimpleNamespace()
    namespace["tower"] = tower
    single, several = None, {}
    env_dir = os.path.join(private_dir, "env")
    os.makedirs(env_dir, exist_ok=True)
    for label, template in credential_type["injectors"].get("file", {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w") as stream:
            stream.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if "." in label:
            several[label.split(".")[1]] = path
        else:
            single = path
    tower.filename = single or SimpleNamespace(**several)
    return dict((name, sandbox.from_string(template).render(**namespace))
                for name, template in credential_type["injectors"].get("env", {}).items())


def main(argv):
    if len(argv) < 5 or argv[3] != "--":
        sys.stderr.write(__doc__)
        return 2
    with open(argv[0], encoding="utf-8") as stream:
        credential_type = yaml.safe_load(stream)
    injected = inject(credential_type, json.loads(argv[1]), argv[2])
    env = dict((name, value) for name, value in os.environ.items()
               if not name.startswith("VEEAM_EM_") and name not in SCRUBBED)
    env.update(injected)
    os.execvpe(argv[4], argv[4:], env)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
