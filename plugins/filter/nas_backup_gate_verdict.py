# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nas_backup_gate_verdict
short_description: Judge one host's NAS backup jobs from a shared Enterprise Manager answer
version_added: 1.0.0
description:
  - Decides whether a host may go into maintenance, from an answer of EM that many hosts share
    (see P(backupgate.veeam_em.nas_backup_gate_plan#filter)).
  - For each of the host's jobs, the newest I(finished) session is judged; a running session is not.
    It must have been created within O(max_age) and its result must be one of O(accept_results).
  - A job EM does not know fails with its own reason; a host without jobs fails with a hint.
  - "The reasons are sentences a person can act on, for example
    C(Archived Projects: newest finished session failed at 2026-11-21T22:00:03Z: Access is denied)
    or C(Finance Share: no finished session in the last 24h (newest finished: 2026-11-18T22:00:00Z, 3d 8h ago))."
  - Times are the sessions' creation times, which is also what O(max_age) is measured on.
  - This is the judging half of the role P(backupgate.veeam_em.nas_backup_gate#role).
author:
  - backupgate.veeam_em contributors (@backupgate)
seealso:
  - plugin: backupgate.veeam_em.nas_backup_gate_plan
    plugin_type: filter
  - module: backupgate.veeam_em.veeam_nas_session_info
options:
  _input:
    description:
      - The shared answer, the output of P(backupgate.veeam_em.nas_backup_gate_plan#filter) combined with
        C(sessions) and C(unknown_jobs) from M(backupgate.veeam_em.veeam_nas_session_info), run with
        O(backupgate.veeam_em.veeam_nas_session_info#module:state=stopped),
        O(backupgate.veeam_em.veeam_nas_session_info#module:latest_per_job=true) and the plan's C(job_names) and C(created_after).
      - May be null when the host has no jobs.
      - It fails when the answer was not asked for one of O(jobs) or covers a shorter window than O(max_age).
    type: dict
    required: true
  jobs:
    description: The host's NAS backup job names, exactly as in EM; one string is one name.
    type: list
    elements: str
    required: true
  max_age:
    description: How recent the newest finished session must be, such as V(90m), V(24h), V(7d) or V(2w).
    type: str
    default: 24h
  accept_results:
    description: The results that let the host pass.
    type: list
    elements: str
    choices: [Success, Warning, Failed, None]
    default: [Success]
  now:
    description:
      - The instant ages are measured from, ISO-8601 (naive means UTC).
      - Defaults to the answer's C(checked_at), the instant the play asked EM.
    type: str
  fresh:
    description:
      - What the role P(backupgate.veeam_em.nas_backup_gate#role) did about fresh backups before EM was asked,
        C(jobs) (the jobs started, or under C(--check) that would have been), C(check_mode), C(timeout) and
        C(results), one per started job with C(job_name) (or the C(item) of the start), C(finished), C(msg) and C(session)
        (from C(async_status) of M(backupgate.veeam_em.veeam_nas_job) with O(backupgate.veeam_em.veeam_nas_job#module:wait=true)).
      - A job whose fresh backup did not end within the timeout, or could not be started, fails with that reason; under
        C(--check) the reason of each such job says that a fresh backup would have been started.
    type: dict
"""

EXAMPLES = r"""
- name: Judge this host from the answer kept on localhost
  ansible.builtin.set_fact:
    gate: >-
      {{ hostvars['localhost']['gate_answer']
         | backupgate.veeam_em.nas_backup_gate_verdict(jobs=veeam_nas_jobs, max_age='24h',
                                                        accept_results=['Success', 'Warning']) }}

- name: Hold the host back with the reasons
  ansible.builtin.fail:
    msg: "{{ gate.summary }}"
  when: not gate.passed
"""

RETURN = r"""
_value:
  description: The verdict for the host.
  type: dict
  contains:
    passed:
      description: Whether every job passed; false for a host without jobs.
      type: bool
      sample: false
    jobs:
      description: One entry per job, in the order of O(jobs).
      type: list
      elements: dict
      contains:
        job_name:
          description: The job name.
          type: str
          sample: Archived Projects
        passed:
          description: Whether this job passed.
          type: bool
          sample: false
        reason:
          description: Why, as one sentence that starts with the job name.
          type: str
          sample: "Archived Projects: newest finished session failed at 2026-11-21T22:00:03Z: Access is denied"
        session:
          description:
            - The newest finished session EM returned for the job, with the keys of
              RV(backupgate.veeam_em.veeam_nas_session_info#module:sessions); it may be older than O(max_age).
            - Null when the job has no finished session in the answer's window or EM does not know it.
          type: dict
    summary:
      description: The reasons of the failed jobs (or of all jobs when it passed) in one line, for a message.
      type: str
      sample: "1 of 2 NAS backup job(s) without an accepted recent backup: Archived Projects: ..."
    checked_at:
      description: The instant the ages were measured from; null for a host without jobs.
      type: str
      sample: "2026-11-22T06:00:00Z"
    max_age:
      description: The O(max_age) used.
      type: str
      sample: 24h
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._gate import GateError, verdict


def nas_backup_gate_verdict(answer, jobs, max_age="24h", accept_results=None, now=None, fresh=None):
    try:
        return verdict(answer, jobs, max_age=max_age, accept_results=accept_results, now=now, fresh=fresh)
    except EmError as exc:
        raise AnsibleFilterError(exc.msg) from None
    except GateError as exc:
        raise AnsibleFilterError("Cannot judge the NAS backups of this host: %s." % exc) from None


class FilterModule(object):
    def filters(self):
        return {"nas_backup_gate_verdict": nas_backup_gate_verdict}
