# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The nas_backup_report HTML page: its view model, and the template that shows it.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

The page itself is the role's Jinja template (templates/nas_backup_report.html.j2), so
that a user can replace it. Everything that is arithmetic or a choice lives here
instead, once: the words and CSS classes of each status, the formatted times and
numbers, the timeline geometry (bars, grid lines, axis ticks) and the host cards.

The template is rendered here with Jinja's own autoescaping rather than by Ansible's
template module: ansible-core forces autoescape off and (measured on 2.19) ignores an
``{% autoescape true %}`` block, so a job name such as ``<script>`` would reach the page
as markup. Here every value is escaped unless the template marks it safe.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from datetime import datetime, timedelta, timezone

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmOptionError

from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report import (
    is_finished, plan_max_age_seconds,
)
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_text import (
    STATUS_LABELS, format_duration, format_hours, format_rate, format_time,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import parse_timestamp

_UTC = timezone.utc
_ICONS = dict(success=u"\u2714", warning=u"\u26a0", failed=u"\u2716", running=u"\u25b6",
              none=u"\u25cb", unknown="?", stale=u"\u25f7")
_STATUS_ORDER = ("failed", "stale", "warning", "unknown", "none", "running", "success")
# Timeline drawing units: the SVG is 1000 wide and stretched to the column.
LANE_WIDTH = 1000
_MIN_BAR = 3.0
_TICK_STEPS = (3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400)
_MAX_TICKS = 8


def _badge(status, text=None):
    """A status pill: its CSS class suffix, icon and words (never colour alone)."""
    return dict(status=status, icon=_ICONS[status], text=text or STATUS_LABELS[status])


def _moment(value):
    """An ISO time as the page shows it: ``iso`` for <time datetime>, ``text`` for people; None when unset."""
    return dict(iso=value, text=format_time(value)) if value else None


# -- jobs table ---------------------------------------------------------------------

def _why(job, newest):
    if job["status"] == "unknown":
        return "No session of this job was found at all: Enterprise Manager has no such file share backup job, " \
               "or it has never run."
    if newest and newest.get("failure_message") and job["status"] in ("failed", "warning"):
        return newest["failure_message"]
    return None


def _job_row(job, sessions):
    newest = next((s for s in sessions if is_finished(s)), None)
    status = job["status"]
    result = (job["last_result"] or "").lower()
    age = job["last_success_age_hours"]
    return dict(
        name=job["job_name"],
        status=status,
        last_result=_badge(result, job["last_result"]) if result in _ICONS else None,
        badges=[_badge(status)] + ([_badge("running", "Running now")] if job["running"] and status != "running" else []),
        why=_why(job, newest),
        last_session=_moment(job["last_session_time"]),
        last_success=_moment(job["last_success_time"]),
        last_success_age=format_hours(age, suffix=" ago") if age is not None else None,
        success_rate=format_rate(job["success_rate"]),
        session_count=job["session_count"],
        mean_duration=format_duration(job["mean_duration_seconds"]),
        last_duration=format_duration(job["last_duration_seconds"]),
    )


def _tally(report):
    statuses = [job["status"] for job in report["jobs"]]
    items = [dict(status=status, count=str(statuses.count(status)), text=STATUS_LABELS[status])
             for status in _STATUS_ORDER if statuses.count(status)]
    hosts = report["hosts"]
    if hosts:
        passed = sum(1 for host in hosts if host["passed"])
        items.append(dict(status="success" if passed == len(hosts) else "failed",
                          count="%d of %d" % (passed, len(hosts)), text="hosts pass"))
    return items


# -- timelines ----------------------------------------------------------------------

class _Scale:
    """Maps moments of the window onto 0 .. LANE_WIDTH."""

    def __init__(self, start, end):
        self.start = start
        self.end = end
        self.span = max((end - start).total_seconds(), 1.0)

    def x(self, moment):
        offset = (moment - self.start).total_seconds()
        return min(max(offset / self.span, 0.0), 1.0) * LANE_WIDTH

    def ticks(self):
        """Round moments (UTC midnights, or whole hours) to mark along the axis."""
        step = next((s for s in _TICK_STEPS if self.span / s <= _MAX_TICKS), _TICK_STEPS[-1])
        epoch = datetime(1970, 1, 1, tzinfo=_UTC)
        first = int((self.start - epoch).total_seconds() // step + 1) * step
        moments = []
        moment = epoch + timedelta(seconds=first)
        while moment < self.end:
            moments.append(moment)
            moment += timedelta(seconds=step)
        return step, moments


def _tick_label(moment, step):
    if step >= 86400 or (moment.hour == 0 and moment.minute == 0):
        return moment.strftime("%d %b")
    return moment.strftime("%H:%M")


def _axis(scale):
    step, moments = scale.ticks()
    # Labels too close to either end would be cut off by the lane's edge.
    return [dict(left="%.2f" % (scale.x(m) / LANE_WIDTH * 100), text=_tick_label(m, step))
            for m in moments if 0.03 < scale.x(m) / LANE_WIDTH < 0.97]


def _bar(session, scale):
    start = parse_timestamp(session["creation_time"])
    end = parse_timestamp(session.get("end_time")) if is_finished(session) else scale.end
    kind = "running" if not is_finished(session) else str(session.get("result") or "none").lower()
    x0 = scale.x(start)
    width = max(scale.x(end or start) - x0, _MIN_BAR)
    word = "Running" if kind == "running" else str(session.get("result") or "None")
    tip = u"%s, %s, %s" % (word, format_time(session["creation_time"]),
                           format_duration(session.get("duration_seconds")) if is_finished(session) else "running")
    return dict(kind=kind, x="%.1f" % min(x0, LANE_WIDTH - width), width="%.1f" % width, tip=tip)


def _lane_label(job, sessions):
    counts = {}
    for session in sessions:
        kind = "running" if not is_finished(session) else session.get("result")
        counts[kind] = counts.get(kind, 0) + 1
    words = [u"%d %s" % (counts[k], k) for k in ("Success", "Warning", "Failed", "running") if counts.get(k)]
    return u"%s: %s" % (job["job_name"], ", ".join(words) or "no session in the window")


def _lane(job, sessions, scale, fresh_x, grid):
    running = sum(1 for s in sessions if not is_finished(s))
    return dict(
        name=job["job_name"],
        label=_lane_label(job, sessions),
        count=u"%d finished" % (len(sessions) - running) + (u", %d running" % running if running else u""),
        fresh_x="%.1f" % fresh_x,
        fresh_width="%.1f" % (LANE_WIDTH - fresh_x),
        grid=grid,
        bars=[_bar(s, scale) for s in reversed(sessions)],  # oldest first: newer bars drawn on top
    )


def _timeline(report, by_job):
    now = parse_timestamp(report["generated_at"])
    scale = _Scale(parse_timestamp(report["window_start"]), now)
    fresh_x = scale.x(now - timedelta(seconds=plan_max_age_seconds(report)))
    grid = ["%.1f" % scale.x(m) for m in scale.ticks()[1]]
    legend = [dict(kind=kind, text=text) for kind, text in (
        ("success", "Success"), ("warning", "Warning"), ("failed", "Failed"), ("running", "Running"),
        ("fresh", "Last %s (host rule)" % report["max_age"]))]
    return dict(
        width=LANE_WIDTH,
        axis=_axis(scale),
        lanes=[_lane(job, by_job.get(job["job_name"], []), scale, fresh_x, grid) for job in report["jobs"]],
        legend=legend,
    )


# -- hosts --------------------------------------------------------------------------

def _host_card(host):
    return dict(
        name=host["host"],
        passed=host["passed"],
        badge=_badge("success", "Passes") if host["passed"] else _badge("failed", "Fails"),
        jobs=[dict(name=job["job_name"], passed=job["passed"], reason=job["reason"],
                   badge=_badge("success", "Pass") if job["passed"] else _badge("failed", "Fail"))
              for job in host["jobs"]],
    )


# -- page ---------------------------------------------------------------------------

def html_view(report):
    """Everything the HTML template shows, as plain strings, numbers, booleans, lists and dicts."""
    by_job = {}
    for session in report.get("sessions") or []:
        by_job.setdefault(session["job_name"], []).append(session)
    return dict(
        title=format_time(report["generated_at"]),
        generated=_moment(report["generated_at"]),
        window=report["window"],
        window_start=_moment(report["window_start"]),
        max_age=report["max_age"],
        accept_results=" or ".join(report["accept_results"]),
        tally=_tally(report),
        unknown_jobs=list(report["unknown_jobs"]),
        jobs=[_job_row(job, by_job.get(job["job_name"], [])) for job in report["jobs"]],
        timeline=_timeline(report, by_job),
        hosts=[_host_card(host) for host in report["hosts"]],
    )


def render_html(report, template):
    """The page: ``template`` (a file path) rendered with ``view`` (html_view) and ``report``, autoescaped."""
    path = os.path.abspath(os.path.expanduser(str(template)))
    if not os.path.isfile(path):
        raise EmOptionError("nas_backup_report_html_template", template, "expected the path of a Jinja template file")
    # trim_blocks as in Ansible's own templates, so that a template behaves the same in both.
    env = SandboxedEnvironment(loader=FileSystemLoader(os.path.dirname(path)), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, keep_trailing_newline=True)
    try:
        return env.get_template(os.path.basename(path)).render(view=html_view(report), report=report)
    except TemplateError as exc:
        raise EmOptionError("nas_backup_report_html_template", template,
                            "the template failed: %s: %s" % (type(exc).__name__, exc))
