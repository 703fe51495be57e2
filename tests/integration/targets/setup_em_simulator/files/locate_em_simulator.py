# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print the path of the EM simulator's run.py (tests/em_simulator/run.py of this collection).

Usage: locate_em_simulator.py ROLE_PATH [EXPLICIT_SOURCE] [COLLECTIONS_PATHS (os.pathsep-joined)]

Places looked at, first match wins:
1. EXPLICIT_SOURCE: the collection root, tests/em_simulator, or run.py itself;
2. the ancestors of ROLE_PATH: the source tree, and under ansible-test the collection the
   target was copied from (its temp dir is tests/output/.tmp/... inside the collection);
3. ansible_collections/backupgate/veeam_em under each collections path (Ansible's
   COLLECTIONS_PATHS setting, ANSIBLE_COLLECTIONS_PATH, then sys.path);
4. the package ansible_collections.backupgate.veeam_em, if plain Python can import it.
"""

import importlib
import os
import sys

RUN_PY = os.path.join("tests", "em_simulator", "run.py")
NAMESPACE = ("ansible_collections", "backupgate", "veeam_em")


def _run_py(candidate):
    for path in (candidate, os.path.join(candidate, "run.py"), os.path.join(candidate, RUN_PY)):
        if os.path.basename(path) == "run.py" and os.path.isfile(path) and \
                os.path.isfile(os.path.join(os.path.dirname(path), "query_filter.py")):
            return os.path.abspath(path)
    return None


def _candidates(role_path, explicit, collections_paths):
    if explicit:
        yield explicit
    path = os.path.abspath(role_path)
    while True:
        yield path
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    env_paths = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or os.environ.get("ANSIBLE_COLLECTIONS_PATHS") or ""
    for entry in collections_paths.split(os.pathsep) + env_paths.split(os.pathsep) + sys.path:
        if entry:
            entry = os.path.expanduser(entry)
            yield os.path.join(entry, *NAMESPACE)
            if os.path.basename(entry.rstrip(os.sep)) == NAMESPACE[0]:
                yield os.path.join(entry, *NAMESPACE[1:])
    try:
        package = importlib.import_module(".".join(NAMESPACE))
    except ImportError:
        return
    yield from getattr(package, "__path__", [])


def main(argv):
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    role_path = argv[0]
    explicit = argv[1] if len(argv) > 1 else ""
    collections_paths = argv[2] if len(argv) > 2 else ""
    for candidate in _candidates(role_path, explicit, collections_paths):
        found = _run_py(candidate)
        if found:
            sys.stdout.write(found + "\n")
            return 0
    sys.stderr.write("Cannot find tests/em_simulator/run.py of backupgate.veeam_em from %s; "
                     "set em_sim_source to the collection root.\n" % role_path)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
