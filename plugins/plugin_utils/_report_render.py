# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The nas_backup_report report (see _report.build_report) written as CSV, Markdown or text.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

These stay in Python because quoting is the hard part: CSV fields with commas,
quotes and spreadsheet formulas, Markdown cells with pipes. The HTML page is the
role's template (fed by _report_html.html_view) and the JSON file is Ansible's
to_nice_json of the report.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io

from ansible.errors import AnsibleFilterError

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report import JOB_KEYS
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_text import (
    NOTHING, STATUS_LABELS, format_duration, format_hours, format_rate, format_time,
)

# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    """A CSV cell: empty for null, true/false, and text a spreadsheet would run as a formula
    (a job name such as ``=HYPERLINK(...)``) prefixed with a single quote, as OWASP advises."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_LEADS):
        return "'" + value
    return value


def render_csv(report):
    """One row per job, the JSON job keys as columns; empty cells for null.

    Every cell is quoted, so a neutralised formula stays one quoted cell whatever
    it holds (OWASP: prefix with a single quote and enclose the field in quotes).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
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


def _status_words(job):
    """The status in words, and whether a session runs now when that is not the status itself."""
    words = STATUS_LABELS[job["status"]]
    return words + ", running now" if job["running"] and job["status"] != "running" else words


def _md_job_row(job):
    return _md_row([
        _md(job["job_name"]), job["last_result"] or NOTHING, _status_words(job), format_time(job["last_session_time"]),
        format_time(job["last_success_time"]), format_hours(job["last_success_age_hours"]),
        format_rate(job["success_rate"]), str(job["session_count"]),
        format_duration(job["mean_duration_seconds"]), format_duration(job["last_duration_seconds"]),
    ])


_MD_HEADER = ("Job", "Last result", "Status", "Last session", "Last success", "Success age", "Success rate",
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
        lines += ["No session at all was found for: %s. Enterprise Manager has no such file share backup job, "
                  "or it has never run." % ", ".join(_md(n) for n in unknown), ""]
    lines += [_md_row(_MD_HEADER), _md_row(["---"] * len(_MD_HEADER))]
    lines += [_md_job_row(job) for job in report["jobs"]]
    if not report["jobs"]:
        lines.append("No file share backup job had a session in the window.")
    lines.append("")
    return "\n".join(lines + _md_hosts(report))


def render_text(report):
    """Short lines for a person reading the play output."""
    lines = ["NAS backup report %s, window %s: %d job(s), %d host(s)"
             % (report["generated_at"], report["window"], len(report["jobs"]), len(report["hosts"]))]
    for job in report["jobs"]:
        rate = ("%s of %d finished session(s) succeeded" % (format_rate(job["success_rate"]), job["session_count"])
                if job["session_count"] else "no finished session in the window")
        lines.append("%s: last result %s, status %s, last success %s, %s" % (
            job["job_name"], job["last_result"] or "none", _status_words(job),
            format_hours(job["last_success_age_hours"], suffix=" ago"), rate))
    for host in report["hosts"]:
        failed = [v["job_name"] for v in host["jobs"] if not v["passed"]]
        lines.append("host %s: %s" % (host["host"], "passed" if host["passed"] else
                                      "FAILED (%s)" % (", ".join(failed) or "no job listed")))
    return "\n".join(lines) + "\n"


def run_report_filter(filter_name, function, report, *args):
    """``function(report, *args)`` for a filter: anything but a report of nas_backup_report_summary
    is refused in one sentence, and an EmError becomes the AnsibleFilterError a play shows."""
    if not isinstance(report, dict) or "jobs" not in report or any("status" not in job for job in report["jobs"]):
        raise AnsibleFilterError("%s expects the report of backupgate.veeam_em.nas_backup_report_summary, got %s"
                                 % (filter_name, type(report).__name__))
    try:
        return function(report, *args)
    except EmError as exc:
        raise AnsibleFilterError(exc.msg)


_RENDERERS = dict(csv=render_csv, markdown=render_markdown, text=render_text)


def render(report, fmt):
    """The report in one of ``markdown``, ``csv`` (files) or ``text`` (play output)."""
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise EmOptionError("nas_backup_report_formats", fmt, "expected one of %s" % ", ".join(sorted(_RENDERERS)))
    return renderer(report)
