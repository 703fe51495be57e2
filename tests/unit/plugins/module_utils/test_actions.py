# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared action logic: polling, the deadline over every request, the task, the task gone after a re-logon."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._actions import (
    Action, ActionError, BoundClient, Deadline, DeadlineReached, check_timing, normalise_task, poll,
    sessions_of_job,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import lower_keys
from ansible_collections.backupgate.veeam_em.tests.unit.plugins.module_utils.action_fakes import (
    FakeClient, FakeClock, hangs, refused, task,
)

TASK_HREF = "https://localhost:9398/api/tasks/task-1"


# -- options ------------------------------------------------------------------------

@pytest.mark.parametrize("timeout, interval, option", [
    (0, 5, "wait_timeout"), (-3, 5, "wait_timeout"), (None, 5, "wait_timeout"),
    (600, 0, "poll_interval"), (600, -0.5, "poll_interval"), (600, None, "poll_interval"),
])
def test_timing_that_could_never_work_names_the_option_and_value(timeout, interval, option):
    with pytest.raises(EmOptionError) as caught:
        check_timing(timeout, interval)
    assert caught.value.option == option
    assert caught.value.msg.startswith("Option %s got %r: " % (option, timeout if option == "wait_timeout" else interval))


@pytest.mark.parametrize("timeout, interval", [(0.001, 0.001), (1, 0.1), (3600, 3600)])
def test_any_positive_timing_passes(timeout, interval):
    # Just above zero is the boundary: a check of ">= 1" would refuse these.
    assert check_timing(timeout, interval) is None


# -- the polling loop -------------------------------------------------------------------

def test_poll_without_waiting_when_the_first_answer_is_done():
    fake = FakeClock()
    answers = iter(["Stopped"])
    value, done = poll(lambda: next(answers), lambda v: v == "Stopped", Deadline(60, fake.clock()), 5)
    assert (value, done) == ("Stopped", True)
    assert fake.sleeps == []


def test_poll_sleeps_the_interval_between_reads():
    fake = FakeClock()
    answers = iter(["Working", "Stopping", "Stopped"])
    value, done = poll(lambda: next(answers), lambda v: v == "Stopped", Deadline(60, fake.clock()), 5)
    assert (value, done) == ("Stopped", True)
    assert fake.sleeps == [5, 5]


def test_poll_never_sleeps_past_the_deadline_and_reads_once_more_at_it():
    fake = FakeClock()
    reads = []

    def fetch():
        reads.append(fake.time)
        return "Stopping"

    value, done = poll(fetch, lambda v: v == "Stopped", Deadline(10, fake.clock()), 4)
    assert (value, done) == ("Stopping", False)
    assert fake.sleeps == [4, 4, 2]
    assert reads == [1000.0, 1004.0, 1008.0, 1010.0]


def test_poll_uses_an_answer_already_in_hand():
    fake = FakeClock()
    fetched = []
    value, done = poll(lambda: fetched.append(1) or "done", lambda v: v == "done", Deadline(5, fake.clock()), 1, "done")
    assert (value, done, fetched) == ("done", True, [])


def test_time_spent_in_slow_requests_counts_against_the_deadline():
    fake = FakeClock()

    def slow_fetch():
        fake.time += 7  # a request that takes 7 s of wall-clock time
        return "Working"

    value, done = poll(slow_fetch, lambda v: v == "Stopped", Deadline(10, fake.clock()), 5)
    assert not done
    assert fake.sleeps == [3]  # 7 s gone in the first read: only 3 s left to sleep


def test_a_read_cut_short_by_the_deadline_ends_the_poll_with_the_last_value():
    fake = FakeClock()
    answers = iter(["Working"])

    def fetch():
        value = next(answers, None)
        if value is None:
            raise DeadlineReached("cut")
        return value

    assert poll(fetch, lambda v: v == "Stopped", Deadline(10, fake.clock()), 4) == ("Working", False)


# -- every request bounded by the time left -------------------------------------------

def test_each_request_timeout_is_capped_at_the_time_left():
    fake = FakeClock()
    client = FakeClient(gets={"a": [{"x": 1}]})
    bound = BoundClient(client, Deadline(12, fake.clock()))
    bound.get("a")
    fake.time += 10
    bound.get("a")
    assert client.timeouts == [12, 2]  # the client's own 30 s never outlasts the wait


def test_the_client_timeout_applies_when_more_time_is_left():
    client = FakeClient(gets={"a": [{"x": 1}]})
    BoundClient(client, Deadline(600, FakeClock().clock())).get("a")
    assert client.timeouts == [30.0]


def test_a_request_hanging_past_the_deadline_is_cut_at_it_and_says_so():
    fake = FakeClock()
    client = FakeClient(gets={"a": [hangs(fake)]})
    with pytest.raises(DeadlineReached) as caught:
        BoundClient(client, Deadline(5, fake.clock())).get("a")
    assert fake.time == 1005.0
    assert "wait_timeout (5 seconds) has passed" in caught.value.msg


def test_no_request_is_sent_once_the_deadline_has_passed():
    fake = FakeClock()
    client = FakeClient(gets={"a": [{}]})
    bound = BoundClient(client, Deadline(5, fake.clock()))
    fake.time += 5
    with pytest.raises(DeadlineReached):
        bound.get("a")
    assert client.calls == []


def test_an_error_with_time_left_is_raised_as_it_is():
    client = FakeClient(gets={"a": [refused(500)]})
    with pytest.raises(EmError) as caught:
        BoundClient(client, Deadline(5, FakeClock().clock())).get("a")
    assert not isinstance(caught.value, DeadlineReached) and caught.value.status == 500


# -- tasks -------------------------------------------------------------------------

def test_a_running_task_has_no_success_yet():
    assert normalise_task(lower_keys(task())) == dict(
        id="task-1", state="Running", operation="StopNasJob", success=None, message=None)


@pytest.mark.parametrize("raw, expected", [(True, True), (False, False), ("true", True), ("False", False)])
def test_task_success_is_read_from_bool_or_text(raw, expected):
    assert normalise_task(lower_keys(task("Finished", raw, "m")))["success"] is expected


def test_camel_case_tasks_read_alike():
    camel = {"taskId": "task-9", "state": "Finished", "operation": "StopJobSession",
             "result": {"success": True, "message": "Ok"}}
    assert normalise_task(lower_keys(camel)) == dict(
        id="task-9", state="Finished", operation="StopJobSession", success=True, message="Ok")


def _sent(client, fake, timeout=60, interval=2, path="nas/jobs/j/start"):
    action = Action(client, "start", fake.deadline(timeout), interval)
    action.send(path)
    return action


def test_follow_task_reads_the_task_href_until_finished():
    fake = FakeClock()
    client = FakeClient(gets={TASK_HREF: [task("Running"), task("Finished", True, "triggered")]},
                        posts={"nas/jobs/j/start": task()})
    result = _sent(client, fake).follow_task("job j")
    assert result["success"] is True and result["message"] == "triggered"
    assert client.calls == [("POST", "nas/jobs/j/start")] + [("GET", TASK_HREF)] * 2
    assert fake.sleeps == [2, 2]


def test_a_task_without_href_is_read_at_tasks_id():
    client = FakeClient(gets={"tasks/task-7": [task("OperationFinished", True, "OperationFinished", "task-7")]},
                        posts={"p": task(task_id="task-7", href=False)})
    assert _sent(client, FakeClock(), path="p").follow_task("x")["state"] == "OperationFinished"
    assert client.calls[-1] == ("GET", "tasks/task-7")


def test_an_answer_without_a_task_is_a_clear_error():
    with pytest.raises(EmError) as caught:
        _sent(FakeClient(posts={"p": {}}), FakeClock(), path="p").follow_task("x")
    assert caught.value.msg == "EM accepted the start but its answer names no task to follow."


def test_a_task_that_never_finishes_is_a_changed_failure_naming_it():
    fake = FakeClock()
    client = FakeClient(gets={TASK_HREF: [task("Running")]}, posts={"nas/jobs/j/start": task()})
    with pytest.raises(ActionError) as caught:
        _sent(client, fake, timeout=9).follow_task("job j", job={"id": "j"})
    error = caught.value
    assert error.msg == "The start task task-1 of job j was still Running after 9 seconds (wait_timeout)."
    assert error.details()["changed"] is True
    assert error.details()["task"]["state"] == "Running"
    assert error.details()["job"] == {"id": "j"}
    assert fake.time == 1009.0


def test_a_task_gone_after_a_relogon_is_no_failure_but_says_so():
    client = FakeClient(gets={TASK_HREF: [task("Running"), refused(404)]}, posts={"nas/jobs/j/start": task()})
    action = _sent(client, FakeClock())
    assert action.follow_task("job j") is None
    assert action.task_gone is True
    assert action.task["id"] == "task-1"  # as last read


def test_other_task_errors_are_raised():
    client = FakeClient(gets={TASK_HREF: [refused(500)]}, posts={"nas/jobs/j/start": task()})
    with pytest.raises(EmError) as caught:
        _sent(client, FakeClock()).follow_task("job j")
    assert caught.value.status == 500


def test_a_refused_post_is_not_accepted_and_no_change():
    client = FakeClient(posts={"p": refused(403)})
    action = Action(client, "start", FakeClock().deadline(60), 1)
    with pytest.raises(EmError) as caught:
        action.send("p")
    error = action.failure(caught.value, job={"id": "j"})
    assert error.details()["changed"] is False and error.details()["task"] is None
    assert error.status == 403


def test_any_error_after_an_accepted_action_is_a_changed_failure_keeping_status_and_message():
    client = FakeClient(posts={"p": task()})
    action = _sent(client, FakeClock(), path="p")
    error = action.failure(refused(500), session={"id": "s"})
    assert (error.msg, error.status, error.details()["changed"]) == ("EM answered 500", 500, True)
    assert error.details()["session"] == {"id": "s"} and error.details()["task"]["id"] == "task-1"
    assert action.failure(error) is error


# -- the exact job -----------------------------------------------------------------------

def test_sessions_of_other_jobs_differing_only_in_case_are_left_out():
    sessions = [dict(job_name="FINANCE", job_id="b"), dict(job_name="finance", job_id="a")]
    assert sessions_of_job(sessions, job_name="finance") == [sessions[1]]
    assert sessions_of_job(sessions, job_id="b") == [sessions[0]]
    assert sessions_of_job(sessions[:1], job_name="finance") == []
