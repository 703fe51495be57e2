# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.plugin_utils._gate import (
    NO_JOBS_REASON, SETTINGS_FACT, GateError, format_age, fresh_jobs, job_list, normalise_request, plan,
    plan_for_hosts, verdict,
)

NOW = datetime(2026, 11, 22, 6, 0, 0, tzinfo=timezone.utc)
NOW_TEXT = "2026-11-22T06:00:00Z"


def _stamp(hours_ago):
    return (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def session(job, hours_ago, result="Success", state="Stopped", failure_message=None):
    return dict(id="s-%s-%s" % (job, hours_ago), job_name=job, state=state, result=result,
                creation_time=_stamp(hours_ago), failure_message=failure_message)


def answer(sessions, job_names, window="7d", window_seconds=7 * 86400, unknown_jobs=()):
    return dict(job_names=list(job_names), window=window, window_seconds=window_seconds,
                checked_at=NOW_TEXT, sessions=list(sessions), unknown_jobs=list(unknown_jobs))


def request(host, jobs, max_age="24h", lookback="7d", **extra):
    return dict(host=host, jobs=jobs, max_age=max_age, lookback=lookback, **extra)


# -- plan -------------------------------------------------------------------------------------

def test_plan_unions_jobs_and_takes_the_widest_window():
    result = plan([
        request("fs01", ["Projects", "Finance"], max_age="24h", lookback="2d"),
        request("fs02", ["Finance", "Home"], max_age="3d", lookback="1d"),
        request("fs03", ["Projects"], max_age="90m", lookback="90m"),
    ], now=NOW)
    assert result["job_names"] == ["Finance", "Home", "Projects"]
    assert result["window"] == "3d"
    assert result["window_seconds"] == 3 * 86400
    assert result["checked_at"] == NOW_TEXT
    assert result["created_after"] == "2026-11-19T06:00:00Z"
    assert result["query"] is True
    assert [r["host"] for r in result["requests"]] == ["fs01", "fs02", "fs03"]


def test_plan_ignores_hosts_without_jobs_for_the_window_and_asks_nothing_when_nobody_has_jobs():
    result = plan([request("fs01", [], max_age="30d"), request("fs02", ["A"], lookback="2d")], now=NOW)
    assert result["job_names"] == ["A"]
    assert result["window"] == "2d"
    empty = plan([request("fs01", []), request("fs02", None)], now=NOW)
    assert empty["job_names"] == [] and empty["query"] is False


def test_plan_keeps_job_names_exactly_and_once():
    odd = 'Q1 "Finance"; Share,=1 ü'
    result = plan([request("a", [odd, odd, "b"]), request("b", odd)], now=NOW)
    assert result["job_names"] == [odd, "b"]
    assert result["requests"][0]["jobs"] == [odd, "b"]
    assert result["requests"][1]["jobs"] == [odd]  # a single string is one name, commas and all


def test_plan_accepts_now_as_text():
    assert plan([request("a", ["x"])], now="2026-11-22T06:00:00Z")["created_after"] == "2026-11-15T06:00:00Z"


@pytest.mark.parametrize("bad, option", [
    (dict(max_age="3x"), "nas_backup_gate_max_age"),
    (dict(max_age=""), "nas_backup_gate_max_age"),
    (dict(max_age="0h"), "nas_backup_gate_max_age"),
    (dict(lookback="soon"), "nas_backup_gate_lookback"),
    (dict(jobs=["ok", ""]), "nas_backup_gate_jobs"),
    (dict(jobs=[1]), "nas_backup_gate_jobs"),
    (dict(jobs={"a": 1}), "nas_backup_gate_jobs"),
])
def test_plan_refuses_bad_settings_naming_the_option(bad, option):
    settings = request("fs01", ["A"])
    settings.update(bad)
    with pytest.raises(EmOptionError) as caught:
        plan([settings], now=NOW)
    assert caught.value.option == option
    assert caught.value.msg.startswith("Option %s got " % option)


def test_plan_skips_invalid_predicted_requests_but_not_real_ones():
    result = plan([request("fs01", ["A"]), request("fs09", ["B"], max_age="soon", predicted=True)], now=NOW)
    assert result["job_names"] == ["A"]
    with pytest.raises(EmOptionError):
        plan([request("fs01", ["A"]), request("fs09", ["B"], max_age="soon")], now=NOW)


def test_plan_reuses_a_covering_answer_of_the_same_scope_only():
    first = plan([request("fs01", ["A", "B"], max_age="24h", lookback="2d")], now=NOW, scope="role-1")
    cached = dict(first, sessions=[], unknown_jobs=[])
    later = NOW + timedelta(hours=1)
    assert plan([request("fs02", ["B"])], now=later, scope="role-1", cached=cached)["query"] is True  # 7d > 2d
    same = plan([request("fs02", ["B"], lookback="1d")], now=later, scope="role-1", cached=cached)
    assert same["query"] is False
    assert plan([request("fs02", ["C"], lookback="1d")], now=later, scope="role-1", cached=cached)["query"] is True
    assert plan([request("fs02", ["B"], lookback="1d")], now=later, scope="role-2", cached=cached)["query"] is True
    assert plan([request("fs02", ["B"], lookback="1d")], now=later, scope=None, cached=cached)["query"] is True


def test_predictions_widen_the_first_query_but_never_cause_one():
    first = plan([request("fs01", ["A"]), request("fs04", ["B"], max_age="3d", predicted=True)],
                 now=NOW, scope="role-1")
    assert first["job_names"] == ["A", "B"] and first["window"] == "7d" and first["query"] is True
    cached = dict(first, sessions=[], unknown_jobs=[])
    # The next batch: fs04 is real now; fs01 (done) and fs09 are predicted with jobs nobody asked for.
    second = plan([request("fs04", ["B"], max_age="3d"), request("fs01", ["A", "Z"], predicted=True),
                   request("fs09", ["Y"], predicted=True)], now=NOW, scope="role-1", cached=cached)
    assert second["query"] is False
    # Only predicted hosts have jobs: this batch asks nothing.
    assert plan([request("fs05", []), request("fs09", ["Y"], predicted=True)], now=NOW)["query"] is False
    # A real need the answer lacks asks again, for the predicted hosts too.
    third = plan([request("fs05", ["C"]), request("fs09", ["Y"], predicted=True)], now=NOW,
                 scope="role-1", cached=cached)
    assert third["query"] is True and third["job_names"] == ["C", "Y"]


def test_normalise_request_defaults():
    assert normalise_request(dict(host="h", jobs=["A"])) == dict(host="h", jobs=["A"], max_age="24h", lookback="7d",
                                                                 accept_results=["Success"])
    with pytest.raises(EmOptionError):
        normalise_request(["not", "a", "mapping"])


# -- verdict ----------------------------------------------------------------------------------

def test_pass_on_a_recent_success():
    result = verdict(answer([session("Projects", 3)], ["Projects"]), ["Projects"])
    assert result["passed"] is True
    job = result["jobs"][0]
    assert job["passed"] is True and job["job_name"] == "Projects"
    assert job["reason"] == "Projects: newest finished session succeeded at 2026-11-22T03:00:00Z"
    assert job["session"]["id"] == "s-Projects-3"
    assert result["checked_at"] == NOW_TEXT and result["max_age"] == "24h"
    assert result["summary"].startswith("all 1 NAS backup job(s) have an accepted recent backup")


def test_newest_finished_failure_blocks_even_after_an_earlier_success():
    sessions = [session("Archived Projects", 8, "Failed", failure_message="Access is denied to \\\\fs01\\archive"),
                session("Archived Projects", 20)]
    result = verdict(answer(sessions, ["Archived Projects"]), ["Archived Projects"])
    assert result["passed"] is False
    assert result["jobs"][0]["reason"] == ("Archived Projects: newest finished session failed at "
                                           "2026-11-21T22:00:00Z: Access is denied to \\\\fs01\\archive")
    assert result["summary"] == ("1 of 1 NAS backup job(s) without an accepted recent backup: "
                                 + result["jobs"][0]["reason"])


def test_failure_without_a_message_says_so():
    result = verdict(answer([session("A", 2, "Failed")], ["A"]), ["A"])
    assert result["jobs"][0]["reason"].endswith("failed at 2026-11-22T04:00:00Z (EM gave no failure message)")


def test_no_finished_session_in_the_window_names_the_newest_one_and_its_age():
    result = verdict(answer([session("Stale", 4 * 24 + 8)], ["Stale"]), ["Stale"])
    job = result["jobs"][0]
    assert job["passed"] is False
    assert job["reason"] == ("Stale: no finished session in the last 24h "
                             "(newest finished: 2026-11-17T22:00:00Z, 4d 8h ago)")
    assert job["session"]["id"] == "s-Stale-104"


def test_no_finished_session_at_all_says_how_far_back_it_looked():
    result = verdict(answer([], ["Quiet"]), ["Quiet"])
    assert result["jobs"][0]["reason"] == "Quiet: no finished session in the last 24h (none in the last 7d either)"
    assert result["jobs"][0]["session"] is None
    narrow = verdict(answer([], ["Quiet"], window="24h", window_seconds=86400), ["Quiet"])
    assert narrow["jobs"][0]["reason"] == "Quiet: no finished session in the last 24h"


def test_a_running_session_is_not_judged():
    sessions = [session("Busy", 0.2, result="None", state="Working"), session("Busy", 20)]
    result = verdict(answer(sessions, ["Busy"]), ["Busy"])
    assert result["passed"] is True
    assert result["jobs"][0]["session"]["id"] == "s-Busy-20"


def test_warning_passes_only_when_accepted():
    sessions = [session("Home", 5, "Warning", failure_message="Some files were skipped because they are locked.")]
    closed = verdict(answer(sessions, ["Home"]), ["Home"])
    assert closed["passed"] is False
    assert closed["jobs"][0]["reason"] == ("Home: newest finished session ended with a warning at 2026-11-22T01:00:00Z: "
                                           "Some files were skipped because they are locked. (accepted results: Success)")
    opened = verdict(answer(sessions, ["Home"]), ["Home"], accept_results=["Success", "Warning"])
    assert opened["passed"] is True
    assert "(accepted results" not in opened["jobs"][0]["reason"]


def test_an_unknown_job_fails_clearly_and_only_itself():
    shared = answer([session("Known", 2)], ["Known", "Typo"], unknown_jobs=["Typo"])
    result = verdict(shared, ["Known", "Typo"])
    assert result["passed"] is False
    assert [job["passed"] for job in result["jobs"]] == [True, False]
    assert result["jobs"][1]["reason"] == ("Typo: EM has no session of this job at all: "
                                           "no NAS backup job has this name, or it has never run")
    assert result["jobs"][1]["session"] is None
    assert verdict(shared, ["Known"])["passed"] is True


def test_each_host_uses_its_own_max_age_on_the_shared_answer():
    shared = answer([session("A", 30)], ["A"], window="3d", window_seconds=3 * 86400)
    assert verdict(shared, ["A"], max_age="24h")["passed"] is False
    assert verdict(shared, ["A"], max_age="2d")["passed"] is True


def test_verdict_defaults_now_to_the_answer_time_and_takes_an_injected_one():
    shared = answer([session("A", 23)], ["A"])
    assert verdict(shared, ["A"])["passed"] is True
    later = verdict(shared, ["A"], now=NOW + timedelta(hours=2))
    assert later["passed"] is False
    assert later["checked_at"] == "2026-11-22T08:00:00Z"


def test_a_host_without_jobs_fails_with_a_hint():
    result = verdict(None, [])
    assert result == dict(passed=False, jobs=[], summary=NO_JOBS_REASON, checked_at=None, max_age="24h")


def test_verdict_refuses_an_answer_that_does_not_cover_the_host():
    with pytest.raises(GateError, match="not asked for these jobs: B"):
        verdict(answer([], ["A"]), ["A", "B"])
    with pytest.raises(GateError, match="covers only the last 24h"):
        verdict(answer([], ["A"], window="24h", window_seconds=86400), ["A"], max_age="2d")
    with pytest.raises(GateError, match="no answer from EM"):
        verdict(None, ["A"])


@pytest.mark.parametrize("kwargs, option", [
    (dict(max_age="tomorrow"), "nas_backup_gate_max_age"),
    (dict(accept_results=["Success", "Great"]), "nas_backup_gate_accept_results"),
    (dict(accept_results=[]), "nas_backup_gate_accept_results"),
    (dict(now="yesterday"), "now"),
])
def test_verdict_refuses_bad_settings(kwargs, option):
    with pytest.raises(EmOptionError) as caught:
        verdict(answer([], ["A"]), ["A"], **kwargs)
    assert caught.value.option == option


def test_sessions_out_of_order_still_pick_the_newest():
    sessions = [session("A", 30, "Failed"), session("A", 2), session("A", 10, "Failed")]
    assert verdict(answer(sessions, ["A"]), ["A"])["jobs"][0]["session"]["id"] == "s-A-2"


@pytest.mark.parametrize("minutes, text", [(0.5, "just now"), (12, "12m ago"), (125, "2h 5m ago"),
                                           (180, "3h ago"), (24 * 60 * 2, "2d ago")])
def test_ages_read_easily(minutes, text):
    created = NOW - timedelta(minutes=minutes)
    stale = dict(job_name="A", state="Stopped", result="Success",
                 creation_time=created.strftime("%Y-%m-%dT%H:%M:%SZ"))
    reason = verdict(answer([stale], ["A"]), ["A"], max_age="1s")["jobs"][0]["reason"]
    assert reason.endswith(", %s)" % text)


# -- the play's hosts, read from hostvars ------------------------------------------------------

def _own(**settings):
    return {SETTINGS_FACT: settings}


def test_plan_for_hosts_reads_own_settings_and_predicts_later_hosts_from_the_inventory():
    hostvars = {
        "fs01": _own(nas_backup_gate_jobs=None, veeam_nas_jobs=["A"], nas_backup_gate_max_age="24h"),
        "fs02": _own(nas_backup_gate_jobs=["B"], veeam_nas_jobs=["A"], nas_backup_gate_max_age="2d"),
        "fs03": {"veeam_nas_jobs": ["C"], "nas_backup_gate_max_age": "3d"},  # a later batch
        "fs04": {"nas_backup_gate_jobs": ["D"], "veeam_nas_jobs": ["X"]},
    }
    result = plan_for_hosts(["fs01", "fs02", "fs03", "fs04"], hostvars, batch=["fs01", "fs02"],
                            defaults={"nas_backup_gate_lookback": "1d"}, now=NOW)
    assert result["job_names"] == ["A", "B", "C", "D"]
    assert result["by_host"]["fs01"]["jobs"] == ["A"]  # veeam_nas_jobs when nas_backup_gate_jobs is unset
    assert result["by_host"]["fs02"]["jobs"] == ["B"]  # nas_backup_gate_jobs wins
    assert result["by_host"]["fs04"]["jobs"] == ["D"]
    assert result["by_host"]["fs03"]["predicted"] is True and result["by_host"]["fs01"]["predicted"] is False
    assert result["window"] == "3d" and result["errors"] == {} and result["fresh_mode"] == "never"


def test_plan_for_hosts_names_a_bad_setting_of_a_batch_host_and_leaves_it_out():
    hostvars = {"fs01": _own(veeam_nas_jobs=["A"]), "fs02": _own(veeam_nas_jobs=["B"], nas_backup_gate_max_age="3x"),
                "fs03": {"veeam_nas_jobs": ["C"], "nas_backup_gate_max_age": "soon"}}
    result = plan_for_hosts(["fs01", "fs02", "fs03"], hostvars, batch=["fs01", "fs02"], now=NOW)
    assert result["job_names"] == ["A"]
    assert result["errors"] == {
        "fs02": "Option nas_backup_gate_max_age got '3x': expected an age such as 90m, 24h, 7d or 2w"}


@pytest.mark.parametrize("hosts, hostvars, fresh, option", [
    ("fs01", {}, None, "hosts"),
    (["fs01"], {}, None, "hostvars"),
    (["fs01"], {"fs01": _own(veeam_nas_jobs=["A"])}, {"mode": "sometimes"}, "nas_backup_gate_fresh_backup"),
    (["fs01"], {"fs01": _own(veeam_nas_jobs=["A"])}, {"mode": "always", "timeout": "0s"},
     "nas_backup_gate_fresh_backup_timeout"),
])
def test_plan_for_hosts_refuses_what_concerns_the_whole_play(hosts, hostvars, fresh, option):
    with pytest.raises(EmOptionError) as caught:
        plan_for_hosts(hosts, hostvars, fresh=fresh, now=NOW)
    assert caught.value.option == option


def test_fresh_settings_are_checked_and_given_in_seconds():
    hostvars = {"fs01": _own(veeam_nas_jobs=["A"])}
    result = plan_for_hosts(["fs01"], hostvars, fresh={"mode": "when_needed", "timeout": "90s"}, now=NOW)
    assert (result["fresh_mode"], result["fresh_timeout"], result["fresh_timeout_seconds"]) == ("when_needed", "90s", 90)
    assert plan_for_hosts(["fs01"], hostvars, now=NOW)["fresh_timeout_seconds"] == 7200


# -- fresh backups -----------------------------------------------------------------------------

def _fresh_answer(mode, sessions):
    hostvars = {
        "fs01": _own(veeam_nas_jobs=["Good", "Bad"]),
        "fs02": _own(veeam_nas_jobs=["Good"], nas_backup_gate_max_age="1h"),  # Good is too old for fs02 only
        "fs03": {"veeam_nas_jobs": ["Stale"]},  # predicted
        "fs04": _own(veeam_nas_jobs=["Warned"], nas_backup_gate_accept_results=["Success", "Warning"]),
    }
    result = plan_for_hosts(sorted(hostvars), hostvars, batch=["fs01", "fs02", "fs04"], now=NOW,
                            fresh={"mode": mode})
    return dict(result, sessions=sessions, unknown_jobs=[])


SESSIONS = [session("Good", 2), session("Bad", 3, "Failed"), session("Stale", 30), session("Warned", 1, "Warning")]


def test_when_needed_starts_the_jobs_that_fail_for_any_host_naming_them():
    assert fresh_jobs(_fresh_answer("when_needed", SESSIONS)) == ["Bad", "Good", "Stale"]


def test_always_starts_every_job_of_the_play_and_never_none():
    assert fresh_jobs(_fresh_answer("always", [])) == ["Bad", "Good", "Stale", "Warned"]
    assert fresh_jobs(_fresh_answer("never", SESSIONS)) == []


def _waited(job, finished=1, failed=False, state="Stopped", msg=None):
    return dict(item=dict(item=job, ansible_job_id="j-" + job), finished=finished, failed=failed, msg=msg,
                session=dict(state=state, creation_time="2026-11-22T05:59:00Z") if state else None)


def test_verdict_judges_a_finished_fresh_backup_from_the_answer_and_names_a_timeout():
    fresh = dict(jobs=["A", "B", "C", "D"], check_mode=False, timeout="90s", results=[
        _waited("A"), _waited("B", failed=True, msg="Job B failed"), _waited("C", state="Working"),  # failed_when: false hides the module's failure
        _waited("D", failed=True, state=None, msg="HTTP 403 on POST /api/nas/jobs/x/start: Portal Administrator"),
    ])
    sessions = [session("A", 0.01), session("B", 0.01, "Failed", failure_message="disk full"), session("C", 30),
                session("D", 1)]
    judged = verdict(answer(sessions, ["A", "B", "C", "D"]), ["A", "B", "C", "D"], fresh=fresh)
    reasons = [entry["reason"] for entry in judged["jobs"]]
    assert [entry["passed"] for entry in judged["jobs"]] == [True, False, False, False]
    assert reasons[1].endswith(": disk full")
    assert reasons[2] == ("C: the fresh backup started at 2026-11-22T05:59:00Z did not finish within "
                          "nas_backup_gate_fresh_backup_timeout (90s)")
    assert reasons[3] == "D: no fresh backup could be taken: HTTP 403 on POST /api/nas/jobs/x/start: Portal Administrator"


def test_under_check_mode_the_reason_says_a_fresh_backup_would_have_been_started():
    fresh = dict(jobs=["A"], check_mode=True, timeout="2h", results=[])
    judged = verdict(answer([session("A", 3, "Failed")], ["A", "B"]), ["A", "B"], fresh=fresh)
    assert judged["jobs"][0]["reason"].endswith(
        "(under --check a fresh backup of this job would have been started)")
    assert "fresh" not in judged["jobs"][1]["reason"]


# -- the helpers the report shares -------------------------------------------------------------

def test_format_age_and_job_list():
    assert [format_age(timedelta(minutes=m)) for m in (0.5, 12, 125, 180, 2 * 1440, 2 * 1440 + 90)] == [
        "0m", "12m", "2h 5m", "3h", "2d", "2d 1h"]
    assert job_list("a, b") == ["a, b"] and job_list(["a", "b", "a"]) == ["a", "b"] and job_list(None) == []
    with pytest.raises(EmOptionError) as caught:
        job_list([""], "nas_backup_report_jobs")
    assert caught.value.option == "nas_backup_report_jobs"
