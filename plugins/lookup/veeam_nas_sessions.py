# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: veeam_nas_sessions
short_description: File share (NAS) backup sessions of Veeam Backup Enterprise Manager, from Jinja
version_added: 1.0.0
description:
  - Returns file share (NAS) backup job sessions known to Veeam Backup Enterprise Manager (EM 10 to 13), newest first,
    with the same keys as RV(backupgate.veeam_em.veeam_nas_session_info#module:sessions).
  - Runs in the controller, so it works in C(when), C(assert) and templates, and under C(--check).
  - The terms are job names; without terms, the sessions of every file share job are returned.
  - Connection options come from keywords, then from variables, then from the environment.
  - Each call logs on to EM once and always logs off before it returns.
author:
  - backupgate.veeam_em contributors (@backupgate)
seealso:
  - module: backupgate.veeam_em.veeam_nas_session_info
  - module: backupgate.veeam_em.veeam_nas_session_stop
extends_documentation_fragment:
  - backupgate.veeam_em._connection
  - backupgate.veeam_em._connection.plugins
  - backupgate.veeam_em._session_filters
options:
  _terms:
    description:
      - Exact names of the file share backup jobs whose sessions to return; any character is allowed.
      - A list given as one term is read as its job names, so O(_terms) can be a variable such as C(veeam_nas_jobs).
      - No term means every file share backup job.
      - Names are compared exactly, case included, although EM compares them case-insensitively;
        the sessions of a job C(FINANCE) are never returned for the term C(finance).
      - The lookup fails, naming them, when EM has no session at all of one of these jobs, because the job does not
        exist or has never run (only C(GET /api/nas/jobs), which a Portal User may not call, could tell which).
        A job with sessions, none of them matching the filters, just contributes no session.
    type: list
    elements: str
    required: false
notes:
  - C(lookup) returns a single session as a dict and no session as an empty list;
    use C(query) or O(ignore:wantlist=true) to always get a list.
  - Keywords the lookup does not know (a misspelt option, C(session_id), C(job_name)) make it fail rather than be ignored.
"""

EXAMPLES = r"""
- name: Connection options once, as variables (or VEEAM_EM_* environment variables)
  hosts: localhost
  vars:
    veeam_em_url: https://em.example.com:9398
    veeam_em_username: CORP\svc-ansible
    veeam_em_password: "{{ vault_em_password }}"
    veeam_em_ca_path: /etc/pki/corp-root-ca.pem
  tasks:
    - name: Patch the file server only if its share was backed up successfully in the last day
      ansible.builtin.include_tasks: patch_fileserver.yml
      when: >-
        query('backupgate.veeam_em.veeam_nas_sessions', 'Finance Share',
              latest_per_job=true, state='stopped', created_after='24h')
        | selectattr('result', 'equalto', 'Success') | list | length == 1

    - name: Require a successful backup of both jobs within 24 hours
      ansible.builtin.assert:
        that:
          - latest | length == 2
          - latest | map(attribute='result') | unique == ['Success']
        fail_msg: "No recent successful backup: {{ latest | map(attribute='job_name') | join(', ') }}"
      vars:
        latest: "{{ query('backupgate.veeam_em.veeam_nas_sessions', 'Finance Share', 'Archived Projects',
                          latest_per_job=true, state='stopped', result=['Success'], created_after='24h') }}"

    - name: Stop here while any file share backup is running
      ansible.builtin.assert:
        that: query('backupgate.veeam_em.veeam_nas_sessions', state='running') | length == 0
        fail_msg: A file share backup is running; try again later.

    - name: Failures of the week, in a template
      ansible.builtin.debug:
        msg: >-
          {% for s in query('backupgate.veeam_em.veeam_nas_sessions', result=['Failed'], created_after='7d') %}
          {{ s.job_name }} {{ s.creation_time }}: {{ s.failure_message }}
          {% endfor %}

    - name: The jobs of a host from its variables, with the connection given as keywords
      ansible.builtin.debug:
        msg: >-
          {{ query('backupgate.veeam_em.veeam_nas_sessions', veeam_nas_jobs, latest_per_job=true,
                   url='https://em.example.com:9398', username='CORP\\svc-ansible', password=vault_em_password) }}
"""

RETURN = r"""
_raw:
  description:
    - The matching sessions, newest first, one dict per session with the keys of
      RV(backupgate.veeam_em.veeam_nas_session_info#module:sessions), C(task_sessions) only with
      O(include_task_sessions=true).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleLookupError

from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import find_sessions
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import SessionQuery
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._lookup_base import VeeamEmLookupBase


class LookupModule(VeeamEmLookupBase):

    KEYWORD_HINTS = {
        "job_name": "give job names as terms",
        "session_id": "use the module backupgate.veeam_em.veeam_nas_session_info for one session",
    }
    ACTIVITY = "reading NAS backup sessions from EM"

    def _run(self, terms):
        # Everything the user gave is checked before the first request.
        query = SessionQuery.from_options(self.get_option, job_names=_job_names(terms))
        client = self._client()
        try:
            with client as em:
                sessions, unknown = find_sessions(em, query)
        finally:
            self._show_warnings(client)
        if unknown:
            raise AnsibleLookupError(_unknown_jobs_message(unknown, query))
        return sessions


def _job_names(terms):
    """The terms as a flat list of job names; a list term (``veeam_nas_jobs``) counts as its items."""
    names = []
    for term in terms or []:
        items = term if isinstance(term, (list, tuple)) else [term]
        for item in items:
            if not isinstance(item, str) or not item:
                raise AnsibleLookupError("Term %r is not a job name: expected a non-empty string." % (item,))
            names.append(item)
    return names


def _unknown_jobs_message(unknown, query):
    names = [u for u in unknown if u in query.job_names]
    ids = [u for u in unknown if u not in query.job_names]
    parts = []
    if names:
        parts.append("named %s" % ", ".join(repr(n) for n in names))
    if ids:
        parts.append("with id %s" % ", ".join(ids))
    # Only GET /api/nas/jobs, which a Portal User may not call, could tell these two apart.
    return ("EM has no session at all of a NAS backup job %s: no such job exists, or it has never run."
            % " or of one ".join(parts))
