# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""veeam_nas_job's decisions with a scripted EM and a fake clock: idempotence, check mode,
the task gone after a re-logon, the deadline, the exact job name."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timezone

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._actions import ActionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_jobs import JobRequest, JobRun
from ansible_collections.backupgate.veeam_em.tests.unit.plugins.module_utils.action_fakes import (
    FakeClient, FakeClock, hangs, refused, task,
)

JOB_ID = "70073b98-098b-4046-a097-43cbda67d58a"
OTHER_ID = "11111111-098b-4046-a097-43cbda67d58a"
OLD_ID = "821cc74e-9447-40b6-a2df-90aa47101233"
NEW_ID = "921cc74e-9447-40b6-a2df-90aa47101233"
JOB_PATH = "nas/jobs/" + JOB_ID
TASK_HREF = "https://localhost:9398/api/tasks/task-1"
NOW = datetime(2026, 11, 22, 6, 0, 1, 500000, tzinfo=timezone.utc)


def job_entity(schedule_enabled=True, name="Finance Shares", guid=JOB_ID):
    return {"UID": "urn:veeam:NasJob:" + guid, "Name": name, "ScheduleEnabled": schedule_enabled,
            "ScheduleConfigured": True}


def job_refs(*names_ids):
    return {"Refs": {"Refs": [{"UID": "urn:veeam:NasJob:" + guid, "Name": name} for name, guid in names_ids]}}


def session(guid=OLD_ID, state="Stopped", result="Success", failure=None, job_id=JOB_ID):
    body = {"UID": "urn:veeam:BackupJobSession:" + guid, "Name": "Finance Shares@2026-11-21 22:00:03",
            "JobUid": "urn:veeam:Job:" + job_id, "JobName": "Finance Shares", "JobType": "NasBackup",
            "State": state, "Result": result, "Progress": 100, "IsRetry": False,
            "CreationTimeUTC": "2026-11-21T22:00:03Z", "FailureMessage": failure}
    if state == "Stopped":
        body["EndTimeUTC"] = "2026-11-21T22:40:03Z"
    return body


def page(*sessions):
    return {"Entities": {"BackupJobSessions": {"BackupJobSessions": list(sessions)}},
            "PagingInfo": {"PageNum": 1, "PageSize": 500, "PagesCount": 1}}


def em(queries, posts=None, gets=None, schedule=(True,)):
    """A client whose query service answers ``queries`` in turn and whose job reads ``schedule`` in turn."""
    answers = {"query": list(queries), JOB_PATH: [job_entity(s) for s in schedule],
               "nas/jobs": [job_refs(("Finance Shares", JOB_ID))]}
    answers.update(gets or {})
    return FakeClient(gets=answers, posts=posts or {})


def run(client, check_mode=False, fake=None, **options):
    options.setdefault("job_id", JOB_ID)
    options.setdefault("poll_interval", 1)
    return JobRun(client, JobRequest(**options), check_mode=check_mode,
                  clock=(fake or FakeClock()).clock(), now=lambda: NOW).result()


# -- options -------------------------------------------------------------------------------

@pytest.mark.parametrize("options, option", [
    (dict(job_id="nope", state="started"), "job_id"),
    (dict(job_name="", state="started"), "job_name"),
    (dict(job_id=JOB_ID, state="stopped"), "state"),
    (dict(job_id=JOB_ID), "state"),
    (dict(job_id=JOB_ID, state="started", wait_timeout=0), "wait_timeout"),
    (dict(job_id=JOB_ID, state="started", poll_interval=0), "poll_interval"),
])
def test_bad_requests_name_the_option(options, option):
    with pytest.raises(EmOptionError) as caught:
        JobRequest(**options)
    assert caught.value.option == option


# -- state: started ------------------------------------------------------------------------

def test_started_starts_follows_the_task_and_returns_the_new_session():
    client = em([page(session()), page(session(NEW_ID, "Working", "None"))],
                posts={JOB_PATH + "/start": task(operation="StartNasJob")},
                gets={TASK_HREF: [task("Finished", True, 'Job "Finance Shares" triggered to start.', operation="StartNasJob")]})
    result = run(client, state="started")
    assert result["changed"] is True
    assert result["session"]["id"] == NEW_ID
    assert result["task"]["success"] is True and result["task"]["operation"] == "StartNasJob"
    assert result["msg"] == "Started job Finance Shares: session Finance Shares@2026-11-21 22:00:03 (Working, None)."
    assert result["diff"] == {"before": {"running": False}, "after": {"running": True}}
    assert client.posted() == [JOB_PATH + "/start"]


def test_the_new_session_is_looked_for_since_the_request_less_the_clock_margin():
    client = em([page(session()), page(session(NEW_ID, "Working", "None"))],
                posts={JOB_PATH + "/start": task("Finished", True, "ok")})
    run(client, state="started")
    # the second query carries CreationTime>= the request time, to the second, minus 5 minutes
    assert client.calls.count(("GET", "query")) == 2


def test_the_session_known_before_the_start_is_never_taken_for_the_new_one():
    fake = FakeClock()
    client = em([page(session()), page(session()), page(session(NEW_ID, "Working", "None"), session())],
                posts={JOB_PATH + "/start": task("Finished", True, "ok")})
    result = run(client, fake=fake, state="started")
    assert result["session"]["id"] == NEW_ID
    assert fake.sleeps == [1]  # one more read until the new session showed up


def test_a_running_session_means_started_and_nothing_is_sent():
    client = em([page(session(NEW_ID, "Working", "None"))])
    result = run(client, state="started")
    assert result["changed"] is False
    assert result["session"]["id"] == NEW_ID
    assert result["msg"].startswith("Job Finance Shares is already running session ")
    assert "task" not in result and client.posted() == []


def test_check_mode_says_what_it_would_start_and_sends_nothing():
    client = em([page(session())])
    result = run(client, check_mode=True, state="started")
    assert (result["changed"], result["msg"]) == (True, "Would start job Finance Shares.")
    assert result["diff"]["after"] == {"running": True}
    assert client.posted() == []


def test_a_task_gone_after_a_relogon_still_finds_the_new_session():
    client = em([page(session()), page(session(NEW_ID, "Working", "None"))],
                posts={JOB_PATH + "/start": task(operation="StartNasJob")}, gets={TASK_HREF: [refused(404)]})
    result = run(client, state="started")
    assert result["changed"] is True and result["session"]["id"] == NEW_ID
    assert result["task"]["state"] == "Running"  # as last read before it was gone
    assert result["msg"].endswith(" EM logged the module on again while the start ran, which ends the start's task"
                                  " on EM; its new session was followed instead.")


def test_a_start_refused_by_its_task_is_a_failure_with_ems_message_and_no_change():
    client = em([page(session())], posts={JOB_PATH + "/start": task("Finished", False, "Job is disabled.")})
    with pytest.raises(ActionError) as caught:
        run(client, state="started")
    assert caught.value.msg == "EM could not start job Finance Shares: Job is disabled."
    assert caught.value.details()["changed"] is False


def test_a_forbidden_start_keeps_the_status_and_is_no_change():
    client = em([page(session())], posts={JOB_PATH + "/start": refused(403)})
    with pytest.raises(ActionError) as caught:
        run(client, state="started")
    assert caught.value.status == 403 and caught.value.details()["changed"] is False
    assert caught.value.details()["job"]["id"] == JOB_ID


# -- state: retried -------------------------------------------------------------------------

@pytest.mark.parametrize("result", ["Success", "Warning"])
def test_retried_does_nothing_unless_the_newest_finished_session_failed(result):
    client = em([page(session(result=result))])
    outcome = run(client, state="retried")
    assert outcome["changed"] is False and client.posted() == []
    assert outcome["msg"].startswith("Nothing to retry: job Finance Shares ended its newest session")


def test_retried_retries_a_failed_job():
    client = em([page(session(result="Failed", failure="Access is denied")),
                 page(session(NEW_ID, "Working", "None"), session(result="Failed"))],
                posts={JOB_PATH + "/retry": task("Finished", True, "triggered to retry", operation="RetryNasJob")})
    outcome = run(client, state="retried")
    assert outcome["changed"] is True and outcome["session"]["id"] == NEW_ID
    assert client.posted() == [JOB_PATH + "/retry"]


def test_retried_with_no_session_ever_is_nothing_to_do():
    client = em([page()])
    outcome = run(client, state="retried")
    assert outcome["changed"] is False and outcome["session"] is None
    assert outcome["msg"] == "Nothing to retry: job Finance Shares has never run."


# -- wait --------------------------------------------------------------------------------------

def test_wait_follows_the_session_to_its_end():
    fake = FakeClock()
    client = em([page(session()), page(session(NEW_ID, "Working", "None"))],
                posts={JOB_PATH + "/start": task("Finished", True, "ok")},
                gets={"backupSessions/" + NEW_ID: [session(NEW_ID, "Working", "None"), session(NEW_ID)]})
    result = run(client, fake=fake, state="started", wait=True)
    assert result["session"]["state"] == "Stopped" and result["session"]["result"] == "Success"
    assert result["msg"].endswith("It ended Success at 2026-11-21T22:40:03Z.")


def test_a_session_ending_failed_fails_with_ems_message_and_says_changed():
    client = em([page(session()), page(session(NEW_ID, "Working", "None"))],
                posts={JOB_PATH + "/start": task("Finished", True, "ok")},
                gets={"backupSessions/" + NEW_ID: [session(NEW_ID, result="Failed", failure="Share is offline")]})
    with pytest.raises(ActionError) as caught:
        run(client, state="started", wait=True)
    details = caught.value.details()
    assert caught.value.msg.endswith("ended Failed: Share is offline")
    assert details["changed"] is True and details["session"]["result"] == "Failed"
    assert details["task"]["success"] is True and details["job"]["id"] == JOB_ID


def test_waiting_for_a_session_found_running_is_bounded_and_no_change():
    fake = FakeClock()
    running = session(NEW_ID, "Working", "None")
    client = em([page(running)], gets={"backupSessions/" + NEW_ID: [running]})
    with pytest.raises(ActionError) as caught:
        run(client, fake=fake, state="started", wait=True, wait_timeout=30, poll_interval=10)
    assert caught.value.details()["changed"] is False
    assert "was still Working after 30 seconds (wait_timeout)" in caught.value.msg
    assert fake.time == 1030.0
    assert all(timeout <= 30 for timeout in client.timeouts if timeout is not None)


def test_every_request_of_the_wait_gets_at_most_the_time_left():
    fake = FakeClock()
    client = em([page(session()), page(session(NEW_ID, "Working", "None"))],
                posts={JOB_PATH + "/start": task("Finished", True, "ok")},
                gets={"backupSessions/" + NEW_ID: [session(NEW_ID, "Working", "None")]})
    with pytest.raises(ActionError) as caught:
        run(client, fake=fake, state="started", wait=True, wait_timeout=20, poll_interval=8)
    assert caught.value.details()["changed"] is True
    assert fake.time == 1020.0
    # the session reads at 0, 8 and 16 s; the read due at 20 s is not sent
    assert client.timeouts[-3:] == [20.0, 12.0, 4.0]


# -- schedule_enabled ---------------------------------------------------------------------------

def test_a_schedule_as_wanted_is_left_alone():
    client = em([], schedule=(False,))
    result = run(client, schedule_enabled=False)
    assert result["changed"] is False and client.posted() == []
    assert result["job"] == dict(id=JOB_ID, name="Finance Shares", schedule_enabled=False)
    assert "session" not in result


def test_a_schedule_that_differs_is_toggled_once_and_read_back():
    client = em([], schedule=(True, False), posts={JOB_PATH + "/toggleScheduleEnabled": task(operation="UpdateJob")},
                gets={TASK_HREF: [task("Finished", True, "Ok", operation="UpdateJob")]})
    result = run(client, schedule_enabled=False)
    assert result["changed"] is True and result["job"]["schedule_enabled"] is False
    assert result["msg"] == "Disabled the schedule of job Finance Shares."
    assert result["diff"] == {"before": {"schedule_enabled": True}, "after": {"schedule_enabled": False}}
    assert client.posted() == [JOB_PATH + "/toggleScheduleEnabled"]


def test_check_mode_predicts_the_schedule_change():
    client = em([], schedule=(True,))
    result = run(client, check_mode=True, schedule_enabled=False)
    assert result["changed"] is True and result["job"]["schedule_enabled"] is False
    assert client.posted() == []


def test_a_failure_after_the_schedule_changed_still_says_changed():
    client = em([page(session())], schedule=(True, False),
                posts={JOB_PATH + "/toggleScheduleEnabled": task("Finished", True, "Ok"), JOB_PATH + "/start": refused(500)})
    with pytest.raises(ActionError) as caught:
        run(client, schedule_enabled=False, state="started")
    assert caught.value.details()["changed"] is True
    assert caught.value.details()["job"]["schedule_enabled"] is False


# -- the exact job ------------------------------------------------------------------------------

def test_a_job_name_is_matched_exactly():
    client = FakeClient(gets={"nas/jobs": [job_refs(("FINANCE", OTHER_ID), ("finance", JOB_ID))],
                              JOB_PATH: [job_entity(name="finance")]})
    result = run(client, job_id=None, job_name="finance", schedule_enabled=True)
    assert result["job"]["id"] == JOB_ID


def test_a_name_differing_only_in_case_is_refused_naming_what_em_has():
    client = FakeClient(gets={"nas/jobs": [job_refs(("FINANCE", OTHER_ID), ("Finance", JOB_ID))]})
    with pytest.raises(EmError) as caught:
        run(client, job_id=None, job_name="finance", state="started")
    assert caught.value.msg == ("EM has no file share backup job named exactly 'finance', only 'FINANCE' and "
                                "'Finance'; job names are compared exactly.")
    assert client.posted() == []


def test_an_unknown_job_name_is_a_clear_failure():
    client = FakeClient(gets={"nas/jobs": [job_refs(("Other", OTHER_ID))]})
    with pytest.raises(EmError, match="^EM knows no file share backup job 'finance'.$"):
        run(client, job_id=None, job_name="finance", state="started")


def test_an_unknown_job_id_is_a_clear_failure():
    client = FakeClient(gets={JOB_PATH: [refused(404)]})
    with pytest.raises(EmError, match="^EM knows no file share backup job with id %s.$" % JOB_ID):
        run(client, state="started")


# -- one wait_timeout over the whole run ---------------------------------------------------------

def _takes(fake, seconds, answer):
    """A request that takes ``seconds`` on the fake clock (never more than its timeout), then answers."""
    def _request(timeout):
        fake.time += min(seconds, timeout)
        return answer
    return _request


def test_wait_timeout_bounds_the_whole_run_not_each_action():
    # The schedule toggle uses 12 of the 20 s; the start then has only the 8 s left, not 20 more.
    fake = FakeClock()
    client = em([page(session())], schedule=(True, False),
                posts={JOB_PATH + "/toggleScheduleEnabled": task(operation="UpdateJob"),
                       JOB_PATH + "/start": task(task_id="task-2", operation="StartNasJob")},
                gets={TASK_HREF: [task("Running", operation="UpdateJob"), task("Running", operation="UpdateJob"),
                                  task("Finished", True, "Ok", operation="UpdateJob")],
                      "https://localhost:9398/api/tasks/task-2": [task("Running", task_id="task-2")]})
    with pytest.raises(ActionError) as caught:
        run(client, fake=fake, schedule_enabled=False, state="started", wait_timeout=20, poll_interval=6)
    details = caught.value.details()
    assert fake.time == 1020.0
    assert caught.value.msg == ("The start task task-2 of job Finance Shares was still Running after 20 seconds "
                                "(wait_timeout).")
    # accepted actions: changed, with the job as changed, the session known and the start's task as last read
    assert details["changed"] is True
    assert details["job"]["schedule_enabled"] is False
    assert details["session"]["id"] == OLD_ID and details["task"]["id"] == "task-2"
    assert client.posted() == [JOB_PATH + "/toggleScheduleEnabled", JOB_PATH + "/start"]


def test_the_reads_before_any_action_count_against_wait_timeout():
    # Reading the job and its sessions took 25 of the 30 s: the start and its task get the 5 s left.
    fake = FakeClock()
    client = em([_takes(fake, 25, page(session()))],
                posts={JOB_PATH + "/start": task(operation="StartNasJob")},
                gets={TASK_HREF: [task("Running")]})
    with pytest.raises(ActionError) as caught:
        run(client, fake=fake, state="started", wait_timeout=30, poll_interval=10)
    assert fake.time == 1030.0
    assert client.timeouts[:3] == [30.0, 30.0, 5.0]  # job read, query, then the POST with what is left
    assert caught.value.details()["changed"] is True and caught.value.details()["task"]["state"] == "Running"


def test_a_run_whose_time_is_spent_before_the_action_sends_nothing_and_is_no_change():
    fake = FakeClock()
    client = em([_takes(fake, 40, page(session()))], posts={JOB_PATH + "/start": task()})
    with pytest.raises(ActionError) as caught:
        run(client, fake=fake, state="started", wait_timeout=30)
    assert client.posted() == []
    assert caught.value.details()["changed"] is False
    assert caught.value.msg == "wait_timeout (30 seconds) passed before nas/jobs/%s/start could be sent." % JOB_ID


def test_a_hung_session_read_after_the_start_ends_at_wait_timeout_with_what_is_known():
    fake = FakeClock()
    client = em([page(session()), page(session(NEW_ID, "Working", "None"))],
                posts={JOB_PATH + "/start": task("Finished", True, "ok", operation="StartNasJob")},
                gets={"backupSessions/" + NEW_ID: [hangs(fake)]})
    with pytest.raises(ActionError) as caught:
        run(client, fake=fake, state="started", wait=True, wait_timeout=25, poll_interval=5)
    details = caught.value.details()
    assert fake.time == 1025.0  # the read hung: it was given only the time left, not the option timeout (30)
    assert details["changed"] is True
    assert details["session"]["id"] == NEW_ID and details["session"]["state"] == "Working"
    assert details["task"]["success"] is True
    assert "was still Working after 25 seconds (wait_timeout)" in caught.value.msg
