#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_nas_session_info
short_description: List and inspect file share (NAS) backup sessions of Veeam Backup Enterprise Manager
version_added: 1.0.0
description:
  - Returns file share (NAS) backup job sessions known to Veeam Backup Enterprise Manager (EM 10 to 13), newest first.
  - Ask for one session with O(session_id), or filter by job, state, result and creation time.
    EM does the filtering, sorting and paging through its query service, so long histories stay fast.
  - Every session has the same keys whatever the EM version; see RV(sessions).
author:
  - backupgate.veeam_em contributors (@backupgate)
seealso:
  - module: backupgate.veeam_em.veeam_nas_session_stop
  - plugin: backupgate.veeam_em.veeam_nas_sessions
    plugin_type: lookup
  - name: Enterprise Manager REST API query service
    description: The filters this module builds.
    link: https://helpcenter.veeam.com/docs/vbr/em_rest/query_service.html
extends_documentation_fragment:
  - backupgate.veeam_em._connection
  - backupgate.veeam_em._session_filters
  - backupgate.veeam_em._attributes
  - backupgate.veeam_em._attributes.info_module
  - backupgate.veeam_em._attributes.action_group
options:
  session_id:
    description:
      - Return only this session, as a GUID or C(urn:veeam:BackupJobSession:<guid>).
      - The task fails, naming the id, when EM has no such session.
      - Cannot be combined with the filter options.
    type: str
  job_name:
    description:
      - Only sessions of the jobs with exactly these names, case included.
      - Any character is allowed, quotes, C(;), C(,), C(=), spaces and non-ASCII letters included.
      - Names of which EM has no session at all are listed in RV(unknown_jobs).
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: The newest session of every file share job in the last day
  backupgate.veeam_em.veeam_nas_session_info:
    url: https://em.example.com:9398
    username: CORP\svc-ansible
    password: "{{ vault_em_password }}"
    ca_path: /etc/pki/corp-root-ca.pem
    latest_per_job: true
    created_after: 24h
  register: latest

- name: Connection options once for a block (or a play) of tasks
  module_defaults:
    group/backupgate.veeam_em.veeam_em:
      url: https://em.example.com:9398
      username: CORP\svc-ansible
      password: "{{ vault_em_password }}"
  block:
    - name: Failed or warned sessions of two jobs this week
      backupgate.veeam_em.veeam_nas_session_info:
        job_name:
          - Archived Projects
          - Finance Share
        result: [Failed, Warning]
        created_after: 7d
      register: trouble

    - name: Show what went wrong
      ansible.builtin.debug:
        msg: "{{ item.job_name }} {{ item.creation_time }}: {{ item.failure_message }}"
      loop: "{{ trouble.sessions }}"

- name: File share backups running right now (URL and credentials from VEEAM_EM_* variables)
  backupgate.veeam_em.veeam_nas_session_info:
    state: running
  register: running

- name: One session with its per-share task sessions
  backupgate.veeam_em.veeam_nas_session_info:
    session_id: urn:veeam:BackupJobSession:821cc74e-9447-40b6-a2df-90aa47101233
    include_task_sessions: true
  register: one

- name: Fail early when a job name is misspelt (or the job has never run)
  ansible.builtin.assert:
    that: trouble.unknown_jobs | length == 0
    fail_msg: "EM has no session at all of {{ trouble.unknown_jobs | join(', ') }}: no such job, or it has never run"
"""

RETURN = r"""
sessions:
  description: The matching sessions, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Session GUID, the UID without C(urn:veeam:BackupJobSession:).
      type: str
      returned: always
      sample: 821cc74e-9447-40b6-a2df-90aa47101233
    uid:
      description: Session UID as EM writes it.
      type: str
      returned: always
      sample: urn:veeam:BackupJobSession:821cc74e-9447-40b6-a2df-90aa47101233
    name:
      description: Session name, the job name and the start time.
      type: str
      returned: always
      sample: Archived Projects@2026-11-21 22:00:03
    job_id:
      description: GUID of the job, the same as in C(/api/nas/jobs/<guid>).
      type: str
      returned: always
      sample: 70073b98-098b-4046-a097-43cbda67d58a
    job_name:
      description: Name of the job.
      type: str
      returned: always
      sample: Archived Projects
    job_type:
      description: Job type; C(NasBackup) for file share backup jobs.
      type: str
      returned: always
      sample: NasBackup
    state:
      description: >-
        C(Starting), C(Working), C(Stopping), C(Pausing), C(Resuming), C(Stopped),
        or whatever else EM reports.
      type: str
      returned: always
      sample: Stopped
    result:
      description: C(Success), C(Warning), C(Failed), or C(None) while the session runs.
      type: str
      returned: always
      sample: Success
    progress:
      description: Progress in percent.
      type: int
      returned: always
      sample: 100
    is_retry:
      description: Whether the session is an automatic retry.
      type: bool
      returned: always
      sample: false
    creation_time:
      description: When the session started, ISO-8601 UTC.
      type: str
      returned: always
      sample: "2026-11-21T22:00:03Z"
    end_time:
      description: When the session ended, ISO-8601 UTC; null while it runs.
      type: str
      returned: always
      sample: "2026-11-21T22:35:10Z"
    duration_seconds:
      description: Seconds from start to end; null while the session runs.
      type: float
      returned: always
      sample: 2107.187
    failure_message:
      description: EM's message for a failed or warned session; null when there is none.
      type: str
      returned: always
      sample: "Access is denied to \\\\fs01\\finance"
    backup_server:
      description: Name of the backup server that ran the session; null when EM does not say.
      type: str
      returned: always
      sample: vbr01.corp.example
    href:
      description: EM's own URL of the session.
      type: str
      returned: always
      sample: https://em.example.com:9398/api/backupSessions/821cc74e-9447-40b6-a2df-90aa47101233?format=Entity
    task_sessions:
      description: Per-share task sessions, oldest first; an empty list when EM has none.
      type: list
      elements: dict
      returned: when O(include_task_sessions=true)
      contains:
        id:
          description: Task session GUID.
          type: str
          sample: 0b1f6a2c-7d7e-4a3d-9a57-3f0e1b2c4d5e
        name:
          description: Task session name.
          type: str
          sample: \\fs01\projects
        object_name:
          description: The share or object the task backed up.
          type: str
          sample: \\fs01\projects
        state:
          description: C(InProgress), C(Pending) or C(Completed).
          type: str
          sample: Completed
        result:
          description: C(Success), C(Warning), C(Failed) or C(None).
          type: str
          sample: Success
        reason:
          description: EM's reason for a warning or failure; null when none.
          type: str
          sample: null
        total_size:
          description: Bytes processed.
          type: int
          sample: 1073741824
        creation_time:
          description: Start, ISO-8601 UTC.
          type: str
          sample: "2026-11-21T22:00:05Z"
        end_time:
          description: End, ISO-8601 UTC; null while running.
          type: str
          sample: "2026-11-21T22:20:41Z"
        duration_seconds:
          description: Seconds from start to end; null while running.
          type: float
          sample: 1236.0
count:
  description: Number of sessions in RV(sessions).
  returned: always
  type: int
  sample: 3
unknown_jobs:
  description:
    - The names of O(job_name) and the GUIDs of O(job_id) of which EM has no file share backup session at all,
      whatever the filters, because the job does not exist or has never run.
    - Only C(GET /api/nas/jobs) could tell these two apart, and a Portal User may not call it, so this module does not.
    - Jobs with sessions, none of them matching the filters, are not listed.
  returned: always
  type: list
  elements: str
  sample: [Archived Projcets]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.backupgate.veeam_em.plugins.module_utils._arguments import (
    SESSION_FILTER_ARGSPEC, argument_spec,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._module_runner import ModuleRunner
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import (
    attach_task_sessions, find_sessions, get_session,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import SessionQuery, session_guid


def _one_session(client, guid, with_tasks):
    session = get_session(client, guid)
    if with_tasks:
        attach_task_sessions(client, [session])
    return [session], []


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            SESSION_FILTER_ARGSPEC,
            session_id=dict(type="str"),
            job_name=dict(type="list", elements="str"),
        ),
        mutually_exclusive=[
            ("session_id", name)
            for name in ("job_name", "job_id", "result", "created_after", "created_before", "limit")
        ],
        supports_check_mode=True,
    )
    runner = ModuleRunner(module)
    params = module.params
    sessions, unknown = [], []
    with runner.failures():
        # Everything the user gave is checked before the first request.
        guid = session_guid(params["session_id"]) if params["session_id"] else None
        query = None if guid else SessionQuery.from_options(params.get)
        with runner.client() as client:
            if guid:
                sessions, unknown = _one_session(client, guid, params["include_task_sessions"])
            else:
                sessions, unknown = find_sessions(client, query)
    runner.exit(changed=False, sessions=sessions, count=len(sessions), unknown_jobs=unknown)


if __name__ == "__main__":
    main()
