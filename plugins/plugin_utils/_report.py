# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The numbers of the nas_backup_report role: per-job statistics and per-host verdicts.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

Pure functions over sessions in the collection's schema (newest first, as every
module returns them). Nothing here talks to EM; ``now`` is always passed in, so
the same input gives the same report.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import timedelta

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._gate import GateError, format_age, job_list
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._gate import verdict as gate_verdict
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import (
    RESULTS, parse_age, parse_point_in_time,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import (
    format_timestamp, parse_timestamp, utc_now,
)

FINISHED_STATE = "Stopped"
SUCCESS = "Success"
# The job keys of the JSON report, in this order; the CSV has exactly these columns.
# ``last_result`` is what the newest finished session ended with; ``status`` is the
# report's judgement (job_status): a reader needs both, side by side.
JOB_KEYS = (
    "job_name", "last_result", "status", "last_session_time", "last_success_time", "last_success_age_hours",
    "success_rate", "session_count", "running", "mean_duration_seconds", "last_duration_seconds",
)
# The keys of each session kept in the report (for the HTML timeline and JSON readers).
SESSION_KEYS = ("job_name", "creation_time", "end_time", "state", "result", "duration_seconds", "failure_message")


# -- settings ------------------------------------------------------------------------

def make_plan(window, max_age="24h", accept_results=(SUCCESS,), jobs=None, hosts=None, now=None):
    """Check the report settings and fix what to ask EM for, before any request.

    Returns plain strings and lists (it travels through Ansible facts):
    ``now``; ``window_start`` (statistics cover sessions created since then);
    ``since`` (the window, or the longer ``max_age`` of the host verdicts when
    that reaches further back); ``query_jobs``, the job names to ask for: empty
    for every job, else the requested ``jobs`` plus every job a host names, so
    that host verdicts never miss a job the report does not list.
    """
    now = (now or utc_now()).replace(microsecond=0)
    window_start = parse_point_in_time("nas_backup_report_window", window, now)
    if window_start is None or window_start >= now:
        raise EmOptionError("nas_backup_report_window", window,
                            "expected an age such as 7d or 24h, or an ISO-8601 date-time in the past")
    age = parse_age(max_age) if max_age not in (None, "") else None
    if age is None or age.total_seconds() <= 0:
        raise EmOptionError("nas_backup_report_max_age", max_age, "expected an age such as 90m, 24h, 7d or 2w")
    accept = _result_list(accept_results)
    since = min(window_start, now - age)
    return dict(
        now=format_timestamp(now),
        window=str(window),
        window_start=format_timestamp(window_start),
        since=format_timestamp(since),
        span=_span(window, max_age, now - since, since == window_start),
        max_age=str(max_age),
        max_age_seconds=int(age.total_seconds()),
        accept_results=accept,
        query_jobs=_query_jobs(jobs, hosts),
    )


def _query_jobs(jobs, hosts):
    requested = job_list(jobs, "nas_backup_report_jobs")
    if not requested:
        return []
    return _unique(requested + [name for _host, names in host_jobs(hosts) for name in names])


def _result_list(value):
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise EmOptionError("nas_backup_report_accept_results", value, "expected at least one result")
    for item in items:
        if item not in RESULTS:
            raise EmOptionError("nas_backup_report_accept_results", value,
                                "expected a list of %s" % ", ".join(RESULTS))
    return list(items)


def _span(window, max_age, reach, window_is_wider):
    """How far back the sessions reach, as an age a reason can quote (``7d``)."""
    label = window if window_is_wider else max_age
    if parse_age(label) is not None:
        return str(label).strip()
    return format_age(reach)


# -- one job --------------------------------------------------------------------------

def is_finished(session):
    return session.get("state") == FINISHED_STATE


def _moment(session):
    return parse_timestamp(session.get("creation_time"))


def _newest_first(sessions):
    # The modules already sort newest first; sorting again keeps hand-made input honest.
    return sorted(sessions, key=lambda s: s.get("creation_time") or "", reverse=True)


def _hours_since(now, moment):
    return round(max((now - moment).total_seconds(), 0.0) / 3600.0, 2)


def job_summary(job_name, sessions, now, older_success=None):
    """The statistics of one job over the window.

    ``sessions`` are the job's sessions in the window; ``older_success`` is its
    newest Success from any time (or None), used when the window has none.
    Rates, counts and durations cover finished sessions only; ``running`` tells
    whether a session is running now.
    """
    ordered = _newest_first(sessions)
    finished = [s for s in ordered if is_finished(s)]
    newest = finished[0] if finished else None
    successes = [s for s in finished if s.get("result") == SUCCESS]
    candidates = successes[:1] + ([older_success] if older_success else [])
    last_success = max(candidates, key=lambda s: s.get("creation_time") or "") if candidates else None
    durations = [s["duration_seconds"] for s in finished if s.get("duration_seconds") is not None]
    summary = dict(
        job_name=job_name,
        last_result=newest["result"] if newest else None,
        last_session_time=newest["creation_time"] if newest else None,
        last_success_time=last_success["creation_time"] if last_success else None,
        last_success_age_hours=_hours_since(now, _moment(last_success)) if last_success else None,
        success_rate=round(100.0 * len(successes) / len(finished), 1) if finished else None,
        session_count=len(finished),
        running=len(finished) < len(ordered),
        mean_duration_seconds=round(sum(durations) / len(durations), 1) if durations else None,
        last_duration_seconds=newest.get("duration_seconds") if newest else None,
    )
    return summary


def job_status(job, unknown_jobs=(), stale_before=None):
    """One word for the colour of a job: success, warning, failed, stale, running, none or unknown.

    ``stale``: the newest finished session succeeded (or warned) but started
    before ``stale_before``, so a gate with the report's max_age would refuse it.
    """
    if job["job_name"] in unknown_jobs:
        return "unknown"
    if job["last_result"] in ("Success", "Warning"):
        started = parse_timestamp(job.get("last_session_time"))
        if stale_before is not None and started is not None and started < stale_before:
            return "stale"
    if job["last_result"] in ("Success", "Warning", "Failed"):
        return job["last_result"].lower()
    return "running" if job["running"] else "none"


# -- verdicts -------------------------------------------------------------------------

def host_verdicts(hosts, sessions, plan, unknown_jobs=()):
    """One ``{host, jobs, passed}`` per host, judged by the nas_backup_gate rule (``_gate.verdict``).

    ``sessions`` reach back to ``plan['since']``, at least ``max_age``, as the gate needs.
    A host without any job does not pass.
    """
    pairs = host_jobs(hosts)
    now = parse_timestamp(plan["now"])
    answer = dict(
        sessions=sessions,
        job_names=_unique(name for _host, jobs in pairs for name in jobs),
        unknown_jobs=list(unknown_jobs),
        window=plan["span"],
        window_seconds=int((now - parse_timestamp(plan["since"])).total_seconds()),
        checked_at=plan["now"],
    )
    verdicts = []
    for host, jobs in pairs:
        try:
            judged = gate_verdict(answer, jobs, plan["max_age"], plan["accept_results"], now)
        except GateError as exc:  # cannot happen with a plan from make_plan; say so clearly if it does
            raise EmError("Cannot judge host %s: %s" % (host, exc))
        entries = [dict(job_name=j["job_name"], passed=j["passed"], reason=_own_reason(j)) for j in judged["jobs"]]
        verdicts.append(dict(host=host, jobs=entries, passed=judged["passed"]))
    return verdicts


def _own_reason(judged):
    """The gate's reason without its ``<job name>: `` lead: the report prints it next to the name."""
    lead = "%s: " % judged["job_name"]
    reason = judged["reason"]
    return reason[len(lead):] if reason.startswith(lead) else reason


def host_jobs(hosts):
    """``{host: jobs}`` or ``[{host, jobs}]`` -> ``[(host, [job, ...])]``.

    A host whose jobs are None (its ``veeam_nas_jobs`` is not defined) is left
    out; a single job name counts as a list of one.
    """
    if isinstance(hosts, dict):
        pairs = list(hosts.items())
    else:
        pairs = [(item["host"], item.get("jobs")) for item in hosts or []]
    result = []
    for host, jobs in pairs:
        if jobs is not None:
            result.append((str(host), job_list(jobs, "veeam_nas_jobs of %s" % host)))
    return result


def plan_max_age_seconds(plan):
    """``max_age`` of a plan or report in seconds (a report keeps only the text)."""
    age = parse_age(plan["max_age"])
    return age.total_seconds() if age else 0.0


# -- the whole report ---------------------------------------------------------------

def _unique(items):
    """Items without repeats, first occurrence kept."""
    seen = set()
    kept = []
    for item in items:
        if item not in seen:
            seen.add(item)
            kept.append(item)
    return kept


def report_job_names(requested, sessions, hosts):
    """The jobs a report lists: the requested ones in their order, or else every
    job with a session plus every job an inventory host names, by name."""
    if requested:
        return job_list(requested, "nas_backup_report_jobs")
    names = set(s["job_name"] for s in sessions if s.get("job_name"))
    for _host, jobs in host_jobs(hosts):
        names.update(jobs)
    return sorted(names, key=lambda name: (name.casefold(), name))


def _group_by_job(sessions):
    grouped = {}
    for session in _newest_first(sessions):
        grouped.setdefault(session.get("job_name"), []).append(session)
    return grouped


def _latest_success_by_job(sessions):
    latest = {}
    for session in _newest_first(sessions or []):
        if is_finished(session) and session.get("result") == SUCCESS:
            latest.setdefault(session.get("job_name"), session)
    return latest


def build_report(sessions, plan, jobs=None, hosts=None, last_successes=None, unknown_jobs=None):
    """The report: ``generated_at``, ``window``, ``jobs``, ``hosts`` and the context a reader needs.

    ``sessions`` come from one query since ``plan['since']`` (newest first);
    ``last_successes`` are the newest Success sessions of jobs, from any time.
    """
    now = parse_timestamp(plan["now"])
    window_start = parse_timestamp(plan["window_start"])
    names = report_job_names(jobs, sessions, hosts)
    unknown = _unique(unknown_jobs or [])
    by_job = _group_by_job(sessions)
    in_window = dict((name, [s for s in found if _moment(s) >= window_start])
                     for name, found in by_job.items())
    older = _latest_success_by_job(last_successes)
    stale_before = now - timedelta(seconds=plan_max_age_seconds(plan))
    jobs = []
    for name in names:
        summary = job_summary(name, in_window.get(name, []), now, older.get(name))
        summary["status"] = job_status(summary, unknown, stale_before)
        jobs.append(dict((key, summary[key]) for key in JOB_KEYS))
    return dict(
        generated_at=plan["now"],
        window=plan["window"],
        window_start=plan["window_start"],
        max_age=plan["max_age"],
        accept_results=list(plan["accept_results"]),
        jobs=jobs,
        hosts=host_verdicts(hosts, sessions, plan, unknown),
        unknown_jobs=unknown,
        sessions=[dict((key, s.get(key)) for key in SESSION_KEYS)
                  for name in names for s in in_window.get(name, [])],
    )
