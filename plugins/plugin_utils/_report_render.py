# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The nas_backup_report report (see _report.build_report) written as JSON, CSV, Markdown or text.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

Rendering lives in Python rather than in Jinja templates because quoting is
the hard part: CSV fields with commas and quotes, Markdown cells with pipes,
HTML with anything a job name may hold.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import json

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report import JOB_KEYS, job_statuses
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_html import render_html
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_text import (
    STATUS_LABELS, format_duration, format_hours, format_rate, format_time,
)

# Format name -> file extension of nas_backup_report.<ext>.
EXTENSIONS = dict(html="html", markdown="md", csv="csv", json="json")


def render_json(report):
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def render_csv(report):
    """One row per job, the JSON job keys as columns; empty cells for null."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(JOB_KEYS)
    for job in report["jobs"]:
        writer.writerow([_csv_cell(job[key]) for key in JOB_KEYS])
    return out.getvalue()


def _md(text):
    """A Markdown table cell: pipes, backslashes and markup characters escaped, one line."""
    value = " ".join(str(text).split())
    for char in "\\|*_`[]<>#":
        value = value.replace(char, "\\" + char)
    return value


def _md_row(cells):
    return "| " + " | ".join(cells) + " |"


def _md_job_row(job, status):
    status = STATUS_LABELS[status]
    if job["running"] and job["last_result"]:
        status += " (running now)"
    return _md_row([
        _md(job["job_name"]), status, format_time(job["last_session_time"]),
        format_time(job["last_success_time"]), format_hours(job["last_success_age_hours"]),
        format_rate(job["success_rate"]), str(job["session_count"]),
        format_duration(job["mean_duration_seconds"]), format_duration(job["last_duration_seconds"]),
    ])


_MD_HEADER = ("Job", "Status", "Last session", "Last success", "Success age", "Success rate",
              "Sessions", "Mean duration", "Last duration")


def _md_hosts(report):
    lines = ["## Hosts", ""]
    if not report["hosts"]:
        return lines + ["No host of the inventory lists `veeam_nas_jobs`.", ""]
    for host in report["hosts"]:
        lines += ["### %s: %s" % (_md(host["host"]), "PASSED" if host["passed"] else "FAILED"), ""]
        if not host["jobs"]:
            lines.append("- No job is listed in `veeam_nas_jobs`.")
        for verdict in host["jobs"]:
            verb = "passed" if verdict["passed"] else "FAILED"
            lines.append("- %s **%s**: %s" % (verb, _md(verdict["job_name"]), _md(verdict["reason"])))
        lines.append("")
    return lines


def render_markdown(report):
    unknown = report["unknown_jobs"]
    lines = [
        "# NAS backup report", "",
        "Generated %s for the window %s (sessions created since %s)."
        % (format_time(report["generated_at"]), _md(report["window"]), format_time(report["window_start"])),
        "Hosts pass when the newest finished session of each of their jobs is at most %s old and ended with %s."
        % (_md(report["max_age"]), " or ".join(report["accept_results"])),
        "", "## Jobs", "",
    ]
    if unknown:
        lines += ["Enterprise Manager has no file share backup job named: %s." % ", ".join(_md(n) for n in unknown), ""]
    lines += [_md_row(_MD_HEADER), _md_row(["---"] * len(_MD_HEADER))]
    lines += [_md_job_row(job, status) for job, status in zip(report["jobs"], job_statuses(report))]
    if not report["jobs"]:
        lines.append("No file share backup job had a session in the window.")
    lines.append("")
    return "\n".join(lines + _md_hosts(report))


def render_text(report):
    """Short lines for a person reading the play output."""
    lines = ["NAS backup report %s, window %s: %d job(s), %d host(s)"
             % (report["generated_at"], report["window"], len(report["jobs"]), len(report["hosts"]))]
    for job, status in zip(report["jobs"], job_statuses(report)):
        rate = ("%s of %d finished session(s) succeeded" % (format_rate(job["success_rate"]), job["session_count"])
                if job["session_count"] else "no finished session in the window")
        lines.append("%s: %s%s, last success %s, %s" % (
            job["job_name"], STATUS_LABELS[status], ", running now" if job["running"] and status != "running" else "",
            format_hours(job["last_success_age_hours"], suffix=" ago"), rate))
    for host in report["hosts"]:
        failed = [v["job_name"] for v in host["jobs"] if not v["passed"]]
        lines.append("host %s: %s" % (host["host"], "passed" if host["passed"] else
                                      "FAILED (%s)" % (", ".join(failed) or "no job listed")))
    return "\n".join(lines) + "\n"


_RENDERERS = dict(json=render_json, csv=render_csv, markdown=render_markdown, html=render_html, text=render_text)


def render(report, fmt):
    """The report in one of ``html``, ``markdown``, ``csv``, ``json`` (files) or ``text`` (play output)."""
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise EmOptionError("nas_backup_report_formats", fmt, "expected one of %s" % ", ".join(sorted(_RENDERERS)))
    return renderer(report)
