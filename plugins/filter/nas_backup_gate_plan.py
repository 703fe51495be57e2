# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nas_backup_gate_plan
short_description: Plan one Enterprise Manager query for the NAS backup gate of a play's hosts
version_added: 1.0.0
description:
  - Reads the gate settings of every host of the play from C(hostvars) and returns the one question to ask EM
    for all of them, the union of the jobs over the widest window, for
    M(backupgate.veeam_em.veeam_nas_session_info) with O(backupgate.veeam_em.veeam_nas_session_info#module:state=stopped)
    and O(backupgate.veeam_em.veeam_nas_session_info#module:latest_per_job=true).
  - A host's jobs are C(nas_backup_gate_jobs), else C(veeam_nas_jobs); its max age, lookback and accepted results are
    C(nas_backup_gate_max_age), C(nas_backup_gate_lookback) and C(nas_backup_gate_accept_results), else O(defaults).
  - A host of O(batch) brings its own settings in its fact C(_nas_backup_gate_settings) (set in its own context, so
    role parameters count); the other hosts are predicted from their inventory variables.
  - A host of O(batch) with a bad setting is left out and named in RV(_value.errors) with one sentence naming the
    variable and its value, so that it fails alone; a predicted host with a bad setting is left out silently (it
    reports the error when its own batch runs). A bad O(fresh) setting or a misuse of the filter raises an error.
  - This is the planning half of the role P(backupgate.veeam_em.nas_backup_gate#role); the judging half is
    P(backupgate.veeam_em.nas_backup_gate_verdict#filter).
author:
  - backupgate.veeam_em contributors (@backupgate)
seealso:
  - plugin: backupgate.veeam_em.nas_backup_gate_verdict
    plugin_type: filter
  - plugin: backupgate.veeam_em.nas_backup_gate_fresh_jobs
    plugin_type: filter
  - module: backupgate.veeam_em.veeam_nas_session_info
options:
  _input:
    description: The host names of the play, normally C(ansible_play_hosts_all).
    type: list
    elements: str
    required: true
  hostvars:
    description: The play's C(hostvars).
    type: dict
    required: true
  batch:
    description:
      - The hosts of this run (normally C(ansible_play_batch)); they must have set C(_nas_backup_gate_settings), a
        dict of their gate variables by name. Defaults to every host of O(_input).
    type: list
    elements: str
  defaults:
    description:
      - Values of C(nas_backup_gate_max_age), C(nas_backup_gate_lookback) and C(nas_backup_gate_accept_results) for
        hosts that do not set them (the play's and role's values, which C(hostvars) does not hold).
    type: dict
  fresh:
    description:
      - The play's C(mode) (V(never), V(when_needed), V(always)) and C(timeout) (an age such as V(2h)) of fresh
        backups, checked here before any request and returned as RV(_value.fresh_mode) and RV(_value.fresh_timeout).
    type: dict
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
- name: Keep this host's own gate settings (role parameters and host variables alike)
  ansible.builtin.set_fact:
    _nas_backup_gate_settings:
      nas_backup_gate_jobs: "{{ nas_backup_gate_jobs | default(none) }}"
      veeam_nas_jobs: "{{ veeam_nas_jobs | default(none) }}"
      nas_backup_gate_max_age: "{{ nas_backup_gate_max_age | default(none) }}"

- name: Plan one query for every host of the play
  ansible.builtin.set_fact:
    gate_plan: "{{ ansible_play_hosts_all | backupgate.veeam_em.nas_backup_gate_plan(hostvars, batch=ansible_play_batch) }}"
  run_once: true

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
      description: Every job of every valid request, once, sorted.
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
      description: The checked requests (C(host), C(jobs), C(max_age), C(lookback), C(accept_results), C(predicted)).
      type: list
      elements: dict
    by_host:
      description: RV(_value.requests) by host name.
      type: dict
    errors:
      description: Host name to the sentence that says which of its settings is wrong; these hosts are left out.
      type: dict
      sample: {fs02: "Option nas_backup_gate_max_age got '3x': expected an age such as 90m, 24h, 7d or 2w"}
    query:
      description: Whether EM must be asked; false when no request has a job or O(cached) already covers the plan.
      type: bool
    fresh_mode:
      description: The checked fresh backup mode, V(never) when O(fresh) is not given.
      type: str
      sample: when_needed
    fresh_timeout:
      description: The checked fresh backup timeout, as written.
      type: str
      sample: 2h
    fresh_timeout_seconds:
      description: RV(_value.fresh_timeout) in seconds.
      type: int
      sample: 7200
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._gate import plan_for_hosts


def nas_backup_gate_plan(hosts, hostvars=None, batch=None, defaults=None, fresh=None, now=None, scope=None,
                         cached=None):
    try:
        return plan_for_hosts(hosts, hostvars, batch=batch, defaults=defaults, fresh=fresh, now=now, scope=scope,
                              cached=cached)
    except EmError as exc:
        raise AnsibleFilterError(exc.msg) from None


class FilterModule(object):
    def filters(self):
        return {"nas_backup_gate_plan": nas_backup_gate_plan}
