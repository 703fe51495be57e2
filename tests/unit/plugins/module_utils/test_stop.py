# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._stop import (
    Clock, Deadline, StopError, check_timing, normalise_task, poll, send_stop, stop_session,
    wait_for_task, wait_until_stopped,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import lower_keys

SESSION_ID = "821cc74e-9447-40b6-a2df-90aa47101233"
JOB_ID = "70073b98-098b-4046-a097-43cbda67d58a"
SESSION_PATH = "backupSessions/" + SESSION_ID
STOP_LINK = "https://localhost:9398/api/backupSessions/%s?action=stop" % SESSION_ID


class FakeClock:
    """Time moves only when the code under test sleeps."""

    def __init__(self):
        self.time = 1000.0
        self.sleeps = []

    def now(self):
        return self.time

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.time += seconds

    def clock(self):
        return Clock(now=self.now, sleep=self.sleep)


class FakeClient:
    """Answers GETs from scripted sequences (the last answer repeats) and records every request."""

    def __init__(self, gets=None, posts=None):
        self.gets = dict((path, list(answers)) for path, answers in (gets or {}).items())
        self.posts = posts or {}
        self.calls = []

    def get(self, path, params=None):
        self.calls.append(("GET", path))
        answers = self.gets[path]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, EmError):
            raise answer
        return lower_keys(answer)

    def post(self, path, params=None, expected=(202,)):
        self.calls.append(("POST", path))
        answer = self.posts[path]
        if isinstance(answer, EmError):
            raise answer
        return lower_keys(answer)

    def url_for(self, path):
        return "https://em/api/" + path

    def posted(self):
        return [path for method, path in self.calls if method == "POST"]


def entity(state="Working", links=None, job_uid="urn:veeam:Job:" + JOB_ID):
    return {"UID": "urn:veeam:BackupJobSession:" + SESSION_ID, "Name": "Archived Projects@2026-11-21 22:00:03",
            "JobUid": job_uid, "JobName": "Archived Projects", "JobType": "NasBackup", "State": state,
            "Result": "None", "Progress": 42, "IsRetry": False, "CreationTimeUTC": "2026-11-21T22:00:03Z",
            "Links": links or [], "Href": "https://localhost:9398/api/%s?format=Entity" % SESSION_PATH}


def session(state="Working", job_id=JOB_ID):
    return dict(id=SESSION_ID, name="Archived Projects@2026-11-21 22:00:03", job_id=job_id,
                job_name="Archived Projects", state=state)


def task(state="Running", success=None, message=None, task_id="task-1", href=True):
    body = {"TaskId": task_id, "State": state, "Operation": "StopNasJob", "Type": "Task"}
    if href:
        body["Href"] = "https://localhost:9398/api/tasks/" + task_id
    if success is not None:
        body["Result"] = {"Success": success, "Message": message}
    return body


def refused(status):
    return EmError("EM answered %s" % status, status=status, url="u", body="no")


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


def test_sane_timing_passes():
    check_timing(1, 0.1)


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


def test_wait_for_task_follows_the_task_href_until_finished():
    fake = FakeClock()
    client = FakeClient(gets={"https://localhost:9398/api/tasks/task-1": [
        task("Running"), task("Finished", True, 'Job "Archived Projects" triggered to stop.')]})
    result = wait_for_task(client, lower_keys(task()), session(), Deadline(60, fake.clock()), 2)
    assert result["success"] is True
    assert result["message"] == 'Job "Archived Projects" triggered to stop.'
    assert client.calls == [("GET", "https://localhost:9398/api/tasks/task-1")] * 2
    assert fake.sleeps == [2, 2]


def test_a_task_without_href_is_read_at_tasks_id():
    client = FakeClient(gets={"tasks/task-7": [task("OperationFinished", True, "OperationFinished", "task-7", False)]})
    result = wait_for_task(client, lower_keys(task(task_id="task-7", href=False)), session(),
                           Deadline(60, FakeClock().clock()), 2)
    assert result["state"] == "OperationFinished"
    assert client.calls == [("GET", "tasks/task-7")]


def test_an_answer_without_a_task_is_a_clear_error():
    with pytest.raises(EmError) as caught:
        wait_for_task(FakeClient(), {}, session(), Deadline(60, FakeClock().clock()), 2)
    assert "names no task" in caught.value.msg


def test_a_failed_task_fails_with_ems_message_and_carries_task_and_session():
    client = FakeClient()
    finished = lower_keys(task("Finished", "false", "Job session is not running."))
    with pytest.raises(StopError) as caught:
        wait_for_task(client, finished, session(), Deadline(60, FakeClock().clock()), 2)
    error = caught.value
    assert error.msg == ("EM could not stop session Archived Projects@2026-11-21 22:00:03 (%s): "
                         "Job session is not running." % SESSION_ID)
    assert error.details()["task"]["success"] is False
    assert error.details()["session"]["id"] == SESSION_ID
    assert client.calls == []


def test_a_task_that_never_finishes_times_out_naming_it():
    fake = FakeClock()
    client = FakeClient(gets={"https://localhost:9398/api/tasks/task-1": [task("Running")]})
    with pytest.raises(StopError) as caught:
        wait_for_task(client, lower_keys(task()), session(), Deadline(9, fake.clock()), 2)
    assert caught.value.msg == ("The stop task task-1 of session Archived Projects@2026-11-21 22:00:03 (%s) "
                                "was still Running after 9 seconds (wait_timeout)." % SESSION_ID)
    assert sum(fake.sleeps) == 9


# -- the stop request ------------------------------------------------------------------

def test_stop_goes_to_the_nas_job_route_first():
    client = FakeClient(posts={"nas/jobs/%s/stop" % JOB_ID: task()})
    assert send_stop(client, session())["taskid"] == "task-1"
    assert client.calls == [("POST", "nas/jobs/%s/stop" % JOB_ID)]


@pytest.mark.parametrize("status", [400, 404, 405, 501])
def test_a_refused_nas_route_falls_back_to_the_sessions_stop_link(status):
    link = {"Rel": "Stop", "Href": STOP_LINK}
    client = FakeClient(gets={SESSION_PATH: [entity(links=[link])]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: refused(status), STOP_LINK: task()})
    send_stop(client, session())
    assert client.posted() == ["nas/jobs/%s/stop" % JOB_ID, STOP_LINK]


def test_without_a_stop_link_the_documented_session_action_is_used():
    action = SESSION_PATH + "?action=stop"
    client = FakeClient(gets={SESSION_PATH: [entity()]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: refused(405), action: task()})
    send_stop(client, session())
    assert client.posted() == ["nas/jobs/%s/stop" % JOB_ID, action]


def test_a_session_without_job_uses_its_own_link_only():
    client = FakeClient(gets={SESSION_PATH: [entity(links=[{"Rel": "Stop", "Href": STOP_LINK}], job_uid=None)]},
                        posts={STOP_LINK: task()})
    send_stop(client, session(job_id=None))
    assert client.posted() == [STOP_LINK]


@pytest.mark.parametrize("status", [403, 500, 503])
def test_forbidden_and_server_errors_are_not_route_refusals(status):
    client = FakeClient(posts={"nas/jobs/%s/stop" % JOB_ID: refused(status)})
    with pytest.raises(EmError) as caught:
        send_stop(client, session())
    assert caught.value.status == status
    assert client.calls == [("POST", "nas/jobs/%s/stop" % JOB_ID)]


# -- waiting for Stopped and the whole stop --------------------------------------------------

def test_wait_until_stopped_reads_the_session_until_stopped():
    fake = FakeClock()
    client = FakeClient(gets={SESSION_PATH: [entity("Stopping"), entity("Stopping"), entity("Stopped")]})
    result = wait_until_stopped(client, session(), Deadline(60, fake.clock()), 0.5)
    assert result["state"] == "Stopped"
    assert fake.sleeps == [0.5, 0.5]


def test_a_session_that_does_not_stop_times_out_naming_it_and_its_last_state():
    fake = FakeClock()
    client = FakeClient(gets={SESSION_PATH: [entity("Working")]})
    with pytest.raises(StopError) as caught:
        wait_until_stopped(client, session(), Deadline(30, fake.clock()), 5, task={"id": "task-1"})
    error = caught.value
    assert error.msg.startswith("Session Archived Projects@2026-11-21 22:00:03 (%s) was still Working after 30 seconds"
                                % SESSION_ID)
    assert error.details()["session"]["state"] == "Working"
    assert error.details()["task"] == {"id": "task-1"}
    assert fake.time == 1030.0


def test_stop_session_with_wait_returns_the_stopped_session_and_the_task():
    fake = FakeClock()
    client = FakeClient(
        gets={"https://localhost:9398/api/tasks/task-1": [task("Finished", True, "triggered")],
              SESSION_PATH: [entity("Stopping"), entity("Stopped")]},
        posts={"nas/jobs/%s/stop" % JOB_ID: task()})
    stopped, result = stop_session(client, session(), True, 600, 1, fake.clock())
    assert stopped["state"] == "Stopped"
    assert result == dict(id="task-1", state="Finished", operation="StopNasJob", success=True, message="triggered")
    assert client.posted() == ["nas/jobs/%s/stop" % JOB_ID]
    assert fake.sleeps == [1, 1]


def test_stop_session_without_wait_reads_the_session_once_after_the_task():
    fake = FakeClock()
    client = FakeClient(gets={SESSION_PATH: [entity("Stopping")]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: task("Finished", True, "triggered")})
    stopped, result = stop_session(client, session(), False, 600, 1, fake.clock())
    assert (stopped["state"], result["success"]) == ("Stopping", True)
    assert client.calls == [("POST", "nas/jobs/%s/stop" % JOB_ID), ("GET", SESSION_PATH)]
    assert fake.sleeps == []


def test_one_deadline_bounds_task_and_session_waits_together():
    fake = FakeClock()
    client = FakeClient(
        gets={"https://localhost:9398/api/tasks/task-1": [task("Running")] * 3 + [task("Finished", True, "ok")],
              SESSION_PATH: [entity("Stopping")]},
        posts={"nas/jobs/%s/stop" % JOB_ID: task()})
    with pytest.raises(StopError) as caught:
        stop_session(client, session(), True, 10, 2, fake.clock())
    assert "was still Stopping after 10 seconds" in caught.value.msg
    assert fake.time == 1010.0  # 8 s on the task, 2 s on the session: never more than wait_timeout


def test_a_refused_stop_of_a_session_that_ended_meanwhile_is_not_a_failure():
    client = FakeClient(gets={SESSION_PATH: [entity("Stopped")]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: task("Finished", False, "Job is not running.")})
    stopped, result = stop_session(client, session(), True, 600, 1, FakeClock().clock())
    assert stopped["state"] == "Stopped" and result["success"] is False
    assert client.calls == [("POST", "nas/jobs/%s/stop" % JOB_ID), ("GET", SESSION_PATH)]


def test_a_refused_stop_of_a_session_still_running_fails():
    client = FakeClient(gets={SESSION_PATH: [entity("Working")]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: task("Finished", False, "Stop refused.")})
    with pytest.raises(StopError, match="Stop refused."):
        stop_session(client, session(), True, 600, 1, FakeClock().clock())
