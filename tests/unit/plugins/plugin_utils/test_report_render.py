# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_render import render
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_text import (
    format_duration, format_hours, format_time,
)

ODD = 'Q1 "Finance"; Share, <b>|x|</b> & ü'


def job(name, **values):
    entry = dict(job_name=name, last_result=None, last_session_time=None, last_success_time=None,
                 last_success_age_hours=None, success_rate=None, session_count=0, running=False,
                 mean_duration_seconds=None, last_duration_seconds=None)
    entry.update(values)
    return entry


def session(name, created, ended, result, state="Stopped", message=None):
    return dict(job_name=name, creation_time=created, end_time=ended, state=state, result=result,
                duration_seconds=1800.0 if ended else None, failure_message=message)


REPORT = dict(
    generated_at="2026-11-22T21:00:00Z",
    window="7d",
    window_start="2026-11-15T21:00:00Z",
    max_age="24h",
    accept_results=["Success"],
    jobs=[
        job("Archived Projects", last_result="Failed", last_session_time="2026-11-22T18:00:00Z",
            last_success_time="2026-11-21T18:00:00Z", last_success_age_hours=27.0, success_rate=50.0,
            session_count=2, running=True, mean_duration_seconds=1800.0, last_duration_seconds=1800.0),
        job(ODD, last_result="Success", last_session_time="2026-11-22T19:00:00Z",
            last_success_time="2026-11-22T19:00:00Z", last_success_age_hours=2.0, success_rate=100.0,
            session_count=1, mean_duration_seconds=1800.0, last_duration_seconds=1800.0),
        job("Ghost"),
        job("Only Running", running=True),
    ],
    hosts=[
        dict(host="fs01", passed=True, jobs=[dict(job_name=ODD, passed=True, reason="fine")]),
        dict(host="fs02", passed=False, jobs=[dict(job_name="Archived Projects", passed=False, reason="it failed")]),
        dict(host="fs03", passed=False, jobs=[]),
    ],
    unknown_jobs=["Ghost"],
    sessions=[
        session("Archived Projects", "2026-11-22T20:50:00Z", None, "None", state="Working"),
        session("Archived Projects", "2026-11-22T18:00:00Z", "2026-11-22T18:30:00Z", "Failed",
                message="The network path was not found."),
        session("Archived Projects", "2026-11-21T18:00:00Z", "2026-11-21T18:30:00Z", "Success"),
        session(ODD, "2026-11-22T19:00:00Z", "2026-11-22T19:30:00Z", "Success"),
        session("Only Running", "2026-11-22T20:00:00Z", None, "None", state="Working"),
    ],
)


def test_json_is_the_report():
    assert json.loads(render(REPORT, "json")) == REPORT


def test_csv_has_one_row_per_job_with_the_job_keys():
    rows = list(csv.DictReader(io.StringIO(render(REPORT, "csv"))))
    assert len(rows) == 4
    assert list(rows[0]) == list(REPORT["jobs"][0])
    assert rows[0]["running"] == "true"
    assert rows[0]["last_success_age_hours"] == "27.0"
    assert rows[1]["job_name"] == ODD                      # quotes, commas and semicolons survive
    assert rows[2]["last_result"] == "" and rows[2]["session_count"] == "0"


def _md_rows(text):
    rows = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows[cells[0]] = cells
    return rows


def test_markdown_has_a_row_per_job_with_escaped_names():
    text = render(REPORT, "markdown")
    rows = _md_rows(text)
    assert rows["Archived Projects"][1:] == [
        "Failed (running now)", "2026-11-22 18:00 UTC", "2026-11-21 18:00 UTC", "27.0 h", "50.0%", "2",
        "30m 00s", "30m 00s"]
    escaped = r'Q1 "Finance"; Share, \<b\>\|x\|\</b\> & ü'
    assert rows[escaped][1] == "Success"
    assert rows["Ghost"][1] == "Unknown job"
    assert rows["Only Running"][1] == "Running"
    assert "### fs02: FAILED" in text
    assert "- FAILED **Archived Projects**: it failed" in text
    assert "No job is listed in `veeam_nas_jobs`." in text
    assert "Enterprise Manager has no file share backup job named: Ghost." in text


class _Page(HTMLParser):
    """Job rows, host sections, and whatever would make the page not self-contained."""

    def __init__(self):
        HTMLParser.__init__(self)
        self.rows = {}
        self.hosts = {}
        self.lanes = []
        self.tags = set()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        for name in ("src", "href"):
            if name in attrs:
                self.links.append(attrs[name])
        if tag == "tr" and "data-job" in attrs:
            self.rows[attrs["data-job"]] = attrs["data-status"]
        if tag == "section" and "data-host" in attrs:
            self.hosts[attrs["data-host"]] = attrs["data-passed"]
        if tag == "div" and attrs.get("class") == "lane":
            self.lanes.append(attrs["data-job"])


def test_html_has_a_row_and_a_status_per_job_and_a_section_per_host():
    page = _Page()
    page.feed(render(REPORT, "html"))
    assert page.rows == {"Archived Projects": "failed", ODD: "success", "Ghost": "unknown", "Only Running": "running"}
    assert page.lanes == ["Archived Projects", ODD, "Ghost", "Only Running"]
    assert page.hosts == {"fs01": "true", "fs02": "false", "fs03": "false"}


def test_html_is_self_contained_and_escaped():
    text = render(REPORT, "html")
    page = _Page()
    page.feed(text)
    assert not page.tags & {"script", "img", "link", "iframe", "object", "embed"}
    assert page.links == []
    assert "url(" not in text and "@import" not in text
    assert "<b>|x|</b>" not in text                        # the job name is text, not markup
    assert "&lt;b&gt;|x|&lt;/b&gt;" in text
    assert "default-src 'none'" in text


def test_html_draws_each_session_with_its_status_in_words():
    text = render(REPORT, "html")
    assert text.count('<rect class="bar ') == len(REPORT["sessions"])
    assert "<title>Failed, 2026-11-22 18:00 UTC, 30m 00s</title>" in text
    assert "<title>Running, 2026-11-22 20:50 UTC, running</title>" in text
    assert 'aria-label="Archived Projects: 1 Success, 1 Failed, 1 running"' in text
    assert "The network path was not found." in text


def test_text_lines_for_the_play_output():
    lines = render(REPORT, "text").splitlines()
    assert lines[0] == "NAS backup report 2026-11-22T21:00:00Z, window 7d: 4 job(s), 3 host(s)"
    assert lines[1] == ("Archived Projects: Failed, running now, last success 27.0 h ago, "
                        "50.0% of 2 finished session(s) succeeded")
    assert lines[3] == "Ghost: Unknown job, last success never, no finished session in the window"
    assert lines[-2:] == ["host fs02: FAILED (Archived Projects)", "host fs03: FAILED (no job listed)"]


def test_an_empty_report_renders_in_every_format():
    empty = dict(REPORT, jobs=[], hosts=[], unknown_jobs=[], sessions=[])
    for fmt in ("html", "markdown", "csv", "json", "text"):
        assert render(empty, fmt)
    assert render(empty, "csv").splitlines() == [",".join(REPORT["jobs"][0])]


def test_unknown_format_names_the_variable():
    with pytest.raises(EmOptionError) as caught:
        render(REPORT, "pdf")
    assert caught.value.msg.startswith("Option nas_backup_report_formats got 'pdf': expected one of")


@pytest.mark.parametrize("seconds, text", [(None, u"\u2014"), (44.6, "45s"), (1685, "28m 05s"), (3900, "1h 05m")])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_format_hours_and_time():
    assert format_hours(None) == "never"
    assert format_hours(47.94) == "47.9 h"
    assert format_hours(72, suffix=" ago") == "3.0 d ago"
    assert format_time("2026-11-22T19:00:05Z") == "2026-11-22 19:00 UTC"
    assert format_time(None) == u"\u2014"
