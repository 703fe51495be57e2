# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nas_backup_report_summary
short_description: Per-job statistics and per-host verdicts of file share (NAS) backup sessions
version_added: 1.0.0
author:
  - backupgate.veeam_em contributors (@backupgate)
description:
  - Turns the sessions returned by M(backupgate.veeam_em.veeam_nas_session_info) into the report of the
    P(backupgate.veeam_em.nas_backup_report#role) role.
  - Per job, over the window of O(plan), the last result, the last success and its age, the success rate,
    the number of finished sessions, whether one is running, and the mean and last duration.
  - Per host, a verdict on each of its jobs by the rule of the P(backupgate.veeam_em.nas_backup_gate#role) role
    (the same code as P(backupgate.veeam_em.nas_backup_gate_verdict#filter)), the newest finished session
    (running ones are not judged) must be at most C(plan.max_age) old and end with one of C(plan.accept_results).
  - It does not talk to Enterprise Manager; the same input always gives the same report.
positional: _input
options:
  _input:
    description:
      - Sessions as M(backupgate.veeam_em.veeam_nas_session_info) returns them, created since C(plan.since).
    type: list
    elements: dict
    required: true
  plan:
    description: The result of P(backupgate.veeam_em.nas_backup_report_plan#filter).
    type: dict
    required: true
  jobs:
    description:
      - The jobs to list, in this order. When empty, every job with a session in O(_input) and every job
        a host in O(hosts) names, sorted by name.
    type: list
    elements: str
    default: []
  hosts:
    description:
      - Inventory hosts and their jobs, as a mapping of host name to a list of job names
        (usually their C(veeam_nas_jobs)). Hosts whose value is null are left out.
      - A host passes when every one of its jobs passes; a host with an empty list does not pass.
    type: dict
    default: {}
  last_successes:
    description:
      - The newest C(Success) session of some jobs, from any time, as returned by
        M(backupgate.veeam_em.veeam_nas_session_info) with O(backupgate.veeam_em.veeam_nas_session_info#module:result=[Success])
        and O(backupgate.veeam_em.veeam_nas_session_info#module:latest_per_job=true).
      - Lets RV(_value.jobs[].last_success_time) name a success older than the window.
    type: list
    elements: dict
    default: []
  unknown_jobs:
    description:
      - Job names of which EM has no session at all (RV(backupgate.veeam_em.veeam_nas_session_info#module:unknown_jobs));
        EM has no such job, or it has never run.
      - Hosts that name one of them fail; the report lists them in RV(_value.unknown_jobs).
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: The report, from the sessions of the window
  ansible.builtin.set_fact:
    report: >-
      {{ window_sessions.sessions | backupgate.veeam_em.nas_backup_report_summary(
           plan=report_plan, hosts={'fs01': ['Finance Share'], 'fs02': ['Finance Share', 'Archived Projects']},
           unknown_jobs=window_sessions.unknown_jobs) }}

- name: Jobs whose newest finished session failed
  ansible.builtin.debug:
    msg: "{{ report.jobs | selectattr('last_result', 'eq', 'Failed') | map(attribute='job_name') }}"
"""

RETURN = r"""
_value:
  description: The report.
  type: dict
  contains:
    generated_at:
      description: The moment of the report (C(plan.now)), ISO-8601 UTC.
      type: str
      sample: "2026-11-22T21:00:00Z"
    window:
      description: The window as given to the plan.
      type: str
      sample: 7d
    window_start:
      description: Statistics cover sessions created at or after this moment.
      type: str
      sample: "2026-11-15T21:00:00Z"
    max_age:
      description: The freshness the host verdicts ask for.
      type: str
      sample: 24h
    accept_results:
      description: The results that let a host pass.
      type: list
      elements: str
      sample: [Success]
    jobs:
      description: One entry per job.
      type: list
      elements: dict
      contains:
        job_name:
          description: The job.
          type: str
          sample: Finance Share
        last_result:
          description: Result of the newest finished session in the window; null when there is none.
          type: str
          sample: Failed
        status:
          description:
            - The report's judgement of the job, next to RV(_value.jobs[].last_result).
            - V(success), V(warning) or V(failed) (the last result), V(stale) (it succeeded or warned, but longer ago
              than C(plan.max_age)), V(running) (nothing finished in the window, one runs), V(none) (no session in the
              window) or V(unknown) (in O(unknown_jobs), so EM has no session of it at all).
          type: str
          sample: failed
        last_session_time:
          description: Creation time of the newest finished session in the window; null when there is none.
          type: str
          sample: "2026-11-22T19:00:00Z"
        last_success_time:
          description: Creation time of the newest C(Success) session, in the window or (through O(last_successes)) before it; null when none is known.
          type: str
          sample: "2026-11-21T19:00:00Z"
        last_success_age_hours:
          description: Hours from RV(_value.jobs[].last_success_time) to RV(_value.generated_at), two decimals.
          type: float
          sample: 26.0
        success_rate:
          description: Percent of the finished sessions in the window that ended with C(Success), one decimal; null when none finished.
          type: float
          sample: 85.7
        session_count:
          description: Number of finished sessions in the window.
          type: int
          sample: 7
        running:
          description: Whether a session of the job is running now.
          type: bool
          sample: false
        mean_duration_seconds:
          description: Mean duration of the finished sessions in the window, one decimal; null when none finished.
          type: float
          sample: 1980.0
        last_duration_seconds:
          description: Duration of the newest finished session in the window; null when none finished.
          type: float
          sample: 1800.0
    hosts:
      description: One entry per host of O(hosts) whose jobs are known.
      type: list
      elements: dict
      contains:
        host:
          description: The inventory host.
          type: str
          sample: fs01.corp.example
        jobs:
          description: A verdict per job of the host, C(job_name), C(passed) and C(reason).
          type: list
          elements: dict
          sample:
            - job_name: Finance Share
              passed: false
              reason: "newest finished session failed at 2026-11-22T19:00:00Z: Access is denied"
        passed:
          description: Whether every job of the host passed (false for a host without jobs).
          type: bool
          sample: false
    unknown_jobs:
      description: Job names of O(unknown_jobs), without repeats.
      type: list
      elements: str
      sample: [Archived Projcets]
    sessions:
      description:
        - The sessions of the listed jobs in the window, newest first, with the keys C(job_name), C(creation_time),
          C(end_time), C(state), C(result), C(duration_seconds) and C(failure_message).
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report import build_report

_PLAN_KEYS = ("now", "window", "window_start", "since", "span", "max_age", "accept_results")


def nas_backup_report_summary(sessions, plan, jobs=None, hosts=None, last_successes=None, unknown_jobs=None):
    if not isinstance(plan, dict) or any(key not in plan for key in _PLAN_KEYS):
        raise AnsibleFilterError("Option plan got %r: expected the result of backupgate.veeam_em.nas_backup_report_plan"
                                 % (plan,))
    if not isinstance(sessions, list):
        raise AnsibleFilterError("nas_backup_report_summary expects the list of sessions, got %s"
                                 % type(sessions).__name__)
    try:
        return build_report(sessions, plan, jobs=jobs, hosts=hosts, last_successes=last_successes,
                            unknown_jobs=unknown_jobs)
    except EmError as exc:
        raise AnsibleFilterError(exc.msg)


class FilterModule(object):
    def filters(self):
        return {"nas_backup_report_summary": nas_backup_report_summary}
