# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The stop: its route, its fallback, and the whole stop with the fake clock (the shared
polling, deadline and task logic is tested in test_actions.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._actions import Action, ActionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._stop import (
    send_stop, stop_session, wait_until_stopped,
)
from ansible_collections.backupgate.veeam_em.tests.unit.plugins.module_utils.action_fakes import (
    FakeClient, FakeClock, hangs, refused, task,
)

SESSION_ID = "821cc74e-9447-40b6-a2df-90aa47101233"
JOB_ID = "70073b98-098b-4046-a097-43cbda67d58a"
SESSION_PATH = "backupSessions/" + SESSION_ID
STOP_LINK = "https://localhost:9398/api/backupSessions/%s?action=stop" % SESSION_ID


def entity(state="Working", links=None, job_uid="urn:veeam:Job:" + JOB_ID):
    return {"UID": "urn:veeam:BackupJobSession:" + SESSION_ID, "Name": "Archived Projects@2026-11-21 22:00:03",
            "JobUid": job_uid, "JobName": "Archived Projects", "JobType": "NasBackup", "State": state,
            "Result": "None", "Progress": 42, "IsRetry": False, "CreationTimeUTC": "2026-11-21T22:00:03Z",
            "Links": links or [], "Href": "https://localhost:9398/api/%s?format=Entity" % SESSION_PATH}


def session(state="Working", job_id=JOB_ID):
    return dict(id=SESSION_ID, name="Archived Projects@2026-11-21 22:00:03", job_id=job_id,
                job_name="Archived Projects", state=state)


def _action(client, fake=None, timeout=600, interval=1):
    return Action(client, "stop", (fake or FakeClock()).deadline(timeout), interval)


# -- the stop request ------------------------------------------------------------------

def test_stop_goes_to_the_nas_job_route_first():
    client = FakeClient(posts={"nas/jobs/%s/stop" % JOB_ID: task()})
    assert send_stop(_action(client), session())["taskid"] == "task-1"
    assert client.calls == [("POST", "nas/jobs/%s/stop" % JOB_ID)]


@pytest.mark.parametrize("status", [400, 404, 405, 501])
def test_a_refused_nas_route_falls_back_to_the_sessions_stop_link(status):
    link = {"Rel": "Stop", "Href": STOP_LINK}
    client = FakeClient(gets={SESSION_PATH: [entity(links=[link])]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: refused(status), STOP_LINK: task()})
    send_stop(_action(client), session())
    assert client.posted() == ["nas/jobs/%s/stop" % JOB_ID, STOP_LINK]


def test_without_a_stop_link_the_documented_session_action_is_used():
    stop_action = SESSION_PATH + "?action=stop"
    client = FakeClient(gets={SESSION_PATH: [entity()]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: refused(405), stop_action: task()})
    send_stop(_action(client), session())
    assert client.posted() == ["nas/jobs/%s/stop" % JOB_ID, stop_action]


def test_a_session_without_job_uses_its_own_link_only():
    client = FakeClient(gets={SESSION_PATH: [entity(links=[{"Rel": "Stop", "Href": STOP_LINK}], job_uid=None)]},
                        posts={STOP_LINK: task()})
    send_stop(_action(client), session(job_id=None))
    assert client.posted() == [STOP_LINK]


@pytest.mark.parametrize("status", [403, 500, 503])
def test_forbidden_and_server_errors_are_not_route_refusals_and_no_change(status):
    client = FakeClient(posts={"nas/jobs/%s/stop" % JOB_ID: refused(status)})
    with pytest.raises(ActionError) as caught:
        stop_session(client, session(), True, FakeClock().deadline(600), 1)
    assert caught.value.status == status
    assert caught.value.details()["changed"] is False
    assert client.calls == [("POST", "nas/jobs/%s/stop" % JOB_ID)]


# -- waiting for Stopped and the whole stop --------------------------------------------------

def test_wait_until_stopped_reads_the_session_until_stopped():
    fake = FakeClock()
    client = FakeClient(gets={SESSION_PATH: [entity("Stopping"), entity("Stopping"), entity("Stopped")]})
    result = wait_until_stopped(_action(client, fake, 60, 0.5), session())
    assert result["state"] == "Stopped"
    assert fake.sleeps == [0.5, 0.5]


def test_a_session_that_does_not_stop_times_out_naming_it_and_its_last_state():
    fake = FakeClock()
    client = FakeClient(gets={SESSION_PATH: [entity("Working")]})
    with pytest.raises(ActionError) as caught:
        wait_until_stopped(_action(client, fake, 30, 5), session())
    error = caught.value
    assert error.msg.startswith("Session Archived Projects@2026-11-21 22:00:03 (%s) was still Working after 30 seconds"
                                % SESSION_ID)
    assert error.details()["session"]["state"] == "Working"
    assert error.details()["changed"] is False  # nothing was sent by this action
    assert fake.time == 1030.0


def test_stop_session_with_wait_returns_the_stopped_session_and_the_task():
    fake = FakeClock()
    client = FakeClient(
        gets={"https://localhost:9398/api/tasks/task-1": [task("Finished", True, "triggered")],
              SESSION_PATH: [entity("Stopping"), entity("Stopped")]},
        posts={"nas/jobs/%s/stop" % JOB_ID: task()})
    stopped, action = stop_session(client, session(), True, fake.deadline(600), 1)
    assert stopped["state"] == "Stopped"
    assert action.task == dict(id="task-1", state="Finished", operation="StopNasJob", success=True, message="triggered")
    assert client.posted() == ["nas/jobs/%s/stop" % JOB_ID]
    assert fake.sleeps == [1, 1]


def test_stop_session_without_wait_reads_the_session_once_after_the_task():
    fake = FakeClock()
    client = FakeClient(gets={SESSION_PATH: [entity("Stopping")]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: task("Finished", True, "triggered")})
    stopped, action = stop_session(client, session(), False, fake.deadline(600), 1)
    assert (stopped["state"], action.task["success"]) == ("Stopping", True)
    assert client.calls == [("POST", "nas/jobs/%s/stop" % JOB_ID), ("GET", SESSION_PATH)]
    assert fake.sleeps == []


def test_one_deadline_bounds_task_and_session_waits_together():
    fake = FakeClock()
    client = FakeClient(
        gets={"https://localhost:9398/api/tasks/task-1": [task("Running")] * 3 + [task("Finished", True, "ok")],
              SESSION_PATH: [entity("Stopping")]},
        posts={"nas/jobs/%s/stop" % JOB_ID: task()})
    with pytest.raises(ActionError) as caught:
        stop_session(client, session(), True, fake.deadline(10), 2)
    assert "was still Stopping after 10 seconds" in caught.value.msg
    assert caught.value.details()["changed"] is True
    assert fake.time == 1010.0  # 8 s on the task, 2 s on the session: never more than wait_timeout


def test_a_hung_poll_after_an_accepted_stop_ends_at_wait_timeout_as_a_change_with_session_and_task():
    # Issue 13: a poll that hung ran 249 s past wait_timeout 10 and reported changed false.
    fake = FakeClock()
    client = FakeClient(gets={"https://localhost:9398/api/tasks/task-1": [task("Running"), hangs(fake)]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: task()})
    with pytest.raises(ActionError) as caught:
        stop_session(client, session(), True, fake.deadline(10), 2)
    details = caught.value.details()
    assert fake.time == 1010.0
    assert client.timeouts[-1] == 6.0  # read at 4 s, it was given only the 6 s left
    assert details["changed"] is True
    assert details["session"]["id"] == SESSION_ID
    assert details["task"]["id"] == "task-1"
    assert "after 10 seconds (wait_timeout)" in caught.value.msg


def test_a_server_error_after_the_accepted_stop_is_a_change_with_session_and_task():
    client = FakeClient(gets={"https://localhost:9398/api/tasks/task-1": [refused(500)]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: task()})
    with pytest.raises(ActionError) as caught:
        stop_session(client, session(), True, FakeClock().deadline(60), 1)
    details = caught.value.details()
    assert (details["changed"], details["status"], details["task"]["id"]) == (True, 500, "task-1")
    assert details["session"]["id"] == SESSION_ID


@pytest.mark.parametrize("wait, states, final", [
    (True, ["Working", "Stopping", "Stopped"], "Stopped"),
    (False, ["Working", "Stopping"], "Stopping"),
])
def test_a_task_gone_after_a_relogon_follows_the_session_instead(wait, states, final):
    fake = FakeClock()
    client = FakeClient(gets={"https://localhost:9398/api/tasks/task-1": [refused(404)],
                              SESSION_PATH: [entity(state) for state in states]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: task()})
    stopped, action = stop_session(client, session(), wait, fake.deadline(60), 1)
    assert stopped["state"] == final
    assert action.task_gone is True and action.task["id"] == "task-1"
    assert client.calls.count(("GET", SESSION_PATH)) == len(states)


def test_a_refused_stop_of_a_session_that_ended_meanwhile_is_not_a_failure():
    client = FakeClient(gets={SESSION_PATH: [entity("Stopped")]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: task("Finished", False, "Job is not running.")})
    stopped, action = stop_session(client, session(), True, FakeClock().deadline(600), 1)
    assert stopped["state"] == "Stopped" and action.task["success"] is False
    assert client.calls == [("POST", "nas/jobs/%s/stop" % JOB_ID), ("GET", SESSION_PATH)]


def test_a_refused_stop_of_a_session_still_running_fails_as_no_change_with_ems_message():
    client = FakeClient(gets={SESSION_PATH: [entity("Working")]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: task("Finished", False, "Stop refused.")})
    with pytest.raises(ActionError) as caught:
        stop_session(client, session(), True, FakeClock().deadline(600), 1)
    assert caught.value.msg == ("EM could not stop session Archived Projects@2026-11-21 22:00:03 (%s): Stop refused."
                                % SESSION_ID)
    assert caught.value.details()["changed"] is False
    assert caught.value.details()["task"]["success"] is False


def test_the_stop_gets_only_what_finding_the_session_left_of_wait_timeout():
    # The module starts the deadline before it looks the session up; 8 of 10 s went there.
    fake = FakeClock()
    deadline = fake.deadline(10)
    fake.time += 8
    client = FakeClient(gets={"https://localhost:9398/api/tasks/task-1": [task("Running")]},
                        posts={"nas/jobs/%s/stop" % JOB_ID: task()})
    with pytest.raises(ActionError) as caught:
        stop_session(client, session(), True, deadline, 1)
    assert client.timeouts[0] == 2.0 and fake.time == 1010.0
    assert caught.value.details()["changed"] is True
