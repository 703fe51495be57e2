# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The NAS backup gate: one EM question for many hosts, then a verdict per host.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

The role ``nas_backup_gate`` asks EM once per play. ``plan`` turns the requests of
every host (its jobs, its max age, how far back to look) into that one question: the
union of the jobs over the widest window. ``verdict`` then judges one host from the
shared answer with the host's own jobs, max age and accepted results. Both are pure:
no requests, and ``now`` can be injected.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timezone

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import RESULTS, parse_age
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import (
    format_timestamp, parse_timestamp, utc_now,
)

DEFAULT_MAX_AGE = "24h"
DEFAULT_LOOKBACK = "7d"
DEFAULT_ACCEPT_RESULTS = ("Success",)
DEFAULT_FRESH_TIMEOUT = "2h"
FRESH_MODES = ("never", "when_needed", "always")
# The fact in which each host of a batch keeps its own gate settings for the plan.
SETTINGS_FACT = "_nas_backup_gate_settings"
NO_JOBS_REASON = "no NAS jobs are configured for this host: set veeam_nas_jobs or nas_backup_gate_jobs"
# Only GET /api/nas/jobs (not for a Portal User) could tell these two apart, so both are said.
UNKNOWN_JOB_REASON = "EM has no session of this job at all: no NAS backup job has this name, or it has never run"
_STOPPED = "Stopped"
# How a finished session's result reads in a sentence.
_RESULT_WORDS = {
    "Success": "succeeded",
    "Warning": "ended with a warning",
    "Failed": "failed",
    "None": "ended without a result",
}


class GateError(Exception):
    """The shared answer cannot judge a host (a bug in how the role was driven, not bad input)."""


# -- inputs ------------------------------------------------------------------------------

def _age(option, value):
    delta = parse_age(value, option) if value not in (None, "") else None
    if delta is None or delta.total_seconds() <= 0:
        raise EmOptionError(option, value, "expected an age such as 90m, 24h, 7d or 2w")
    return delta


def job_list(value, option="nas_backup_gate_jobs"):
    """A job list, de-duplicated in order; a single string is one job name (names may hold commas).

    The one parser of job lists for the gate and the report.
    """
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise EmOptionError(option, value, "expected a list of NAS backup job names")
    names = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise EmOptionError(option, value, "expected a list of non-empty NAS backup job names")
        if item not in names:
            names.append(item)
    return names


def _accept_results(value):
    results = job_list(value, "nas_backup_gate_accept_results") if value is not None else list(DEFAULT_ACCEPT_RESULTS)
    for result in results:
        if result not in RESULTS:
            raise EmOptionError("nas_backup_gate_accept_results", result, "expected one of %s" % ", ".join(RESULTS))
    if not results:
        raise EmOptionError("nas_backup_gate_accept_results", value, "expected at least one result")
    return results


def _moment(value, option="now"):
    """``now`` as an aware datetime: None means the current time; strings are ISO-8601."""
    if value is None or value == "":
        return utc_now()
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        parsed = parse_timestamp(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise EmOptionError(option, value, "expected an ISO-8601 date-time such as 2026-11-22T06:00:00Z")
    return parsed


def normalise_request(request):
    """One host's request -> ``{host, jobs, max_age, lookback, accept_results}``, checked (EmOptionError)."""
    if not isinstance(request, dict):
        raise EmOptionError("request", request, "expected a mapping with host, jobs, max_age and lookback")
    max_age = DEFAULT_MAX_AGE if request.get("max_age") is None else request["max_age"]
    lookback = DEFAULT_LOOKBACK if request.get("lookback") is None else request["lookback"]
    _age("nas_backup_gate_max_age", max_age)
    _age("nas_backup_gate_lookback", lookback)
    return dict(host=request.get("host"), jobs=job_list(request.get("jobs")),
                max_age=str(max_age).strip(), lookback=str(lookback).strip(),
                accept_results=_accept_results(request.get("accept_results")))


def host_request(host, variables, defaults=None, predicted=False):
    """A host's gate variables (their public names) -> its raw request.

    The one place where the jobs default to ``veeam_nas_jobs``; ``defaults`` fills the
    other settings a host does not set (a predicted host's hostvars lack play and role vars).
    """
    variables = variables or {}
    defaults = defaults or {}

    def _setting(name):
        value = variables.get(name)
        return defaults.get(name) if value is None else value

    jobs = variables.get("nas_backup_gate_jobs")
    if jobs is None:
        jobs = variables.get("veeam_nas_jobs")
    return dict(host=host, jobs=jobs, max_age=_setting("nas_backup_gate_max_age"),
                lookback=_setting("nas_backup_gate_lookback"),
                accept_results=_setting("nas_backup_gate_accept_results"), predicted=predicted)


# -- the one question for the whole play ----------------------------------------------------

def _usable_requests(requests):
    """``(checked request, predicted)`` pairs. A *predicted* request (a host of another serial
    batch, read from its inventory) that is invalid is left out: that host reports its own
    error when its batch runs, instead of failing every host now."""
    if not isinstance(requests, (list, tuple)):
        raise EmOptionError("requests", requests, "expected a list of per-host requests")
    usable = []
    for request in requests:
        predicted = isinstance(request, dict) and bool(request.get("predicted"))
        try:
            usable.append((normalise_request(request), predicted))
        except EmOptionError:
            if not predicted:
                raise
    return usable


def _question(requests):
    """The union of the jobs and the widest window of the requests that have jobs."""
    job_names, window_text, window = [], DEFAULT_MAX_AGE, None
    for request in requests:
        if not request["jobs"]:
            continue  # a host without jobs fails on its own; it asks EM nothing
        job_names.extend(name for name in request["jobs"] if name not in job_names)
        for text in (request["max_age"], request["lookback"]):
            delta = parse_age(text)
            if window is None or delta > window:
                window_text, window = text, delta
    return job_names, window_text, window or parse_age(DEFAULT_MAX_AGE)


def _covers(cached, scope, requests):
    """Whether an earlier answer of the same play (``scope``) already holds what ``requests`` need."""
    if not isinstance(cached, dict) or scope is None or cached.get("scope") != scope:
        return False
    job_names, dummy, window = _question(requests)
    return (set(job_names) <= set(cached.get("job_names") or [])
            and window.total_seconds() <= int(cached.get("window_seconds") or 0))


def plan(requests, now=None, scope=None, cached=None):
    """The union of every host's jobs over the widest window, as one EM query.

    ``created_after`` is absolute (``checked_at`` minus the window), so the query and the
    verdicts, which judge at ``checked_at``, measure ages from the same instant.
    ``query`` is false when there is nothing to ask, or when ``cached`` (an earlier answer
    with the same ``scope``, e.g. from the first serial batch) already covers the requests
    that are not predicted: predictions only widen a query, they never cause one.
    """
    moment = _moment(now)
    checked = _usable_requests(requests)
    job_names, window_text, window = _question([request for request, dummy in checked])
    actual = [request for request, predicted in checked if not predicted]
    needed = _question(actual)[0]
    return dict(
        job_names=sorted(job_names),
        window=window_text,
        window_seconds=int(window.total_seconds()),
        checked_at=format_timestamp(moment),
        created_after=format_timestamp(moment - window),
        scope=scope,
        requests=[dict(request, predicted=predicted) for request, predicted in checked],
        query=bool(needed) and not _covers(cached, scope, actual),
    )


def plan_for_hosts(hosts, hostvars, batch=None, defaults=None, fresh=None, now=None, scope=None, cached=None):
    """``plan`` for the play's hosts, read from ``hostvars``.

    A host of ``batch`` brings its own settings (``SETTINGS_FACT``, templated in its own
    context, role parameters included); the other hosts are predicted from their inventory
    variables. A batch host with a bad setting is left out of the question and named in
    ``errors`` (host -> one sentence), so that it fails alone; ``fresh`` (the play's
    ``fresh_backup`` and ``fresh_backup_timeout``) is checked here, before any request.
    """
    if not isinstance(hosts, (list, tuple)) or not all(isinstance(host, str) for host in hosts):
        raise EmOptionError("hosts", hosts, "expected the list of the play's host names (ansible_play_hosts_all)")
    batch = list(hosts) if batch is None else list(batch)
    requests, errors = [], {}
    for host in hosts:
        try:
            variables = hostvars[host]
        except (KeyError, TypeError):
            raise EmOptionError("hostvars", host, "expected hostvars to hold every host of the play") from None
        if host in batch:
            request = host_request(host, variables.get(SETTINGS_FACT), defaults)
            try:
                normalise_request(request)
            except EmOptionError as exc:
                errors[host] = exc.msg
                continue
        else:
            request = host_request(host, variables, defaults, predicted=True)
        requests.append(request)
    result = plan(requests, now=now, scope=scope, cached=cached)
    result.update(errors=errors, by_host=dict((request["host"], request) for request in result["requests"]),
                  **_fresh_settings(fresh))
    return result


# -- a fresh backup before judging ------------------------------------------------------------

def _fresh_settings(fresh):
    fresh = fresh or {}
    mode = fresh.get("mode") or "never"
    if mode not in FRESH_MODES:
        raise EmOptionError("nas_backup_gate_fresh_backup", mode, "expected one of %s" % ", ".join(FRESH_MODES))
    timeout = str(fresh.get("timeout") or DEFAULT_FRESH_TIMEOUT).strip()
    seconds = int(_age("nas_backup_gate_fresh_backup_timeout", timeout).total_seconds())
    return dict(fresh_mode=mode, fresh_timeout=timeout, fresh_timeout_seconds=seconds)


def fresh_jobs(answer):
    """The jobs to start before judging: none, every job of the play (``always``), or those
    that would not pass for at least one host that names them (``when_needed``), sorted."""
    mode = answer.get("fresh_mode", "never")
    if mode == "never":
        return []
    if mode == "always":
        return list(answer["job_names"])
    needed = set()
    for request in answer["requests"]:
        if request["jobs"]:
            judged = verdict(answer, request["jobs"], request["max_age"], request["accept_results"])
            needed.update(entry["job_name"] for entry in judged["jobs"] if not entry["passed"])
    return sorted(needed)


def _waited_job(wait):
    """The job an async_status result waited for: its ``job_name``, or the item of the start it polled."""
    started = wait.get("item") if isinstance(wait.get("item"), dict) else {}
    return wait.get("job_name") or started.get("item")


def _fresh_outcomes(fresh):
    """job name -> the reason its fresh backup cannot be judged, or None when it can.

    ``fresh``: ``{jobs, check_mode, timeout, results}``; ``results`` are the waits for the
    started jobs (async_status of veeam_nas_job with ``wait``), each with ``job_name`` or
    the ``item`` of the start it polled.
    """
    if not fresh or not fresh.get("jobs"):
        return {}
    if fresh.get("check_mode"):
        note = "under --check a fresh backup of this job would have been started"
        return dict((name, ("check", note)) for name in fresh["jobs"])
    outcomes = {}
    waits = dict((_waited_job(wait), wait) for wait in fresh.get("results") or [] if isinstance(wait, dict))
    for name in fresh["jobs"]:
        wait = waits.get(name) or {}
        session = wait.get("session") or {}
        # Not ``failed``: the role's failed_when hides it. A session that ended, whatever its
        # result, is in EM's answer; one still running (or a wait that never finished) timed out.
        if session.get("state") == _STOPPED:
            continue
        if session or not wait.get("finished"):
            started = " started at %s" % session["creation_time"] if session.get("creation_time") else ""
            outcomes[name] = ("failed", "the fresh backup%s did not finish within "
                                        "nas_backup_gate_fresh_backup_timeout (%s)" % (started, fresh.get("timeout")))
        else:
            outcomes[name] = ("failed", "no fresh backup could be taken: %s" % (wait.get("msg") or "no reason given"))
    return outcomes


# -- one host's verdict --------------------------------------------------------------------

def format_age(delta):
    """``3d 8h`` / ``2h 5m`` / ``12m`` (``0m`` under a minute): a rough age a person reads at a glance.

    The one duration formatter of the gate and the report.
    """
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        parts = ["%dd" % days] + (["%dh" % hours] if hours else [])
    elif hours:
        parts = ["%dh" % hours] + (["%dm" % mins] if mins else [])
    else:
        parts = ["%dm" % mins]
    return " ".join(parts)


def _ago(delta):
    return "just now" if delta.total_seconds() < 60 else format_age(delta) + " ago"


def _newest_finished(sessions):
    """job name -> its newest finished session in the answer (running ones are not judged)."""
    newest = {}
    for session in sessions or []:
        if not isinstance(session, dict) or session.get("state") != _STOPPED:
            continue
        try:
            created = parse_timestamp(session.get("creation_time"))
        except ValueError:
            created = None
        name = session.get("job_name")
        if created is None or name is None:
            continue
        best = newest.get(name)
        if best is None or created > best[0]:
            newest[name] = (created, session)
    return newest


def _check_answer(answer, jobs, max_age):
    """The answer must have been asked for these jobs over at least this window."""
    if not isinstance(answer, dict) or "sessions" not in answer:
        raise GateError("there is no answer from EM to judge these jobs by (did the query task run?): %s"
                        % ", ".join(jobs))
    missing = [name for name in jobs if name not in (answer.get("job_names") or [])]
    if missing:
        raise GateError("the answer from EM was not asked for these jobs: %s" % ", ".join(missing))
    if max_age.total_seconds() > int(answer.get("window_seconds") or 0):
        raise GateError("the answer from EM covers only the last %s, less than the max age asked for"
                        % answer.get("window"))


def _judge_session(job_name, session, created, accept):
    result = session.get("result") or "None"
    words = _RESULT_WORDS.get(result, "ended with result %s" % result)
    reason = "%s: newest finished session %s at %s" % (job_name, words, format_timestamp(created))
    if session.get("failure_message"):
        reason += ": %s" % session["failure_message"]
    elif result == "Failed":
        reason += " (EM gave no failure message)"
    passed = result in accept
    if not passed and result != "Failed":
        reason += " (accepted results: %s)" % ", ".join(accept)
    return dict(job_name=job_name, passed=passed, reason=reason, session=session)


def _judge_job(job_name, answer, newest, max_age_text, max_age, accept, now, fresh):
    outcome = fresh.get(job_name)
    if outcome is not None and outcome[0] == "failed":
        found = newest.get(job_name)
        return dict(job_name=job_name, passed=False, reason="%s: %s" % (job_name, outcome[1]),
                    session=found[1] if found else None)
    judged = _judge_known_job(job_name, answer, newest, max_age_text, max_age, accept, now)
    if outcome is not None:
        judged["reason"] += " (%s)" % outcome[1]
    return judged


def _judge_known_job(job_name, answer, newest, max_age_text, max_age, accept, now):
    if job_name in (answer.get("unknown_jobs") or []):
        return dict(job_name=job_name, passed=False, reason="%s: %s" % (job_name, UNKNOWN_JOB_REASON), session=None)
    found = newest.get(job_name)
    if found is not None and found[0] >= now - max_age:
        return _judge_session(job_name, found[1], found[0], accept)
    reason = "%s: no finished session in the last %s" % (job_name, max_age_text)
    if found is not None:
        reason += " (newest finished: %s, %s)" % (format_timestamp(found[0]), _ago(now - found[0]))
    elif int(answer.get("window_seconds") or 0) > max_age.total_seconds():
        reason += " (none in the last %s either)" % answer.get("window")
    return dict(job_name=job_name, passed=False, reason=reason, session=found[1] if found else None)


def _summary(entries):
    failed = [entry for entry in entries if not entry["passed"]]
    if not failed:
        return "all %d NAS backup job(s) have an accepted recent backup: %s" % (
            len(entries), "; ".join(entry["reason"] for entry in entries))
    return "%d of %d NAS backup job(s) without an accepted recent backup: %s" % (
        len(failed), len(entries), "; ".join(entry["reason"] for entry in failed))


def verdict(answer, jobs, max_age=DEFAULT_MAX_AGE, accept_results=None, now=None, fresh=None):
    """Judge one host's jobs from the shared answer: ``{passed, jobs, summary, checked_at, max_age}``.

    ``now`` defaults to the answer's ``checked_at`` (the instant the play asked EM).
    ``fresh`` is what the role did about fresh backups (see ``_fresh_outcomes``).
    """
    names = job_list(jobs)
    max_age_text = str(DEFAULT_MAX_AGE if max_age is None else max_age).strip()
    max_age_delta = _age("nas_backup_gate_max_age", max_age_text)
    accept = _accept_results(accept_results)
    if not names:
        return dict(passed=False, jobs=[], summary=NO_JOBS_REASON, checked_at=None, max_age=max_age_text)
    _check_answer(answer, names, max_age_delta)
    moment = _moment(now if now is not None else answer.get("checked_at"))
    newest = _newest_finished(answer.get("sessions"))
    outcomes = _fresh_outcomes(fresh)
    entries = [_judge_job(name, answer, newest, max_age_text, max_age_delta, accept, moment, outcomes)
               for name in names]
    return dict(
        passed=all(entry["passed"] for entry in entries),
        jobs=entries,
        summary=_summary(entries),
        checked_at=format_timestamp(moment),
        max_age=max_age_text,
    )
