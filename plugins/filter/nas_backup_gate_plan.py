# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nas_backup_gate_plan
short_description: Plan one Enterprise Manager query for the NAS backup gate of many hosts
version_added: 1.0.0
description:
  - Takes the gate request of every host (its NAS backup jobs, max age and lookback) and returns
    the one question to ask EM for all of them, the union of the jobs over the widest window,
    for M(backupgate.veeam_em.veeam_nas_session_info) with O(backupgate.veeam_em.veeam_nas_session_info#module:state=stopped)
    and O(backupgate.veeam_em.veeam_nas_session_info#module:latest_per_job=true).
  - Every request is checked; a bad job list or age fails with one sentence naming the variable and its value.
  - This is the planning half of the role P(backupgate.veeam_em.nas_backup_gate#role); the judging half is
    P(backupgate.veeam_em.nas_backup_gate_verdict#filter).
author:
  - backupgate.veeam_em contributors (@backupgate)
seealso:
  - plugin: backupgate.veeam_em.nas_backup_gate_verdict
    plugin_type: filter
  - module: backupgate.veeam_em.veeam_nas_session_info
options:
  _input:
    description:
      - One request per host, a dict with C(host), C(jobs) (a list of exact job names; one string is one name),
        C(max_age) (default V(24h)) and C(lookback) (default V(7d)), ages such as V(90m), V(24h), V(7d) or V(2w).
      - A request with C(predicted=true) stands for a host of a later serial batch, read from its inventory
        variables; when it is invalid it is left out instead of failing, and the host reports the error itself.
    type: list
    elements: dict
    required: true
  now:
    description:
      - The instant the ages are measured from, ISO-8601 (naive means UTC). Defaults to the current time.
    type: str
  scope:
    description:
      - What the answer belongs to, for example the C(role_uuid) of the role in this play.
        Only an answer of the same scope can be reused, see O(cached).
    type: str
  cached:
    description:
      - An earlier answer (this plan plus C(sessions) and C(unknown_jobs)). When it has the same O(scope),
        holds every job and a window at least as wide, RV(_value.query) is false, as nothing needs to be asked again.
    type: dict
"""

EXAMPLES = r"""
- name: Plan one query for two hosts
  ansible.builtin.set_fact:
    gate_plan: "{{ requests | backupgate.veeam_em.nas_backup_gate_plan }}"
  vars:
    requests:
      - host: fs01
        jobs: [Archived Projects, Finance Share]
        max_age: 24h
      - host: fs02
        jobs: [Finance Share]
        max_age: 2d
  # gate_plan.job_names: [Archived Projects, Finance Share]; gate_plan.window: 7d (the default lookback)

- name: Ask EM once for all of them
  backupgate.veeam_em.veeam_nas_session_info:
    job_name: "{{ gate_plan.job_names }}"
    state: stopped
    latest_per_job: true
    created_after: "{{ gate_plan.created_after }}"
  delegate_to: localhost
  run_once: true
  when: gate_plan.query
  register: gate_sessions
"""

RETURN = r"""
_value:
  description: The query to send, and what it was planned from.
  type: dict
  contains:
    job_names:
      description: Every job of every request, once, sorted.
      type: list
      elements: str
      sample: [Archived Projects, Finance Share]
    window:
      description: The widest max age or lookback of the requests with jobs, as written.
      type: str
      sample: 7d
    window_seconds:
      description: RV(_value.window) in seconds.
      type: int
      sample: 604800
    checked_at:
      description: The instant the ages are measured from, ISO-8601 UTC.
      type: str
      sample: "2026-11-22T06:00:00Z"
    created_after:
      description: RV(_value.checked_at) minus the window, for the query's C(created_after).
      type: str
      sample: "2026-11-15T06:00:00Z"
    scope:
      description: The O(scope) given.
      type: str
    requests:
      description: The checked requests, with defaults filled in and job names de-duplicated.
      type: list
      elements: dict
    query:
      description: Whether EM must be asked; false when no request has a job or O(cached) already covers the plan.
      type: bool
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._gate import plan


def nas_backup_gate_plan(requests, now=None, scope=None, cached=None):
    try:
        return plan(requests, now=now, scope=scope, cached=cached)
    except EmError as exc:
        raise AnsibleFilterError(exc.msg) from None


class FilterModule(object):
    def filters(self):
        return {"nas_backup_gate_plan": nas_backup_gate_plan}
