# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The three nas_backup_report filters as a playbook uses them: by FQCN, through the templar."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import json
import os

import pytest

from ansible.errors import AnsibleError

from ansible_collections.backupgate.veeam_em.tests.unit.plugins.filter.templating import render

NOW = "2026-11-22T21:00:00Z"
TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "roles", "nas_backup_report", "templates",
                        "nas_backup_report.html.j2")
SESSIONS = [
    dict(job_name="Finance", state="Working", result="None", creation_time="2026-11-22T20:30:00Z",
         end_time=None, duration_seconds=None, failure_message=None),
    dict(job_name="Finance", state="Stopped", result="Success", creation_time="2026-11-22T19:00:00Z",
         end_time="2026-11-22T19:30:00Z", duration_seconds=1800.0, failure_message=None),
    dict(job_name="Finance", state="Stopped", result="Failed", creation_time="2026-11-21T19:00:00Z",
         end_time="2026-11-21T19:10:00Z", duration_seconds=600.0, failure_message="Access is denied"),
]


def plan(**options):
    variables = dict(window="7d", now=NOW, hosts={"fs01": ["Finance"], "fs02": ["Finance", "Archive"]})
    variables.update(options)
    return render("{{ window | backupgate.veeam_em.nas_backup_report_plan(now=now, hosts=hosts) }}", **variables)


def test_plan_summary_and_render_chain_in_jinja():
    report = render(
        "{{ sessions | backupgate.veeam_em.nas_backup_report_summary(plan=plan, hosts=hosts, unknown_jobs=['Archive']) }}",
        sessions=SESSIONS, plan=plan(), hosts={"fs01": ["Finance"], "fs02": ["Finance", "Archive"]})
    assert [job["job_name"] for job in report["jobs"]] == ["Archive", "Finance"]   # the host's job is listed too
    by_name = dict((job["job_name"], job) for job in report["jobs"])
    assert by_name["Finance"]["success_rate"] == 50.0
    assert by_name["Finance"]["mean_duration_seconds"] == 1200.0
    assert by_name["Finance"]["running"] is True
    assert [(h["host"], h["passed"]) for h in report["hosts"]] == [("fs01", True), ("fs02", False)]

    text = render("{{ report | to_nice_json(indent=2, sort_keys=false) }}", report=report)
    assert json.loads(text)["generated_at"] == NOW
    assert list(json.loads(text)["jobs"][0])[:3] == ["job_name", "last_result", "status"]   # the file keeps the order
    rows = list(csv.DictReader(io.StringIO(render("{{ report | backupgate.veeam_em.nas_backup_report_render('csv') }}",
                                                  report=report))))
    assert [row["job_name"] for row in rows] == ["Archive", "Finance"]
    html = render("{{ report | backupgate.veeam_em.nas_backup_report_html(template=template) }}", report=report,
                  template=TEMPLATE)
    assert html.startswith("<!DOCTYPE html>")
    assert 'data-job="Finance" data-status="success"' in html


def test_plan_through_jinja_names_the_query():
    result = plan(window="12h")
    assert result["since"] == "2026-11-21T21:00:00Z"   # max age 24h reaches further back than 12h
    assert result["query_jobs"] == []


@pytest.mark.parametrize("expression, message", [
    ("{{ '7x' | backupgate.veeam_em.nas_backup_report_plan }}", "Option nas_backup_report_window got '7x'"),
    ("{{ '7d' | backupgate.veeam_em.nas_backup_report_plan(max_age='1y') }}", "Option nas_backup_report_max_age got '1y'"),
    ("{{ '7d' | backupgate.veeam_em.nas_backup_report_plan(now='yesterday') }}", "Option now got 'yesterday'"),
    ("{{ [] | backupgate.veeam_em.nas_backup_report_summary(plan={}) }}", "Option plan got {}"),
    ("{{ 'x' | backupgate.veeam_em.nas_backup_report_summary(plan=p) }}", "expects the list of sessions, got str"),
    ("{{ {} | backupgate.veeam_em.nas_backup_report_render('csv') }}", "expects the report"),
    ("{{ {} | backupgate.veeam_em.nas_backup_report_html(template='x') }}", "expects the report"),
    ("{{ r | backupgate.veeam_em.nas_backup_report_html(template='/nonexistent.j2') }}",
     "Option nas_backup_report_html_template got '/nonexistent.j2': expected the path of a Jinja template file"),
    ("{{ r | backupgate.veeam_em.nas_backup_report_render('html') }}", "Option nas_backup_report_formats got 'html'"),
    ("{{ r | backupgate.veeam_em.nas_backup_report_render('pdf') }}", "Option nas_backup_report_formats got 'pdf'"),
])
def test_bad_input_fails_with_one_sentence(expression, message):
    variables = dict(p=plan(), r=dict(jobs=[]))
    with pytest.raises(AnsibleError) as caught:
        render(expression, **variables)
    assert message in str(caught.value)
    assert "Traceback" not in str(caught.value)
