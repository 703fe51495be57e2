# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module's decisions end to end over a mocked HTTP layer: what it sends and what it returns.

The polling and timeout logic is tested with a fake clock in module_utils/test_stop.py;
the real behaviour against the EM simulator in the integration target.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest


from ansible_collections.backupgate.veeam_em.plugins.modules import veeam_nas_session_stop

BASE = "https://em.example.com:9398/api/"
TOKEN = "NDRjZmJkYmUtNWE5NS00MTU2LTg4NjctOTFmMDY5YjdjMmNj"
PASSWORD = "s3cr3t-pass"
SESSION_ID = "821cc74e-9447-40b6-a2df-90aa47101233"
JOB_ID = "70073b98-098b-4046-a097-43cbda67d58a"
LOGOFF = BASE + "logonSessions/44cfbdbe-5a95-4156-8867-91f069b7c2cc"


def entity(state):
    return {"UID": "urn:veeam:BackupJobSession:" + SESSION_ID, "Name": "Archived Projects@2026-11-21 22:00:03",
            "JobUid": "urn:veeam:Job:" + JOB_ID, "JobName": "Archived Projects", "JobType": "NasBackup",
            "State": state, "Result": "None", "Progress": 42, "IsRetry": False,
            "CreationTimeUTC": "2026-11-21T22:00:03Z", "Links": [], "Href": BASE + "backupSessions/" + SESSION_ID}


def query_page(entities):
    return {"Refs": None, "Entities": {"BackupJobSessions": {"BackupJobSessions": entities}},
            "PagingInfo": {"PageNum": 1, "PageSize": 500, "PagesCount": 1}}


@pytest.fixture
def em(requests_mock):
    requests_mock.post(BASE + "sessionMngr/?v=latest", status_code=201, headers={"X-RestSvcSessionId": TOKEN},
                       json={"Links": [{"Rel": "Delete", "Href": LOGOFF}]})
    requests_mock.delete(LOGOFF, status_code=204)
    return requests_mock


@pytest.fixture
def stop(run_module):
    """Run the module with these options (through conftest's run_module); nothing secret may reach its result."""
    def _stop(check_mode=False, diff=False, **options):
        args = dict(url="https://em.example.com:9398", username="svc", password=PASSWORD)
        args.update(options)
        result = run_module(veeam_nas_session_stop.main, args, check_mode=check_mode, diff=diff)[0]
        text = json.dumps(result)
        assert TOKEN not in text and PASSWORD not in text
        return result
    return _stop


def methods(requests_mock):
    return [(r.method, r.path) for r in requests_mock.request_history]


@pytest.mark.parametrize("options, option", [
    (dict(session_id=SESSION_ID, wait_timeout=0), "wait_timeout"),
    (dict(session_id=SESSION_ID, poll_interval=-1), "poll_interval"),
    (dict(session_id="not-a-guid"), "session_id"),
    (dict(job_id="urn:veeam:Job:nope"), "job_id"),
    (dict(job_name=""), "job_name"),
])
def test_bad_options_fail_naming_option_and_value_before_any_request(stop, requests_mock, options, option):
    result = stop(**options)
    assert result["failed"] is True
    assert result["msg"].startswith("Option %s got " % option)
    assert requests_mock.request_history == []


@pytest.mark.parametrize("options", [dict(), dict(session_id=SESSION_ID, job_name="Archived Projects")])
def test_exactly_one_target_option_is_required(stop, requests_mock, options):
    result = stop(**options)
    assert result["failed"] is True
    assert "session_id" in result["msg"] and "job_name" in result["msg"]
    assert requests_mock.request_history == []


def test_check_mode_reads_reports_and_sends_no_stop(stop, em):
    em.get(BASE + "backupSessions/" + SESSION_ID, json=entity("Working"))
    result = stop(check_mode=True, diff=True, session_id=SESSION_ID)
    assert result["changed"] is True
    assert result["msg"] == ("Would stop session Archived Projects@2026-11-21 22:00:03 of job Archived Projects "
                             "(Working, 42%).")
    assert result["diff"] == {"before": {"state": "Working"}, "after": {"state": "Stopped"}}
    assert "task" not in result
    assert methods(em) == [("POST", "/api/sessionmngr/"), ("GET", "/api/backupsessions/" + SESSION_ID),
                           ("DELETE", "/api/logonsessions/44cfbdbe-5a95-4156-8867-91f069b7c2cc")]


def test_a_session_that_ended_before_the_stop_arrived_is_no_change(stop, em):
    em.get(BASE + "backupSessions/" + SESSION_ID, [{"json": entity("Working")}, {"json": entity("Stopped")}])
    em.post(BASE + "nas/jobs/%s/stop" % JOB_ID, status_code=202,
            json={"TaskId": "task-1", "State": "Finished", "Operation": "StopNasJob",
                  "Result": {"Success": False, "Message": 'Job "Archived Projects" is not running.'}})
    result = stop(session_id=SESSION_ID)
    assert result["changed"] is False
    assert result["msg"].startswith("Nothing was stopped: session Archived Projects@2026-11-21 22:00:03")
    assert result["task"]["success"] is False and result["session"]["state"] == "Stopped"


def test_an_already_stopped_session_is_no_change_and_no_post(stop, em):
    em.get(BASE + "backupSessions/" + SESSION_ID, json=entity("Stopped"))
    result = stop(diff=True, session_id="urn:veeam:BackupJobSession:" + SESSION_ID)
    assert result["changed"] is False
    assert result["session"]["state"] == "Stopped"
    assert result["diff"] == {"before": {"state": "Stopped"}, "after": {"state": "Stopped"}}
    assert [m for m in methods(em) if m[0] == "POST"] == [("POST", "/api/sessionmngr/")]


def test_a_job_running_nothing_reports_its_newest_session(stop, em):
    em.get(BASE + "query", [{"json": query_page([])}, {"json": query_page([entity("Stopped")])}])
    em.get(BASE + "nas/jobs", json={"Refs": [{"UID": "urn:veeam:NasJob:" + JOB_ID, "Name": "Archived Projects"}]})
    result = stop(job_name="Archived Projects")
    assert result["changed"] is False
    assert result["session"]["id"] == SESSION_ID
    assert result["msg"].startswith("Nothing to stop")


def test_an_unknown_job_fails_naming_it(stop, em):
    em.get(BASE + "query", json=query_page([]))
    em.get(BASE + "nas/jobs", json={"Refs": []})
    result = stop(job_name="Archived Projcets")
    assert result["failed"] is True
    assert result["msg"] == "EM knows no file share backup job 'Archived Projcets'."
    assert methods(em)[-1][0] == "DELETE"


def test_a_stop_refused_for_the_role_names_it_and_logs_off(stop, em):
    em.get(BASE + "backupSessions/" + SESSION_ID, json=entity("Working"))
    em.post(BASE + "nas/jobs/%s/stop" % JOB_ID, status_code=403, json={"Message": "Access denied", "StatusCode": 403})
    result = stop(session_id=SESSION_ID)
    assert result["failed"] is True
    assert result["status"] == 403
    assert "Portal Administrator" in result["msg"]
    assert methods(em)[-1][0] == "DELETE"
    posts = [m for m in methods(em) if m[0] == "POST"]
    assert posts == [("POST", "/api/sessionmngr/"), ("POST", "/api/nas/jobs/%s/stop" % JOB_ID)]
