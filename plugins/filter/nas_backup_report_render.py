# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nas_backup_report_render
short_description: Write a NAS backup report as HTML, Markdown, CSV, JSON or text
version_added: 1.0.0
author:
  - backupgate.veeam_em contributors (@backupgate)
description:
  - Renders the report of P(backupgate.veeam_em.nas_backup_report_summary#filter) in one format.
  - V(html) is one self-contained page (inline CSS and SVG, no script, nothing fetched from the network)
    with a colour and a word per status, a timeline of each job's sessions over the window and a section per host.
  - V(markdown) is a table per report and a list per host; V(csv) has one row per job with the job keys of
    the report as columns (empty cells for null); V(json) is the report itself; V(text) is a few lines for
    the play output.
positional: _input, format
options:
  _input:
    description: The report.
    type: dict
    required: true
  format:
    description: The format.
    type: str
    choices: [html, markdown, csv, json, text]
    required: true
"""

EXAMPLES = r"""
- name: Write the report as a web page
  ansible.builtin.copy:
    content: "{{ report | backupgate.veeam_em.nas_backup_report_render('html') }}"
    dest: /srv/reports/nas_backup_report.html
    mode: "0644"

- name: Show it in the play output
  ansible.builtin.debug:
    msg: "{{ (report | backupgate.veeam_em.nas_backup_report_render('text')).splitlines() }}"
"""

RETURN = r"""
_value:
  description: The report in the chosen format.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_render import render


def nas_backup_report_render(report, fmt):
    if not isinstance(report, dict) or "jobs" not in report:
        raise AnsibleFilterError("nas_backup_report_render expects the report of "
                                 "backupgate.veeam_em.nas_backup_report_summary, got %s" % type(report).__name__)
    try:
        return render(report, fmt)
    except EmError as exc:
        raise AnsibleFilterError(exc.msg)


class FilterModule(object):
    def filters(self):
        return {"nas_backup_report_render": nas_backup_report_render}
