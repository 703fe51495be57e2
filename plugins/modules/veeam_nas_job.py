#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_nas_job
short_description: Start or retry a file share (NAS) backup job of Veeam Backup Enterprise Manager, or switch its schedule
version_added: 1.0.0
description:
  - Starts or retries one file share (NAS) backup job through Veeam Backup Enterprise Manager (EM 10 to 13), and
    enables or disables its schedule, for example to take a fresh backup before maintenance and to keep the
    scheduled run out of the maintenance window.
  - The job is named by O(job_name), compared exactly (EM itself compares names case-insensitively), or by O(job_id).
  - Idempotent. With O(state=started), a session of the job that is already running means the job is started and
    nothing is sent. With O(state=retried), the job is retried only when its newest finished session C(Failed).
    O(schedule_enabled) is compared with C(ScheduleEnabled) of the job first, since EM's action flips the switch.
  - Each action is C(POST /api/nas/jobs/<job>/start), C(/retry) or C(/toggleScheduleEnabled); EM answers with a task,
    which the module follows with the same EM logon session until it is done. When the module had to log on again
    meanwhile (EM ends idle logon sessions), EM no longer shows that task, and the module follows the job or session
    state instead.
  - The session a start or retry created is the newest session of the job created since the request, found through
    EM's query service; it is returned in RV(session).
  - With O(wait=true) the module then follows that session (or the one found running) until it ends, and fails with
    EM's failure message when it ends C(Failed).
author:
  - backupgate.veeam_em contributors (@backupgate)
seealso:
  - module: backupgate.veeam_em.veeam_nas_session_info
  - module: backupgate.veeam_em.veeam_nas_session_stop
  - name: Enterprise Manager REST API, starting a file share backup job
    description: The route the module uses for O(state=started).
    link: https://helpcenter.veeam.com/docs/vbr/em_rest/post_nas_jobs_id_actionstart.html
extends_documentation_fragment:
  - backupgate.veeam_em._connection
  - backupgate.veeam_em._attributes
  - backupgate.veeam_em._attributes.action_group
attributes:
  check_mode:
    support: full
    details: In check mode the job and its sessions are read and nothing is sent; RV(msg) says what would be done.
  diff_mode:
    support: full
    details: The diff shows C(schedule_enabled) and whether a session of the job runs, before and after.
options:
  job_name:
    description:
      - The exact name of the file share backup job.
      - The task fails when EM has no job of exactly this name, saying so when EM has jobs whose names differ only
        in case.
      - Exactly one of O(job_name) and O(job_id) is required.
    type: str
  job_id:
    description:
      - The job as a GUID, C(urn:veeam:Job:<guid>) or C(urn:veeam:NasJob:<guid>).
    type: str
  state:
    description:
      - V(started) - a session of the job is running; one is started unless one already runs.
      - V(retried) - the job is retried when its newest finished session C(Failed); otherwise nothing is done.
        A running session of the job is left alone, as with V(started).
      - Omitted - only O(schedule_enabled) is managed.
      - At least one of O(state) and O(schedule_enabled) is required.
    type: str
    choices: [started, retried]
  schedule_enabled:
    description:
      - Whether the schedule of the job is enabled. The schedule is switched only when EM reports it otherwise.
      - Handled before O(state).
    type: bool
  wait:
    description:
      - Wait until the session that was started or retried (or found running) has ended.
      - A session that ends C(Failed) then fails the task with EM's failure message.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds, counted on the wall clock from the logon, that the whole task may take - not each action - over
        every request and pause (reading the job and its sessions, the schedule change and its task, the start or
        retry and its task, the appearance of the new session and, with O(wait=true), the end of that session.
        Every request is given at most the time left (and at most O(timeout)).
      - When they pass, the task fails naming what it waited for; if EM had accepted an action, the failure says
        C(changed=true) and carries RV(job), RV(session) and RV(task) as last read.
    type: int
    default: 3600
  poll_interval:
    description:
      - Seconds between two reads of a task, the job or a session while waiting.
    type: float
    default: 15
notes:
  - Every action, and reading the jobs by name, needs an EM account with the Portal Administrator role. EM answers
    403 to other roles, and the task fails saying so.
  - The new session is looked for among sessions created from 5 minutes before the request, excluding the newest
    session known before it, so a clock difference between the controller and EM of up to 5 minutes is harmless.
  - EM documents C(retry) only for a job whose last session failed.
"""

EXAMPLES = r"""
- name: Take a fresh backup of the finance shares before maintenance, and fail if it fails
  backupgate.veeam_em.veeam_nas_job:
    url: https://em.example.com:9398
    username: CORP\svc-ansible
    password: "{{ vault_em_password }}"
    job_name: Finance Shares
    state: started
    wait: true
    wait_timeout: 7200
    poll_interval: 30

- name: Keep scheduled runs out of the maintenance window
  hosts: localhost
  module_defaults:
    group/backupgate.veeam_em.veeam_em:
      url: https://em.example.com:9398
      username: CORP\svc-ansible
      password: "{{ vault_em_password }}"
  tasks:
    - name: Pause the schedule of Archived Projects
      backupgate.veeam_em.veeam_nas_job:
        job_name: Archived Projects
        schedule_enabled: false
      register: paused

    - name: Maintenance goes here
      ansible.builtin.debug:
        msg: "{{ paused.msg }}"

    - name: Enable the schedule again, if this play disabled it
      backupgate.veeam_em.veeam_nas_job:
        job_name: Archived Projects
        schedule_enabled: true
      when: paused is changed

- name: Retry last night's backup if it failed (a bare GUID names the job too)
  backupgate.veeam_em.veeam_nas_job:
    job_id: 70073b98-098b-4046-a097-43cbda67d58a
    state: retried
"""

RETURN = r"""
msg:
  description: One sentence per thing managed (the schedule, then the session), saying what was done or found, or in
    check mode what would be done.
  returned: always
  type: str
  sample: "Started job Finance Shares: session Finance Shares@2026-11-22 06:00:01 (Working, None)."
job:
  description: The job, as last read.
  returned: when the job was found
  type: dict
  contains:
    id:
      description: Job GUID.
      type: str
      sample: 70073b98-098b-4046-a097-43cbda67d58a
    name:
      description: Job name.
      type: str
      sample: Finance Shares
    schedule_enabled:
      description: Whether the job's schedule is enabled (in check mode, as it would be).
      type: bool
      sample: true
session:
  description:
    - The session the module started or retried, or found running, or (when there was nothing to do) the newest
      session of the job; null when the job never ran or, in check mode, before a start.
    - It has the keys of RV(backupgate.veeam_em.veeam_nas_session_info#module:sessions); with O(wait=true) it is
      the session as it ended.
    - On a failure it is in the failure result as well, as last read.
  returned: when O(state) is given
  type: dict
  sample:
    id: 0c3ad2f0-bd7b-4f65-9d36-8d3e5b7f2a11
    name: Finance Shares@2026-11-22 06:00:01
    job_name: Finance Shares
    state: Working
    result: None
task:
  description:
    - EM's task for the last action sent (the start or retry, else the schedule change), as last read.
    - It has the keys of RV(backupgate.veeam_em.veeam_nas_session_stop#module:task); its C(operation) is
      C(StartNasJob), C(RetryNasJob) or C(UpdateJob).
    - On a failure it is in the failure result as well.
  returned: when an action was sent
  type: dict
  sample:
    id: task-3
    state: Finished
    operation: StartNasJob
    success: true
    message: Job "Finance Shares" triggered to start.
diff:
  description: What the module manages, before and after (in check mode, as it would be after).
  returned: in diff mode
  type: dict
  contains:
    before:
      description: C(schedule_enabled) when O(schedule_enabled) is given; C(running), whether a session of the job
        runs, when O(state) is given.
      type: dict
      sample: {schedule_enabled: true, running: false}
    after:
      description: The same keys after the task.
      type: dict
      sample: {schedule_enabled: false, running: true}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.backupgate.veeam_em.plugins.module_utils._arguments import argument_spec
from ansible_collections.backupgate.veeam_em.plugins.module_utils._module_runner import ModuleRunner
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_jobs import STATES, JobRequest, JobRun


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            job_name=dict(type="str"),
            job_id=dict(type="str"),
            state=dict(type="str", choices=list(STATES)),
            schedule_enabled=dict(type="bool"),
            wait=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=3600),
            poll_interval=dict(type="float", default=15),
        ),
        mutually_exclusive=[("job_name", "job_id")],
        required_one_of=[("job_name", "job_id"), ("state", "schedule_enabled")],
        supports_check_mode=True,
    )
    runner = ModuleRunner(module)
    with runner.failures():
        # Everything the user gave is checked before the first request.
        params = module.params
        request = JobRequest(job_name=params["job_name"], job_id=params["job_id"], state=params["state"],
                             schedule_enabled=params["schedule_enabled"], wait=params["wait"],
                             wait_timeout=params["wait_timeout"], poll_interval=params["poll_interval"])
        with runner.client() as client:
            result = JobRun(client, request, check_mode=module.check_mode).result()
    if not module._diff:
        result.pop("diff")
    runner.exit(**result)


if __name__ == "__main__":
    main()
