# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nas_backup_report_plan
short_description: Check the settings of a NAS backup report and fix what to ask Enterprise Manager for
version_added: 1.0.0
author:
  - backupgate.veeam_em contributors (@backupgate)
description:
  - The first step of the P(backupgate.veeam_em.nas_backup_report#role) role, run before any request to
    Enterprise Manager (EM) so that a wrong setting fails with one sentence naming it.
  - Fixes the moment the report is about (RV(_value.now)) and the sessions to ask EM for,
    those created since RV(_value.since) of the jobs in RV(_value.query_jobs).
  - Pass the result to P(backupgate.veeam_em.nas_backup_report_summary#filter).
positional: _input
options:
  _input:
    description:
      - The report window, an age counted back from now such as V(7d), V(24h) or V(2w),
        or an ISO-8601 date-time such as V(2026-11-01T00:00:00Z) (without a zone it is UTC).
    type: str
    required: true
  max_age:
    description:
      - How recent the newest finished session of a job must be for a host that lists it to pass,
        an age such as V(24h).
      - When it reaches further back than the window, RV(_value.since) reaches back as far.
    type: str
    default: 24h
  accept_results:
    description: The results that let a host pass.
    type: list
    elements: str
    choices: [Success, Warning, Failed, None]
    default: [Success]
  jobs:
    description:
      - The job names the report is limited to; none means every job with a session in the window.
    type: list
    elements: str
    default: []
  hosts:
    description:
      - Inventory hosts and their jobs, as a mapping of host name to a list of job names.
        Hosts whose value is null are left out.
      - With O(jobs), their jobs are asked for too, so that every host is judged on all its jobs.
    type: dict
    default: {}
  now:
    description:
      - The moment the report is written, an ISO-8601 date-time; the current time when not given.
      - For reproducible reports and tests.
    type: str
"""

EXAMPLES = r"""
- name: Settings of a weekly report
  ansible.builtin.set_fact:
    report_plan: "{{ '7d' | backupgate.veeam_em.nas_backup_report_plan(max_age='24h', accept_results=['Success']) }}"

- name: All sessions the report needs, in one query
  backupgate.veeam_em.veeam_nas_session_info:
    created_after: "{{ report_plan.since }}"
    job_name: "{{ report_plan.query_jobs if report_plan.query_jobs else omit }}"
  register: report_sessions
"""

RETURN = r"""
_value:
  description: The checked settings.
  type: dict
  contains:
    now:
      description: The moment of the report, ISO-8601 UTC.
      type: str
      sample: "2026-11-22T21:00:00Z"
    window:
      description: The window as given.
      type: str
      sample: 7d
    window_start:
      description: Statistics cover sessions created at or after this moment, ISO-8601 UTC.
      type: str
      sample: "2026-11-15T21:00:00Z"
    since:
      description: Ask EM for sessions created at or after this moment (the earlier of the window start and now minus O(max_age)).
      type: str
      sample: "2026-11-15T21:00:00Z"
    span:
      description: How far back RV(_value.since) is, as an age that reasons quote.
      type: str
      sample: 7d
    max_age:
      description: O(max_age) as given.
      type: str
      sample: 24h
    max_age_seconds:
      description: O(max_age) in seconds.
      type: int
      sample: 86400
    accept_results:
      description: O(accept_results).
      type: list
      elements: str
      sample: [Success]
    query_jobs:
      description: The job names to ask EM for; an empty list means every job.
      type: list
      elements: str
      sample: []
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report import make_plan
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import parse_timestamp


def nas_backup_report_plan(window, max_age="24h", accept_results=None, jobs=None, hosts=None, now=None):
    try:
        moment = parse_timestamp(now) if now else None
    except ValueError:
        raise AnsibleFilterError("Option now got %r: expected an ISO-8601 date-time" % (now,))
    try:
        return make_plan(window, max_age, accept_results if accept_results is not None else ["Success"],
                         jobs=jobs, hosts=hosts, now=moment)
    except EmError as exc:
        raise AnsibleFilterError(exc.msg)


class FilterModule(object):
    def filters(self):
        return {"nas_backup_report_plan": nas_backup_report_plan}
