# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: nas_backup_report_html
short_description: Write a NAS backup report as an HTML page, from a Jinja template
version_added: 1.0.0
author:
  - backupgate.veeam_em contributors (@backupgate)
description:
  - Renders the report of P(backupgate.veeam_em.nas_backup_report_summary#filter) as one self-contained page
    through a Jinja template, by default the C(templates/nas_backup_report.html.j2) of the
    P(backupgate.veeam_em.nas_backup_report#role) role; a copy of it that you changed works the same.
  - The template gets C(view), the view model described under RV(_value) below, so that it only places values and
    never computes them, and C(report), the report itself.
  - Autoescaping is on, as Jinja's C(autoescape=True) gives it, so every job name, host name and EM message is
    escaped; a template only writes markup of its own. (Ansible's own template engine turns autoescaping off, which
    is why the page is not written with M(ansible.builtin.template).) The template runs in Jinja's sandbox, with
    Jinja's own filters but not Ansible's, and an undefined variable is an error.
positional: _input
options:
  _input:
    description: The report.
    type: dict
    required: true
  template:
    description: Path of the Jinja template on the controller.
    type: path
    required: true
"""

EXAMPLES = r"""
- name: Write the report page with a template of your own
  ansible.builtin.copy:
    content: "{{ report | backupgate.veeam_em.nas_backup_report_html(template=playbook_dir ~ '/my_report.html.j2') }}"
    dest: /srv/reports/nas_backup_report.html
    mode: "0644"
"""

RETURN = r"""
_value:
  description:
    - The page, a string.
    - Described here instead is C(view), the view model the template gets.
  type: str
  contains:
    title:
      description: The moment of the report, for the page title.
      type: str
      sample: "2026-11-22 21:00 UTC"
    generated:
      description: The moment of the report, C(iso) and C(text).
      type: dict
    window:
      description: The window as given.
      type: str
      sample: 7d
    window_start:
      description: The start of the window, C(iso) and C(text).
      type: dict
    max_age:
      description: The freshness the host verdicts ask for.
      type: str
      sample: 24h
    accept_results:
      description: The results that let a host pass, in words.
      type: str
      sample: Success or Warning
    tally:
      description: How many jobs have each status (C(status), C(count), C(text)), worst first, then how many hosts pass.
      type: list
      elements: dict
    unknown_jobs:
      description: Job names of which no session was found at all.
      type: list
      elements: str
    jobs:
      description:
        - One row per job, C(name), C(status), C(last_result) (a badge, or null), C(badges) (the status, and
          C(Running now) when a session runs), C(why) (EM's failure message or an explanation, or null),
          C(last_session), C(last_success) (C(iso) and C(text), or null), C(last_success_age), C(success_rate),
          C(session_count), C(mean_duration), C(last_duration).
        - A badge is C(status) (the CSS class suffix), C(icon) and C(text).
      type: list
      elements: dict
    timeline:
      description:
        - C(width) of a lane in SVG units; C(axis), ticks with C(left) in percent and C(text);
          C(lanes), per job C(name), C(label), C(count), C(fresh_x) and C(fresh_width) (the part of the window
          within the host rule's max age), C(grid) (x of each tick) and C(bars) (C(kind), C(x), C(width), C(tip));
          C(legend), C(kind) and C(text).
      type: dict
    hosts:
      description: One card per host, C(name), C(passed), C(badge) and C(jobs) (C(name), C(passed), C(reason), C(badge)).
      type: list
      elements: dict
"""

from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_html import render_html
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_render import run_report_filter


def nas_backup_report_html(report, template):
    return run_report_filter("nas_backup_report_html", render_html, report, template)


class FilterModule(object):
    def filters(self):
        return {"nas_backup_report_html": nas_backup_report_html}
