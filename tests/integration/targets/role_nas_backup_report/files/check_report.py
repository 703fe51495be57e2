# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the report files in DEST against the hand-made truth in truth.yml.

Usage: check_report.py DEST TRUTH_FILE TRUTH_KEY SIM_STARTED_AT

Reads every file the role wrote, each with its own parser (json, csv, a Markdown table
reader, html.parser), and compares it with the truth. Prints JSON: ``checks`` (how many
comparisons were made) and ``problems`` (one line per mismatch; empty when all is well).
It imports nothing from the collection: the truth is the scenario, worked out by hand.
"""

import csv
import html
import io
import json
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import yaml

JOB_KEYS = ["job_name", "last_result", "status", "last_session_time", "last_success_time", "last_success_age_hours",
            "success_rate", "session_count", "running", "mean_duration_seconds", "last_duration_seconds"]
EXACT_KEYS = ["last_result", "status", "success_rate", "session_count", "running", "mean_duration_seconds",
              "last_duration_seconds"]
LABELS = {"success": "Success", "warning": "Warning", "failed": "Failed", "running": "Running",
          "none": "No session", "unknown": "No session ever", "stale": "Stale"}
# A spreadsheet runs a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
FILES = {"html": "nas_backup_report.html", "markdown": "nas_backup_report.md",
         "csv": "nas_backup_report.csv", "json": "nas_backup_report.json"}
# Ages are rounded to 0.01 h and measured between times cut to whole seconds.
AGE_SLACK = 0.006


class Checker:
    def __init__(self, truth, started_at):
        self.truth = truth
        self.started = started_at
        self.checks = 0
        self.problems = []
        self.gap_hours = 0.0

    def same(self, where, got, expected):
        self.checks += 1
        if got != expected:
            self.problems.append("%s: got %r, expected %r" % (where, got, expected))

    def near(self, where, got, expected):
        self.checks += 1
        if got is None or abs(got - expected) > AGE_SLACK:
            self.problems.append("%s: got %r, expected %.4f (+/- %s)" % (where, got, expected, AGE_SLACK))

    def stamp(self, hours_ago):
        """The creation time of a scenario session, as the collection writes it (whole seconds, Z)."""
        if hours_ago is None:
            return None
        moment = self.started - timedelta(hours=hours_ago)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def age(self, hours_ago):
        return None if hours_ago is None else hours_ago + self.gap_hours


def parse_time(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


# -- JSON ---------------------------------------------------------------------------------

def check_json(chk, path):
    report = json.load(open(path, encoding="utf-8"))
    truth = chk.truth
    generated = parse_time(report["generated_at"])
    chk.gap_hours = (generated - chk.started).total_seconds() / 3600.0
    chk.same("json window", report["window"], truth["window"])
    chk.same("json window_start", report["window_start"],
             (generated - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    chk.same("json job order", [j["job_name"] for j in report["jobs"]], [j["job_name"] for j in truth["jobs"]])
    for got, want in zip(report["jobs"], truth["jobs"]):
        where = "json job %s" % want["job_name"]
        chk.same(where + " keys", list(got), JOB_KEYS)
        for key in EXACT_KEYS:
            chk.same("%s %s" % (where, key), got[key], want[key])
        chk.same(where + " last_session_time", got["last_session_time"], chk.stamp(want["last_session_hours_ago"]))
        chk.same(where + " last_success_time", got["last_success_time"], chk.stamp(want["last_success_hours_ago"]))
        if want["last_success_hours_ago"] is None:
            chk.same(where + " last_success_age_hours", got["last_success_age_hours"], None)
        else:
            chk.near(where + " last_success_age_hours", got["last_success_age_hours"],
                     chk.age(want["last_success_hours_ago"]))
    hosts = [dict(host=h["host"], passed=h["passed"], jobs=dict((j["job_name"], j["passed"]) for j in h["jobs"]))
             for h in report["hosts"]]
    chk.same("json hosts", hosts, truth["hosts"])
    for host in report["hosts"]:
        for verdict in host["jobs"]:
            chk.same("json reason of %s/%s is a sentence" % (host["host"], verdict["job_name"]),
                     bool(verdict["reason"]) and not verdict["reason"].startswith(verdict["job_name"] + ":"), True)
    chk.same("json unknown_jobs", report["unknown_jobs"], truth["unknown_jobs"])
    chk.same("json sessions in the window", len(report["sessions"]), truth["session_count_in_window"])
    chk.same("json sessions of listed jobs only",
             sorted(set(s["job_name"] for s in report["sessions"]) - set(j["job_name"] for j in truth["jobs"])), [])


# -- CSV ----------------------------------------------------------------------------------

def _csv_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_name(name):
    """What a job name must look like in the CSV: a would-be formula gets a leading single quote."""
    return "'" + name if name.startswith(FORMULA_LEADS) else name


def check_csv(chk, path):
    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    chk.same("csv header", rows[0], JOB_KEYS)
    body = [dict(zip(rows[0], row)) for row in rows[1:]]
    chk.same("csv job order", [r["job_name"] for r in body], [_csv_name(j["job_name"]) for j in chk.truth["jobs"]])
    for want in chk.truth["jobs"]:
        if want["job_name"].startswith(FORMULA_LEADS):
            # The raw line: the neutralised cell is quoted, its own quotes doubled (OWASP).
            chk.same("csv neutralised cell of %s" % want["job_name"],
                     '"\'%s"' % want["job_name"].replace('"', '""') in text, True)
    for got, want in zip(body, chk.truth["jobs"]):
        where = "csv job %s" % want["job_name"]
        for key in EXACT_KEYS:
            chk.same("%s %s" % (where, key), got[key], _csv_text(want[key]))
        chk.same(where + " last_success_time", got["last_success_time"],
                 _csv_text(chk.stamp(want["last_success_hours_ago"])))
        if want["last_success_hours_ago"] is not None:
            chk.near(where + " last_success_age_hours", float(got["last_success_age_hours"]),
                     chk.age(want["last_success_hours_ago"]))


# -- Markdown -----------------------------------------------------------------------------

def _md_cells(line):
    cells = re.split(r"(?<!\\)\|", line)[1:-1]
    return [re.sub(r"\\(.)", r"\1", cell.strip()) for cell in cells]


def _md_time(stamp):
    return u"\u2014" if stamp is None else "%s %s UTC" % (stamp[:10], stamp[11:16])


def _md_age(hours):
    """An age as a person reads it: whole days and hours (1d 3h, 10d), or hours and minutes (2h 5m, 6h, 12m)."""
    minutes = max(int(hours * 60), 0)
    days, rest = divmod(minutes, 1440)
    whole_hours, mins = divmod(rest, 60)
    if days:
        return "%dd" % days + (" %dh" % whole_hours if whole_hours else "")
    if whole_hours:
        return "%dh" % whole_hours + (" %dm" % mins if mins else "")
    return "%dm" % mins


def _md_ages(hours):
    """The spellings an age may have anywhere within the slack (checked a minute apart, and at both ends)."""
    if hours is None:
        return ["never"]
    steps = int(2 * AGE_SLACK * 60) + 1
    moments = [hours - AGE_SLACK + i / 60.0 for i in range(steps)] + [hours + AGE_SLACK]
    return sorted(set(_md_age(moment) for moment in moments))


def check_markdown(chk, path):
    text = open(path, encoding="utf-8").read()
    rows = dict((cells[0], cells) for cells in
                (_md_cells(line) for line in text.splitlines() if line.startswith("| ") and "---" not in line))
    for want in chk.truth["jobs"]:
        where = "markdown job %s" % want["job_name"]
        cells = rows.get(want["job_name"])
        chk.same(where + " has a row", cells is not None, True)
        if cells is None:
            continue
        result, status, last_session, last_success, age, rate, count, mean, last = cells[1:]
        chk.same(where + " cells", [result, status, rate, count, mean, last], want["markdown"])
        chk.same(where + " last session", last_session, _md_time(chk.stamp(want["last_session_hours_ago"])))
        chk.same(where + " last success", last_success, _md_time(chk.stamp(want["last_success_hours_ago"])))
        chk.checks += 1
        if age not in _md_ages(chk.age(want["last_success_hours_ago"])):
            chk.problems.append("%s age: got %r, expected one of %r"
                                % (where, age, _md_ages(chk.age(want["last_success_hours_ago"]))))
    for host in chk.truth["hosts"]:
        chk.same("markdown host %s" % host["host"],
                 "### %s: %s" % (host["host"], "PASSED" if host["passed"] else "FAILED") in text, True)
    chk.same("markdown hosts", len(re.findall(r"^### ", text, re.M)), len(chk.truth["hosts"]))


# -- HTML ---------------------------------------------------------------------------------

class Page(HTMLParser):
    """Job rows (status attribute and text), host cards, timeline bars, and outside references."""

    def __init__(self):
        HTMLParser.__init__(self)
        self.rows = {}
        self.hosts = {}
        self.bars = {}
        self.outside = []
        self.tags = set()
        self._row = None
        self._host = None
        self._lane = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self.outside += [attrs[name] for name in ("src", "href", "srcset", "action") if name in attrs]
        if tag == "tr" and "data-job" in attrs:
            self._row = attrs["data-job"]
            self.rows[self._row] = dict(status=attrs.get("data-status"), text="")
        elif tag == "section" and "data-host" in attrs:
            self._host = attrs["data-host"]
            self.hosts[self._host] = dict(passed=attrs.get("data-passed"), jobs={})
        elif tag == "li" and self._host and "data-job" in attrs:
            self.hosts[self._host]["jobs"][attrs["data-job"]] = attrs.get("data-passed")
        elif tag == "div" and "lane" in (attrs.get("class") or "").split():
            self._lane = attrs.get("data-job")
            self.bars[self._lane] = 0
        elif tag == "rect" and self._lane is not None and "bar" in (attrs.get("class") or "").split():
            self.bars[self._lane] += 1

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None
        elif tag == "section":
            self._host = None
        elif tag == "svg":
            self._lane = None

    def handle_data(self, data):
        if self._row is not None:
            self.rows[self._row]["text"] += data


def check_html(chk, path):
    text = open(path, encoding="utf-8").read()
    page = Page()
    page.feed(text)
    chk.same("html job rows", list(page.rows), [j["job_name"] for j in chk.truth["jobs"]])
    for want in chk.truth["jobs"]:
        row = page.rows.get(want["job_name"], dict(status=None, text=""))
        chk.same("html status of %s" % want["job_name"], row["status"], want["status"])
        chk.same("html status of %s in words" % want["job_name"], LABELS[want["status"]] in row["text"], True)
        chk.same("html timeline bars of %s" % want["job_name"], page.bars.get(want["job_name"]),
                 want["session_count"] + (1 if want["running"] else 0))
    hosts = [dict(host=name, passed=card["passed"] == "true",
                  jobs=dict((job, passed == "true") for job, passed in card["jobs"].items()))
             for name, card in page.hosts.items()]
    chk.same("html hosts", hosts, chk.truth["hosts"])
    chk.same("html tags that load or run something",
             sorted(page.tags & {"script", "link", "img", "iframe", "object", "embed", "base"}), [])
    chk.same("html references", page.outside, [])
    # Job names are EM's text (one of the scenario's holds a URL): only the page's own markup counts.
    own = html.unescape(text)
    for want in chk.truth["jobs"]:
        own = own.replace(want["job_name"], "")
    chk.same("html urls in the text", re.findall(r"https?://|url\(|@import", own), [])


def main(argv):
    dest, truth_file, key, started_at = argv
    truth = yaml.safe_load(open(truth_file, encoding="utf-8"))[key]
    started = datetime.fromisoformat(started_at.replace("Z", "+00:00"))
    chk = Checker(truth, started)
    present = sorted(fmt for fmt, name in FILES.items() if os.path.exists(os.path.join(dest, name)))
    chk.same("files written", present, sorted(truth["formats"]))
    check_json(chk, os.path.join(dest, FILES["json"]))   # first: it fixes the gap for the ages
    for fmt, check in (("csv", check_csv), ("markdown", check_markdown), ("html", check_html)):
        if fmt in truth["formats"]:
            check(chk, os.path.join(dest, FILES[fmt]))
    print(json.dumps(dict(checks=chk.checks, problems=chk.problems), indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
