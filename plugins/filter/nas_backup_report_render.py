# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nas_backup_report_render
short_description: Write a NAS backup report as Markdown, CSV or text
version_added: 1.0.0
author:
  - backupgate.veeam_em contributors (@backupgate)
description:
  - Renders the report of P(backupgate.veeam_em.nas_backup_report_summary#filter) in one format.
  - V(markdown) is a table of the jobs (the last result and the status side by side) and a list per host.
  - V(csv) has one row per job with the job keys of the report as columns (empty cells for null); every cell is
    quoted, and a cell that starts with C(=), C(+), C(-), C(@), a tab or a carriage return gets a leading single
    quote, so that a spreadsheet shows it as text instead of running it as a formula (OWASP's advice on CSV injection).
  - V(text) is a few lines for the play output.
  - The HTML page is the template of the P(backupgate.veeam_em.nas_backup_report#role) role, fed by
    P(backupgate.veeam_em.nas_backup_report_html#filter); the JSON file is the report through
    P(ansible.builtin.to_nice_json#filter).
positional: _input, format
options:
  _input:
    description: The report.
    type: dict
    required: true
  format:
    description: The format.
    type: str
    choices: [markdown, csv, text]
    required: true
"""

EXAMPLES = r"""
- name: Write the report as a CSV file
  ansible.builtin.copy:
    content: "{{ report | backupgate.veeam_em.nas_backup_report_render('csv') }}"
    dest: /srv/reports/nas_backup_report.csv
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

from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_render import render, run_report_filter


def nas_backup_report_render(report, fmt):
    return run_report_filter("nas_backup_report_render", render, report, fmt)


class FilterModule(object):
    def filters(self):
        return {"nas_backup_report_render": nas_backup_report_render}
