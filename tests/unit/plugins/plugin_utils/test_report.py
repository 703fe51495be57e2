# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._report import (
    JOB_KEYS, build_report, host_jobs, job_status, job_summary, make_plan, report_job_names,
)

NOW = datetime(2026, 11, 22, 21, 0, 0, tzinfo=timezone.utc)


def stamp(hours_ago):
    return (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def finished(job, hours_ago, result="Success", minutes=30, message=None):
    return dict(job_name=job, state="Stopped", result=result, creation_time=stamp(hours_ago),
                end_time=stamp(hours_ago - minutes / 60.0), duration_seconds=minutes * 60.0,
                failure_message=message)


def running(job, hours_ago):
    return dict(job_name=job, state="Working", result="None", creation_time=stamp(hours_ago),
                end_time=None, duration_seconds=None, failure_message=None)


def plan(window="7d", max_age="24h", accept=("Success",), **extra):
    return make_plan(window, max_age, list(accept), now=NOW, **extra)


# -- make_plan ----------------------------------------------------------------------------

def test_plan_fixes_the_window_and_asks_for_it():
    result = plan()
    assert result["now"] == "2026-11-22T21:00:00Z"
    assert result["window_start"] == "2026-11-15T21:00:00Z"
    assert result["since"] == "2026-11-15T21:00:00Z"
    assert result["span"] == "7d"
    assert result["max_age_seconds"] == 86400
    assert result["accept_results"] == ["Success"]
    assert result["query_jobs"] == []


def test_plan_reaches_back_to_max_age_when_that_is_longer_than_the_window():
    result = plan(window="12h", max_age="2d")
    assert result["window_start"] == "2026-11-22T09:00:00Z"
    assert result["since"] == "2026-11-20T21:00:00Z"
    assert result["span"] == "2d"


def test_plan_takes_an_iso_window_and_names_its_reach():
    result = plan(window="2026-11-20T09:30:00Z")
    assert result["window_start"] == "2026-11-20T09:30:00Z"
    assert result["since"] == "2026-11-20T09:30:00Z"
    assert result["span"] == "2d 11h"


def test_plan_drops_microseconds_of_now():
    result = make_plan("7d", now=NOW.replace(microsecond=987654))
    assert result["now"] == "2026-11-22T21:00:00Z"


def test_plan_asks_for_requested_jobs_and_every_job_of_the_hosts():
    result = plan(jobs=["B", "A", "B"], hosts={"fs01": ["A", "C"], "fs02": None, "fs03": "D"})
    assert result["query_jobs"] == ["B", "A", "C", "D"]


def test_plan_asks_for_every_job_when_none_is_requested_even_with_hosts():
    assert plan(jobs=[], hosts={"fs01": ["A"]})["query_jobs"] == []


@pytest.mark.parametrize("kwargs, option", [
    (dict(window="7x"), "nas_backup_report_window"),
    (dict(window=""), "nas_backup_report_window"),
    (dict(window="2027-01-01T00:00:00Z"), "nas_backup_report_window"),
    (dict(max_age="soon"), "nas_backup_report_max_age"),
    (dict(max_age="0h"), "nas_backup_report_max_age"),
    (dict(max_age=None), "nas_backup_report_max_age"),
    (dict(accept=["Succes"]), "nas_backup_report_accept_results"),
    (dict(accept=[]), "nas_backup_report_accept_results"),
    (dict(jobs=["A", ""]), "nas_backup_report_jobs"),
    (dict(jobs=5), "nas_backup_report_jobs"),
    (dict(jobs=["A"], hosts={"fs01": [3]}), "veeam_nas_jobs of fs01"),
])
def test_plan_refuses_bad_settings_naming_the_variable(kwargs, option):
    with pytest.raises(EmOptionError) as caught:
        plan(**kwargs)
    assert caught.value.option == option
    assert caught.value.msg.startswith("Option %s got " % option)


# -- job_summary ----------------------------------------------------------------------------

def test_summary_numbers_of_a_mixed_week():
    sessions = [
        running("A", 0.5),
        finished("A", 2, "Failed", minutes=5, message="Access is denied"),
        finished("A", 26, "Success", minutes=40),
        finished("A", 50, "Warning", minutes=35),
        finished("A", 74, "Success", minutes=20),
    ]
    summary = job_summary("A", sessions, NOW)
    assert sorted(summary) == sorted(k for k in JOB_KEYS if k != "status")  # build_report adds the status
    assert summary == dict(
        job_name="A",
        last_result="Failed",
        last_session_time=stamp(2),
        last_success_time=stamp(26),
        last_success_age_hours=26.0,
        success_rate=50.0,             # 2 Success of 4 finished; the running one does not count
        session_count=4,
        running=True,
        mean_duration_seconds=1500.0,  # (5 + 40 + 35 + 20) min / 4 = 25 min
        last_duration_seconds=300.0,
    )


def test_summary_does_not_trust_the_order_it_gets():
    oldest_first = [finished("A", 30, "Failed"), finished("A", 3, "Success", minutes=10)]
    summary = job_summary("A", oldest_first, NOW)
    assert summary["last_result"] == "Success"
    assert summary["last_duration_seconds"] == 600.0


def test_summary_rounds_rate_age_and_mean():
    sessions = [finished("A", 1.0 / 3, "Success", minutes=1), finished("A", 5, "Failed", minutes=2),
                finished("A", 6, "Failed", minutes=2)]
    summary = job_summary("A", sessions, NOW)
    assert summary["success_rate"] == 33.3
    assert summary["last_success_age_hours"] == 0.33
    assert summary["mean_duration_seconds"] == 100.0


def test_summary_of_a_job_without_session_in_the_window():
    summary = job_summary("A", [], NOW)
    assert summary == dict(job_name="A", last_result=None, last_session_time=None, last_success_time=None,
                           last_success_age_hours=None, success_rate=None, session_count=0, running=False,
                           mean_duration_seconds=None, last_duration_seconds=None)


def test_summary_takes_an_older_success_when_the_window_has_none():
    summary = job_summary("A", [finished("A", 3, "Failed")], NOW, older_success=finished("A", 240))
    assert summary["last_success_time"] == stamp(240)
    assert summary["last_success_age_hours"] == 240.0
    assert summary["success_rate"] == 0.0
    assert summary["session_count"] == 1


def test_summary_prefers_the_newer_success_of_the_window():
    summary = job_summary("A", [finished("A", 3)], NOW, older_success=finished("A", 240))
    assert summary["last_success_time"] == stamp(3)


def test_summary_of_a_job_that_only_runs():
    summary = job_summary("A", [running("A", 1)], NOW)
    assert summary["running"] is True
    assert summary["session_count"] == 0
    assert summary["last_result"] is None


@pytest.mark.parametrize("job, unknown, status", [
    (dict(job_name="A", last_result="Failed", running=True), (), "failed"),
    (dict(job_name="A", last_result="Warning", running=False), (), "warning"),
    (dict(job_name="A", last_result="Success", running=False), (), "success"),
    (dict(job_name="A", last_result=None, running=True), (), "running"),
    (dict(job_name="A", last_result=None, running=False), (), "none"),
    (dict(job_name="A", last_result=None, running=False), ("A",), "unknown"),
])
def test_job_status(job, unknown, status):
    assert job_status(job, unknown) == status


@pytest.mark.parametrize("result, started, status", [
    ("Success", "2026-11-18T21:00:00Z", "stale"),
    ("Warning", "2026-11-18T21:00:00Z", "stale"),
    ("Failed", "2026-11-18T21:00:00Z", "failed"),
    ("Success", "2026-11-22T01:00:00Z", "success"),
])
def test_a_success_older_than_max_age_is_stale(result, started, status):
    job = dict(job_name="A", last_result=result, last_session_time=started, running=False)
    assert job_status(job, (), NOW - timedelta(hours=24)) == status


@pytest.mark.parametrize("hours_ago, result, status", [(30, "Success", "stale"), (2, "Failed", "failed")])
def test_report_puts_the_status_next_to_the_last_result(hours_ago, result, status):
    report = build_report([finished("A", hours_ago, result)], plan(window="7d"), jobs=["A"])
    job = report["jobs"][0]
    assert list(job) == list(JOB_KEYS)
    assert (job["last_result"], job["status"]) == (result, status)


# -- job list and hosts ---------------------------------------------------------------------

def test_requested_jobs_keep_their_order():
    assert report_job_names(["b", "A", "b"], [finished("z", 1)], {"h": ["y"]}) == ["b", "A"]


def test_without_request_every_job_seen_or_named_by_a_host_sorted_by_name():
    sessions = [finished("beta", 1), finished("Alpha", 2), finished("beta", 3)]
    assert report_job_names([], sessions, {"h1": ["gamma", "beta"], "h2": None}) == ["Alpha", "beta", "gamma"]


def test_host_jobs_take_a_mapping_or_a_list_and_skip_undefined():
    assert host_jobs({"a": ["x", "x"], "b": None, "c": "y, z"}) == [("a", ["x"]), ("c", ["y, z"])]
    assert host_jobs([dict(host="a", jobs=["x"]), dict(host="b")]) == [("a", ["x"])]


# -- build_report ----------------------------------------------------------------------------

def test_hosts_are_judged_by_the_gate_rule():
    sessions = [
        running("Fin", 0.2), finished("Fin", 2),                       # running newest is not judged
        finished("Arch", 3, "Failed", message="The network path was not found."), finished("Arch", 27),
        finished("Home", 5, "Warning"),
        finished("Old", 30),
    ]
    report = build_report(sessions, plan(), hosts={
        "fs01": ["Fin"], "fs02": ["Fin", "Arch"], "fs03": ["Home"], "fs04": ["Old"],
        "fs05": ["Ghost"], "fs06": [], "fs07": None,
    }, unknown_jobs=["Ghost"])
    verdicts = dict((h["host"], h) for h in report["hosts"])
    assert list(verdicts) == ["fs01", "fs02", "fs03", "fs04", "fs05", "fs06"]
    assert [h["passed"] for h in report["hosts"]] == [True, False, False, False, False, False]
    assert verdicts["fs02"]["jobs"] == [
        dict(job_name="Fin", passed=True, reason="newest finished session succeeded at %s" % stamp(2)),
        dict(job_name="Arch", passed=False,
             reason="newest finished session failed at %s: The network path was not found." % stamp(3)),
    ]
    assert verdicts["fs03"]["jobs"][0]["reason"].startswith("newest finished session ended with a warning")
    assert verdicts["fs04"]["jobs"][0]["reason"].startswith("no finished session in the last 24h")
    assert verdicts["fs05"]["jobs"][0]["passed"] is False
    assert "no NAS backup job" in verdicts["fs05"]["jobs"][0]["reason"]
    assert verdicts["fs06"]["jobs"] == []


def test_accepting_warnings_lets_a_warned_host_pass():
    report = build_report([finished("Home", 5, "Warning")], plan(accept=["Success", "Warning"]),
                          hosts={"fs03": ["Home"]})
    assert report["hosts"][0]["passed"] is True


def test_a_max_age_beyond_the_window_judges_hosts_on_the_older_sessions_too():
    sessions = [finished("A", 30)]   # outside a 12h window, inside a 2d max age
    report = build_report(sessions, plan(window="12h", max_age="2d"), hosts={"h": ["A"]})
    assert report["hosts"][0]["passed"] is True
    assert report["jobs"][0]["session_count"] == 0      # statistics keep to the window
    assert report["sessions"] == []


def test_report_lists_requested_jobs_only_but_judges_hosts_on_all_theirs():
    sessions = [finished("A", 1), finished("B", 2, "Failed")]
    report = build_report(sessions, plan(), jobs=["A"], hosts={"h": ["A", "B"]})
    assert [j["job_name"] for j in report["jobs"]] == ["A"]
    assert [s["job_name"] for s in report["sessions"]] == ["A"]
    assert report["hosts"][0]["passed"] is False


def test_report_keeps_context_and_compact_sessions():
    sessions = [finished("A", 1, "Failed", message="boom"), finished("A", 200)]   # 200h is before the 7d window
    report = build_report(sessions, plan(), unknown_jobs=["Ghost", "Ghost"], jobs=["A", "Ghost"],
                          last_successes=[finished("A", 200)])
    assert report["generated_at"] == "2026-11-22T21:00:00Z"
    assert report["window"] == "7d"
    assert report["window_start"] == "2026-11-15T21:00:00Z"
    assert report["max_age"] == "24h"
    assert report["accept_results"] == ["Success"]
    assert report["unknown_jobs"] == ["Ghost"]
    assert report["hosts"] == []
    assert report["sessions"] == [dict(job_name="A", creation_time=stamp(1), end_time=stamp(0.5), state="Stopped",
                                       result="Failed", duration_seconds=1800.0, failure_message="boom")]
    job_a, ghost = report["jobs"]
    assert (job_a["session_count"], job_a["last_success_time"]) == (1, stamp(200))
    assert ghost["session_count"] == 0 and ghost["last_result"] is None
