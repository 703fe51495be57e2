#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_em_info
short_description: Check the Veeam Backup Enterprise Manager connection and what the account may do
version_added: 1.0.0
description:
  - Logs on to Veeam Backup Enterprise Manager (EM 10 to 13), reports the API versions it offers and the one
    the logon negotiated, the account EM logged on, and which parts of this collection that account can use.
  - What the account may do is found by read-only probes, two queries of one page of one item whose filter
    matches nothing; EM checks the role first and answers 403 when it is missing. A 403 gives V(false), never a failure.
  - Nothing is changed on EM. Run it before a play relies on EM; C(playbooks/preflight.yml) does and says the
    result in words.
author:
  - backupgate.veeam_em contributors (@backupgate)
seealso:
  - module: backupgate.veeam_em.veeam_nas_session_info
  - module: backupgate.veeam_em.veeam_nas_session_stop
  - name: Enterprise Manager REST API security roles
    description: What Portal Administrator, Portal User and Restore Operators may call.
    link: https://helpcenter.veeam.com/docs/vbr/em_rest/security_roles_concept.html
extends_documentation_fragment:
  - backupgate.veeam_em._connection
  - backupgate.veeam_em._attributes
  - backupgate.veeam_em._attributes.info_module
  - backupgate.veeam_em._attributes.action_group
notes:
  - The probes are C(GET /api/query?type=BackupJobSession) and C(GET /api/query?type=NasJob), each with
    C(pageSize=1) and a filter on a UID that does not exist. Besides them the module sends the logon,
    C(GET /api/) and the logoff.
  - EM lets only the Portal Administrator role read file share jobs, and asks for the same role to start, stop
    or retry them, so RV(can.control_jobs) is the answer of the job probe; no action is sent to find it out.
  - With O(validate_certs=false) the task returns a warning that EM's certificate was not verified.
"""

EXAMPLES = r"""
- name: What may this account do on EM?
  backupgate.veeam_em.veeam_em_info:
    url: https://em.example.com:9398
    username: CORP\svc-ansible
    password: "{{ vault_em_password }}"
    ca_path: /etc/pki/corp-root-ca.pem
  register: em

- name: Stop early when the account cannot read backup sessions
  ansible.builtin.assert:
    that: em.can.read_sessions
    fail_msg: >-
      {{ em.account.username }} cannot read backup sessions on {{ em.server.url }}:
      give it the Portal User or Portal Administrator role.

- name: Only try to stop sessions when the account may (connection from VEEAM_EM_* variables)
  backupgate.veeam_em.veeam_nas_session_stop:
    job_name: Archived Projects
  when: em.can.control_jobs

- name: Fail on an EM older than 12 (API v1_7)
  ansible.builtin.assert:
    that: "'v1_7' in em.server.api_versions"
"""

RETURN = r"""
server:
  description: The Enterprise Manager the task talked to.
  returned: success
  type: dict
  contains:
    url:
      description: Base URL of the REST API, as the module used it (never with credentials).
      type: str
      returned: success
      sample: https://em.example.com:9398/api/
    api_versions:
      description: The API versions EM offers in C(GET /api/), oldest first.
      type: list
      elements: str
      returned: success
      sample: [v1_5, v1_6, v1_7]
    api_version:
      description:
        - The version the logon negotiated. With O(api_version=latest) EM logs on with the newest version it offers,
          so this is the last of RV(server.api_versions); a pinned O(api_version) is what EM logged on with,
          as EM refuses a logon with a version it does not support.
        - V(null) (with a warning) when EM listed no version.
      type: str
      returned: success
      sample: v1_7
    api_version_requested:
      description: The O(api_version) of the task.
      type: str
      returned: success
      sample: latest
    validate_certs:
      description: Whether EM's TLS certificate was verified (O(validate_certs)).
      type: bool
      returned: success
      sample: true
account:
  description: The account EM logged on.
  returned: success
  type: dict
  contains:
    username:
      description:
        - The user name from EM's logon answer (C(UserName) of the LogonSession), as EM writes it,
          which may differ from O(username) in case or domain form.
        - V(null) (with a warning) when EM's answer did not name it.
      type: str
      returned: success
      sample: CORP\svc-ansible
can:
  description: Which parts of this collection the account can use, found by read-only probes.
  returned: success
  type: dict
  contains:
    read_sessions:
      description:
        - The account may read backup sessions (role Portal User or Portal Administrator).
        - Needed by M(backupgate.veeam_em.veeam_nas_session_info), the lookup
          P(backupgate.veeam_em.veeam_nas_sessions#lookup), and the roles C(nas_backup_gate) and C(nas_backup_report).
          Restore Operators cannot read sessions.
      type: bool
      returned: success
      sample: true
    read_jobs:
      description: The account may read file share backup jobs (C(/api/nas/jobs)); only Portal Administrator may.
      type: bool
      returned: success
      sample: false
    control_jobs:
      description:
        - The account may stop sessions and start, retry or pause jobs
          (M(backupgate.veeam_em.veeam_nas_session_stop)); only Portal Administrator may.
        - The same as RV(can.read_jobs), which needs the same role; no action is sent to test it.
      type: bool
      returned: success
      sample: false
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.backupgate.veeam_em.plugins.module_utils._arguments import argument_spec
from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_info import LogonRecorder, describe
from ansible_collections.backupgate.veeam_em.plugins.module_utils._module_runner import ModuleRunner


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    runner = ModuleRunner(module)
    result = {}
    with runner.failures():
        recorder = LogonRecorder()
        with runner.client(session=recorder.session()) as client:
            result, warnings = describe(client, recorder, module.params["api_version"])
        for warning in warnings:
            module.warn(warning)
        result["server"]["validate_certs"] = module.params["validate_certs"]
    runner.exit(changed=False, **result)


if __name__ == "__main__":
    main()
