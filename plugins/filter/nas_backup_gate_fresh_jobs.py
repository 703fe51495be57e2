# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nas_backup_gate_fresh_jobs
short_description: The NAS backup jobs the gate starts before it judges
version_added: 1.0.0
description:
  - From the gate's answer (the output of P(backupgate.veeam_em.nas_backup_gate_plan#filter), run with its C(fresh)
    option, combined with C(sessions) and C(unknown_jobs) from M(backupgate.veeam_em.veeam_nas_session_info)),
    returns the jobs to start once each for the whole play, sorted.
  - C(fresh_mode=never) gives none; C(always) gives every job of the play; C(when_needed) gives the jobs whose newest
    finished session would not pass for at least one host that names them, each judged with that host's own max
    age and accepted results.
  - This is the fresh backup step of the role P(backupgate.veeam_em.nas_backup_gate#role).
author:
  - backupgate.veeam_em contributors (@backupgate)
seealso:
  - plugin: backupgate.veeam_em.nas_backup_gate_plan
    plugin_type: filter
  - module: backupgate.veeam_em.veeam_nas_job
options:
  _input:
    description: The shared answer; with C(fresh_mode=always) the plan alone will do.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Start each job that needs a fresh backup once, without waiting yet
  backupgate.veeam_em.veeam_nas_job:
    job_name: "{{ item }}"
    state: started
    wait: true
    wait_timeout: "{{ gate_answer.fresh_timeout_seconds }}"
  loop: "{{ gate_answer | backupgate.veeam_em.nas_backup_gate_fresh_jobs }}"
  async: "{{ gate_answer.fresh_timeout_seconds + 60 }}"
  poll: 0
  run_once: true
  delegate_to: localhost
  register: fresh_started
"""

RETURN = r"""
_value:
  description: The job names to start, sorted; empty when there is nothing to start.
  type: list
  elements: str
  sample: [Archived Projects]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._gate import GateError, fresh_jobs


def nas_backup_gate_fresh_jobs(answer):
    try:
        return fresh_jobs(answer)
    except EmError as exc:
        raise AnsibleFilterError(exc.msg) from None
    except (GateError, KeyError, TypeError, AttributeError) as exc:
        raise AnsibleFilterError("Cannot choose the NAS backup jobs for a fresh backup: the answer is not the "
                                 "gate's (%s)." % exc) from None


class FilterModule(object):
    def filters(self):
        return {"nas_backup_gate_fresh_jobs": nas_backup_gate_fresh_jobs}
