# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every module of the collection does around its own work.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

Builds the client from the connection options, turns EmError into
``fail_json`` (never ``exit_json``), and passes the client's warnings on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback
from contextlib import contextmanager

from urllib.parse import urlsplit

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.backupgate.veeam_em.plugins.module_utils._arguments import (
    INSECURE_WARNING, client_from_options,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError


def _mask_url_userinfo(module):
    """A url with user information is refused, but the module's ``invocation``
    (shown at -vvv) still echoes the option: have Ansible mask what it carries."""
    userinfo = urlsplit(str(module.params.get("url") or "").strip()).netloc.rpartition("@")[0]
    if userinfo:
        module.no_log_values.add(userinfo)
        module.no_log_values.update(part for part in userinfo.split(":", 1)[1:] if part)


class ModuleRunner:
    """Wraps an AnsibleModule: ``with runner.failures(): ... with runner.client() as em: ...``."""

    def __init__(self, module):
        self.module = module
        if not HAS_REQUESTS:
            module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        if not module.params.get("validate_certs"):
            module.warn(INSECURE_WARNING)
        _mask_url_userinfo(module)
        self._clients = []

    def client(self, **extra):
        """A new, not yet logged on, client; use it with ``with``."""
        client = client_from_options(self.module.params.get, **extra)
        self._clients.append(client)
        return client

    @contextmanager
    def failures(self):
        """Turn anything raised inside into a failure of the task with one clear message."""
        try:
            yield
        except EmError as exc:
            self._pass_warnings()
            self.module.fail_json(msg=exc.msg, **exc.details())
        except Exception as exc:  # pylint: disable=broad-exception-caught
            self._pass_warnings()
            self.module.fail_json(msg="Unexpected %s while working with Enterprise Manager: %s"
                                  % (exc.__class__.__name__, exc), exception=traceback.format_exc())

    def exit(self, **result):
        self._pass_warnings()
        self.module.exit_json(**result)

    def _pass_warnings(self):
        for client in self._clients:
            for warning in client.warnings:
                self.module.warn(warning)
            client.warnings = []
