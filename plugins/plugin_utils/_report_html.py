# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The nas_backup_report report as one self-contained HTML page.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

Inline CSS and inline SVG only: no script, no font, no image, no request (a
Content-Security-Policy says so to the browser). Every status is written in
words next to its colour, and every job row carries ``data-job`` and
``data-status`` so that machines can read the page too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timedelta, timezone
from html import escape

from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report import (
    job_statuses, is_finished,
)
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report_text import (
    NOTHING, STATUS_LABELS, format_duration, format_hours, format_rate, format_time,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import parse_age
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import parse_timestamp

_UTC = timezone.utc
_ICONS = dict(success=u"\u2714", warning=u"\u26a0", failed=u"\u2716", running=u"\u25b6",
              none=u"\u25cb", unknown="?", stale=u"\u25f7")
_STATUS_ORDER = ("failed", "stale", "warning", "unknown", "none", "running", "success")
# Timeline drawing units: the SVG is 1000 wide and stretched to the column.
_LANE_WIDTH = 1000.0
_MIN_BAR = 3.0
_TICK_STEPS = (3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400)
_MAX_TICKS = 8

_STYLE = u"""
:root{--success:#1a7f37;--success-bg:#dafbe1;--success-bar:#2da44e;--warning:#7d4e00;--warning-bg:#fff1b8;
--warning-bar:#d4a72c;--failed:#b3141f;--failed-bg:#ffebe9;--failed-bar:#e5534b;--running:#0550ae;
--running-bg:#ddf4ff;--running-bar:#218bff;--stale:#9a3412;--stale-bg:#ffedd5;--stale-bar:#f97316;--none:#57606a;--none-bg:#eaeef2;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{margin:0;background:#f6f8fa;color:#1f2328;
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:20px 24px 32px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}h3{font-size:15px;margin:0 0 8px}
.meta{color:var(--muted);margin:0}
.tally{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0 0;padding:0;list-style:none}
.tally li{border:1px solid var(--line);border-left-width:6px;border-radius:6px;background:#fff;padding:6px 14px;min-width:120px}
.tally b{display:block;font-size:22px;line-height:1.2}
.notice{border:1px solid var(--failed);background:var(--failed-bg);color:var(--failed);border-radius:6px;padding:8px 12px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:6px}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#f6f8fa;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
tbody th{font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.when{white-space:nowrap}
tr.job>th{border-left:6px solid var(--none)}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-weight:600;border:1px solid;white-space:nowrap}
.why{color:var(--muted);font-size:12px;margin-top:3px;max-width:260px}
.sub{color:var(--muted);font-size:12px}
.st-success{color:var(--success);background:var(--success-bg);border-color:var(--success)}
.st-warning{color:var(--warning);background:var(--warning-bg);border-color:var(--warning)}
.st-failed{color:var(--failed);background:var(--failed-bg);border-color:var(--failed)}
.st-running{color:var(--running);background:var(--running-bg);border-color:var(--running)}
.st-stale{color:var(--stale);background:var(--stale-bg);border-color:var(--stale)}
.st-none,.st-unknown{color:var(--none);background:var(--none-bg);border-color:var(--none)}
tr[data-status=success]>th,.host li.v-pass{border-left-color:var(--success)}
tr[data-status=warning]>th{border-left-color:var(--warning-bar)}
tr[data-status=failed]>th,.host li.v-fail{border-left-color:var(--failed)}
tr[data-status=running]>th{border-left-color:var(--running)}
tr[data-status=stale]>th{border-left-color:var(--stale-bar)}
.tally .st-success{border-left-color:var(--success)}.tally .st-warning{border-left-color:var(--warning-bar)}
.tally .st-failed{border-left-color:var(--failed)}.tally .st-running{border-left-color:var(--running)}
.tally .st-stale{border-left-color:var(--stale-bar)}
.tally .st-none,.tally .st-unknown{border-left-color:var(--none)}
.tally li{background:#fff;color:inherit}
.timeline{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px 12px}
.lane{display:grid;grid-template-columns:240px 1fr;align-items:center;gap:12px;padding:4px 0;
border-bottom:1px solid #eaeef2}
.lane:last-child{border-bottom:0}
.lane svg{display:block;width:100%;height:26px;background:#f6f8fa;border-radius:3px}
.axis{position:relative;height:18px;margin-left:252px;color:var(--muted);font-size:11px}
.axis span{position:absolute;top:0;transform:translateX(-50%);white-space:nowrap}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:8px 0 0 252px;color:var(--muted);font-size:12px}
.legend i{display:inline-block;width:14px;height:10px;border-radius:2px;margin-right:5px;vertical-align:baseline}
.b-success{fill:var(--success-bar);background:var(--success-bar)}
.b-warning{fill:var(--warning-bar);background:var(--warning-bar)}
.b-failed{fill:var(--failed-bar);background:var(--failed-bar)}
.b-running{fill:var(--running-bar);background:var(--running-bar)}
.b-none{fill:#8c959f;background:#8c959f}
.b-fresh{fill:#dafbe1;background:#dafbe1}
.grid{stroke:#d0d7de;stroke-width:1}
.hosts{display:grid;grid-template-columns:repeat(auto-fill,minmax(370px,1fr));gap:12px}
.host{background:#fff;border:1px solid var(--line);border-top:6px solid var(--none);border-radius:6px;padding:10px 14px}
.host.pass{border-top-color:var(--success)}.host.fail{border-top-color:var(--failed)}
.host ul{margin:0;padding:0;list-style:none}
.host li{border-left:4px solid var(--none);padding:3px 0 3px 8px;margin:4px 0}
footer{color:var(--muted);font-size:12px;margin-top:28px}
.scroll{overflow-x:auto}
@media (max-width:900px){.lane{grid-template-columns:150px 1fr}
.axis,.legend{margin-left:162px}.why{max-width:none}}
"""


def _e(value):
    return escape(u"%s" % (value,), quote=True)


def _badge(status, text=None):
    return u'<span class="badge st-%s"><span aria-hidden="true">%s</span> %s</span>' % (
        status, _ICONS[status], _e(text or STATUS_LABELS[status]))


def _when(value):
    if not value:
        return NOTHING
    return u'<time datetime="%s">%s</time>' % (_e(value), _e(format_time(value)))


# -- header -------------------------------------------------------------------------

def _tally(report, statuses):
    counts = dict((status, statuses.count(status)) for status in _STATUS_ORDER)
    items = [u'<li class="st-%s"><b>%d</b>%s</li>' % (status, counts[status], _e(STATUS_LABELS[status]))
             for status in _STATUS_ORDER if counts[status]]
    hosts = report["hosts"]
    if hosts:
        passed = sum(1 for host in hosts if host["passed"])
        status = "success" if passed == len(hosts) else "failed"
        items.append(u'<li class="st-%s"><b>%d of %d</b>hosts pass</li>' % (status, passed, len(hosts)))
    return u'<ul class="tally" aria-label="Summary">%s</ul>' % u"".join(items)


def _header(report, statuses):
    rule = u"Hosts pass when the newest finished session of each of their jobs is at most %s old and ended with %s." % (
        _e(report["max_age"]), _e(" or ".join(report["accept_results"])))
    return (u'<header><h1>NAS backup report</h1>'
            u'<p class="meta">Generated %s &middot; window <b>%s</b>, sessions created from %s to %s</p>'
            u'<p class="meta">%s</p>%s</header>') % (
        _when(report["generated_at"]), _e(report["window"]), _when(report["window_start"]),
        _when(report["generated_at"]), rule, _tally(report, statuses))


# -- jobs table ---------------------------------------------------------------------

def _status_cell(job, status, newest):
    parts = [_badge(status)]
    if job["running"] and status != "running":
        parts.append(_badge("running", "Running now"))
    if status == "unknown":
        parts.append(u'<div class="why">Enterprise Manager has no file share backup job of this name.</div>')
    elif newest and newest.get("failure_message") and status in ("failed", "warning"):
        parts.append(u'<div class="why">%s</div>' % _e(newest["failure_message"]))
    return u" ".join(parts)


def _job_row(job, status, sessions):
    newest = next((s for s in sessions if is_finished(s)), None)
    age = job["last_success_age_hours"]
    success = _when(job["last_success_time"])
    if age is not None:
        success += u'<div class="sub">%s</div>' % _e(format_hours(age, suffix=" ago"))
    cells = [
        u'<td class="status">%s</td>' % _status_cell(job, status, newest),
        u'<td class="when">%s</td>' % _when(job["last_session_time"]),
        u'<td class="when">%s</td>' % success,
        u'<td class="num">%s</td>' % _e(format_rate(job["success_rate"])),
        u'<td class="num">%d</td>' % job["session_count"],
        u'<td class="num">%s</td>' % _e(format_duration(job["mean_duration_seconds"])),
        u'<td class="num">%s</td>' % _e(format_duration(job["last_duration_seconds"])),
    ]
    return u'<tr class="job" data-job="%s" data-status="%s"><th scope="row">%s</th>%s</tr>' % (
        _e(job["job_name"]), status, _e(job["job_name"]), u"".join(cells))


def _jobs_table(report, statuses, by_job):
    if not report["jobs"]:
        return u"<p>No file share backup job had a session in the window, and no host names one.</p>"
    head = u"".join(u'<th scope="col">%s</th>' % _e(name) for name in (
        "Job", "Status", "Last session", "Last success", "Success rate", "Sessions", "Mean duration",
        "Last duration"))
    rows = [_job_row(job, status, by_job.get(job["job_name"], []))
            for job, status in zip(report["jobs"], statuses)]
    return u'<div class="scroll"><table class="jobs"><thead><tr>%s</tr></thead><tbody>%s</tbody></table></div>' % (
        head, u"".join(rows))


# -- timelines ----------------------------------------------------------------------

class _Scale:
    """Maps moments of the window onto 0 .. _LANE_WIDTH."""

    def __init__(self, start, end):
        self.start = start
        self.end = end
        self.span = max((end - start).total_seconds(), 1.0)

    def x(self, moment):
        offset = (moment - self.start).total_seconds()
        return min(max(offset / self.span, 0.0), 1.0) * _LANE_WIDTH

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
    labels = [u'<span style="left:%.2f%%">%s</span>' % (scale.x(m) / _LANE_WIDTH * 100, _e(_tick_label(m, step)))
              for m in moments if 0.03 < scale.x(m) / _LANE_WIDTH < 0.97]
    return u'<div class="axis" aria-hidden="true">%s</div>' % u"".join(labels)


def _bar(session, scale):
    start = parse_timestamp(session["creation_time"])
    end = parse_timestamp(session.get("end_time")) if is_finished(session) else scale.end
    kind = "running" if not is_finished(session) else str(session.get("result") or "none").lower()
    x0 = scale.x(start)
    width = max(scale.x(end or start) - x0, _MIN_BAR)
    word = "Running" if kind == "running" else str(session.get("result") or "None")
    tip = u"%s, %s, %s" % (word, format_time(session["creation_time"]),
                           format_duration(session.get("duration_seconds")) if is_finished(session) else "running")
    return u'<rect class="bar b-%s" x="%.1f" y="4" width="%.1f" height="18" rx="2"><title>%s</title></rect>' % (
        _e(kind), min(x0, _LANE_WIDTH - width), width, _e(tip))


def _lane_label(job, sessions):
    counts = {}
    for session in sessions:
        kind = "running" if not is_finished(session) else session.get("result")
        counts[kind] = counts.get(kind, 0) + 1
    words = [u"%d %s" % (counts[k], k) for k in ("Success", "Warning", "Failed", "running") if counts.get(k)]
    return u"%s: %s" % (job["job_name"], ", ".join(words) or "no session in the window")


def _lane(job, sessions, scale, fresh_from):
    label = _lane_label(job, sessions)
    grid = u"".join(u'<line class="grid" x1="%.1f" y1="0" x2="%.1f" y2="26" vector-effect="non-scaling-stroke"/>'
                    % (scale.x(m), scale.x(m)) for m in scale.ticks()[1])
    fresh_x = scale.x(fresh_from)
    fresh = u'<rect class="b-fresh" x="%.1f" y="0" width="%.1f" height="26"/>' % (fresh_x, _LANE_WIDTH - fresh_x)
    bars = u"".join(_bar(s, scale) for s in reversed(sessions))
    svg = (u'<svg viewBox="0 0 %d 26" preserveAspectRatio="none" role="img" aria-label="%s">'
           u'<title>%s</title>%s%s%s</svg>') % (_LANE_WIDTH, _e(label), _e(label), fresh, grid, bars)
    running = sum(1 for s in sessions if not is_finished(s))
    count = u"%d finished" % (len(sessions) - running) + (u", %d running" % running if running else u"")
    return u'<div class="lane" data-job="%s"><div><b>%s</b><div class="sub">%s</div></div>%s</div>' % (
        _e(job["job_name"]), _e(job["job_name"]), count, svg)


def _legend(report):
    kinds = (("success", "Success"), ("warning", "Warning"), ("failed", "Failed"), ("running", "Running"),
             ("fresh", "Last %s (host rule)" % report["max_age"]))
    return u'<div class="legend">%s</div>' % u"".join(
        u'<span><i class="b-%s"></i>%s</span>' % (kind, _e(text)) for kind, text in kinds)


def _timelines(report, by_job):
    if not report["jobs"]:
        return u""
    now = parse_timestamp(report["generated_at"])
    scale = _Scale(parse_timestamp(report["window_start"]), now)
    fresh_from = now - timedelta(seconds=_max_age_seconds(report["max_age"]))
    lanes = u"".join(_lane(job, by_job.get(job["job_name"], []), scale, fresh_from) for job in report["jobs"])
    return (u'<h2 id="timeline">Sessions over the window</h2><div class="timeline">%s%s%s</div>'
            % (_axis(scale), lanes, _legend(report)))


def _max_age_seconds(text):
    age = parse_age(text)
    return age.total_seconds() if age else 0


# -- hosts --------------------------------------------------------------------------

def _host_card(host):
    verdict = "success" if host["passed"] else "failed"
    items = []
    for job in host["jobs"]:
        status = "success" if job["passed"] else "failed"
        items.append(u'<li class="v-%s" data-job="%s" data-passed="%s">%s <b>%s</b><div class="sub">%s</div></li>' % (
            "pass" if job["passed"] else "fail", _e(job["job_name"]), "true" if job["passed"] else "false",
            _badge(status, "Pass" if job["passed"] else "Fail"), _e(job["job_name"]), _e(job["reason"])))
    if not items:
        items.append(u'<li class="v-fail">No job is listed in <code>veeam_nas_jobs</code>.</li>')
    return (u'<section class="host %s" data-host="%s" data-passed="%s"><h3>%s %s</h3><ul>%s</ul></section>' % (
        "pass" if host["passed"] else "fail", _e(host["host"]), "true" if host["passed"] else "false",
        _e(host["host"]), _badge(verdict, "Passes" if host["passed"] else "Fails"), u"".join(items)))


def _hosts(report):
    if not report["hosts"]:
        return u'<h2 id="hosts">Hosts</h2><p>No host of the inventory lists <code>veeam_nas_jobs</code>.</p>'
    return u'<h2 id="hosts">Hosts</h2><div class="hosts">%s</div>' % u"".join(
        _host_card(host) for host in report["hosts"])


# -- page ---------------------------------------------------------------------------

def _sessions_by_job(report):
    grouped = {}
    for session in report.get("sessions") or []:
        grouped.setdefault(session["job_name"], []).append(session)
    return grouped


def render_html(report):
    """The whole page as one string."""
    unknown = report["unknown_jobs"]
    statuses = job_statuses(report)
    by_job = _sessions_by_job(report)
    notice = u""
    if unknown:
        notice = u'<p class="notice" role="alert">Enterprise Manager has no file share backup job named %s.</p>' % (
            u", ".join(u"<b>%s</b>" % _e(name) for name in unknown))
    body = u"".join([
        _header(report, statuses), u'<h2 id="jobs">Jobs</h2>', notice, _jobs_table(report, statuses, by_job),
        _timelines(report, by_job), _hosts(report),
        u"<footer>Written by the backupgate.veeam_em.nas_backup_report role. All times are UTC.</footer>",
    ])
    return (u'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            u'<meta name="viewport" content="width=device-width, initial-scale=1">'
            u"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            u"<title>NAS backup report %s</title><style>%s</style></head><body><main>%s</main></body></html>\n") % (
        _e(format_time(report["generated_at"])), _STYLE, body)
