# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules a real EM enforces and the simulator must not be looser about: roles (reference
section 1.5), HTTP.sys's request size (1.6), task scope (2.6), filter values, job names."""

import json
from urllib.parse import quote

import pytest

from emsim_support import ADMIN, READER, RESTORE  # pylint: disable=import-error
from em_simulator.app import MAX_REQUEST_BYTES  # pylint: disable=import-error

JOB_A = "11111111-1111-4111-8111-111111111111"
RUNNING = "aaaaaaaa-0000-4000-8000-000000000002"
FINISHED = "aaaaaaaa-0000-4000-8000-000000000001"
TASK_SESSION_QUERY = "/api/query?type=BackupTaskSession"

#: What a Portal User may read (and so may every read path of the collection).
PORTAL_USER_READS = (
    "/api/nas", "/api/nas/backupSessions", "/api/nas/backupSessions?format=Entity",
    "/api/nas/jobs/%s/backupSessions" % JOB_A,
    "/api/backupSessions", "/api/backupSessions/%s" % FINISHED, "/api/backupSessions/%s?format=Entity" % FINISHED,
    "/api/backupSessions/%s/taskSessions" % FINISHED, "/api/tasks",
    "/api/query?type=BackupJobSession", "/api/query?type=backupjobsession&format=Entities", TASK_SESSION_QUERY,
    "/api/logonSessions",
)
#: What only a Portal Administrator may read.
ADMIN_READS = (
    "/api/nas/jobs", "/api/nas/jobs?format=Entity", "/api/nas/jobs/%s" % JOB_A,
    "/api/nas/jobs/%s?format=Entity" % JOB_A, "/api/query?type=NasJob", "/api/query?type=nasjob&format=Entities",
    "/api/query?type=NasObject", "/api/query?type=Job",
)
ACTIONS = (
    "/api/nas/jobs/%s/start" % JOB_A, "/api/nas/jobs/%s/stop" % JOB_A, "/api/nas/jobs/%s/retry" % JOB_A,
    "/api/backupSessions/%s?action=stop" % RUNNING,
)


def as_user(app_factory, user):
    client = app_factory()
    client.logon(user)
    return client


class TestRoles:
    def test_portal_user_reads_sessions_but_not_jobs(self, app_factory):
        client = as_user(app_factory, READER)
        for target in PORTAL_USER_READS:
            assert client.call("GET", target).status == 200, target
        task_session = client.json("GET", TASK_SESSION_QUERY)["Refs"]["Refs"][0]["Href"]
        assert client.call("GET", task_session[task_session.index("/api/"):]).status == 200
        for target in ADMIN_READS:
            error = client.json("GET", target, status=403)
            assert error == {"FirstChanceExceptionMessage": None, "Message": "Access denied.", "StackTrace": None,
                             "Status": None, "StatusCode": 403}, target
        for target in ACTIONS:
            assert client.json("POST", target, status=403)["Message"] == "Access denied.", target
        assert client.json("GET", "/_sim/counters")["posts"] == len(ACTIONS)

    def test_restore_operator_reads_no_sessions(self, app_factory):
        client = as_user(app_factory, RESTORE)
        for target in PORTAL_USER_READS + ADMIN_READS:
            expected = 200 if target in ("/api/tasks", "/api/logonSessions") else 403
            assert client.call("GET", target).status == expected, target
        assert client.call("GET", "/api/query?type=Task").status == 403
        for target in ACTIONS:
            assert client.call("POST", target).status == 403, target
        session_id = client.app.logons.live()[0].id
        assert client.call("DELETE", "/api/logonSessions/%s" % session_id).status == 204

    def test_portal_administrator_reads_everything(self, direct):
        for target in PORTAL_USER_READS + ADMIN_READS[:6]:
            assert direct.call("GET", target).status == 200, target

    @pytest.mark.parametrize("user", [READER, RESTORE])
    def test_401_comes_before_403(self, app_factory, user):
        client = as_user(app_factory, user)
        for target in ("/api/nas/jobs", "/api/backupSessions"):
            assert client.call("GET", target, token="stale").status == 401
        assert client.app.handle("POST", "/api/nas/jobs/%s/start" % JOB_A, {"Accept": "application/json"},
                                 b"").status == 401

    def test_xml_403_body(self, app_factory):
        client = as_user(app_factory, READER)
        response = client.call("GET", "/api/nas/jobs", accept="application/xml")
        assert response.status == 403 and b'Message="Access denied."' in response.body
        assert b'StatusCode="403"' in response.body


class TestRequestSize:
    def long_target(self, length):
        base = "/api/query?type=BackupJobSession&filter=JobName==%22"
        return base + "J" * (length - len(base) - 3) + "%22"

    def test_over_16k_is_414_before_auth_and_routing(self, app_factory):
        client = app_factory()           # not even logged on: HTTP.sys answers first
        response = client.call("GET", self.long_target(MAX_REQUEST_BYTES))
        assert response.status == 414 and response.close
        assert response.content_type.startswith("text/html")
        assert b"Request URL Too Long" in response.body and b"HTTP Error 414" in response.body
        # an unknown path, a POST and the control path are refused the same way
        assert client.call("POST", "/nowhere/" + "x" * 17000).status == 414
        assert client.call("GET", "/_sim/counters?pad=" + "x" * 17000).status == 414
        counters = client.json("GET", "/_sim/counters")
        assert counters["refused_414"] == 3
        assert counters["requests"] == {} and counters["failed_logons"] == 0
        assert counters["max_request_line"] > MAX_REQUEST_BYTES

    def test_headers_count_towards_the_limit(self, direct):
        target = self.long_target(12000)
        assert direct.call("GET", target).status == 200
        assert direct.call("GET", target, headers={"X-Pad": "p" * 5000}).status == 414

    def test_max_request_line(self, direct):
        direct.call("GET", "/api/nas")
        target = self.long_target(8000)
        direct.call("GET", target)
        direct.call("GET", "/_sim/info?pad=" + "x" * 9000)           # control path: not counted
        counters = direct.json("GET", "/_sim/counters")
        assert counters["max_request_line"] == len("GET %s HTTP/1.1" % target)
        assert counters["refused_414"] == 0
        direct.json("POST", "/_sim/reset")
        assert direct.json("GET", "/_sim/counters")["max_request_line"] == 0


class TestResultFilter:
    @pytest.mark.parametrize("value", ["None", "none", '"None"', "Running", "Stopped"])
    def test_undocumented_result_values_are_400(self, direct, value):
        error = direct.json("GET", "/api/query?type=BackupJobSession&filter=" + quote("Result==" + value), status=400)
        assert error["StatusCode"] == 400
        assert "Result" in error["Message"] and "Success, Warning, Failed" in error["Message"]

    def test_documented_values_and_running_by_state(self, direct):
        for value in ("Success", "warning", "FAILED"):
            direct.json("GET", "/api/query?type=BackupJobSession&filter=Result==" + value)
        running = direct.json("GET", "/api/query?type=BackupJobSession&format=Entities&filter=State!=Stopped")
        sessions = running["Entities"]["BackupJobSessions"]["BackupJobSessions"]
        assert sessions and all(s["Result"] == "None" for s in sessions)    # inferred, kept
        assert direct.json("GET", "/api/query?type=BackupTaskSession&filter=Result==None", status=400)


class TestTaskScope:
    def test_task_is_gone_after_the_same_user_logs_on_again(self, direct):
        task = direct.json("POST", "/api/nas/jobs/%s/stop" % JOB_A, status=202)["TaskId"]
        first = direct.token
        assert direct.call("GET", "/api/tasks/%s" % task).status == 200
        second = direct.logon(ADMIN)                  # same user, new logon session
        error = direct.json("GET", "/api/tasks/%s" % task, status=404)
        assert task in error["Message"]
        assert direct.json("GET", "/api/tasks") == {"Refs": []}
        assert direct.call("DELETE", "/api/tasks/%s" % task).status == 404
        session_id = [s.id for s in direct.app.logons.live() if s.token == first][0]
        assert direct.call("DELETE", "/api/logonSessions/%s" % session_id, token=first).status == 204
        assert direct.call("GET", "/api/tasks/%s" % task, token=second).status == 404
        third = direct.logon(ADMIN)
        assert direct.call("GET", "/api/tasks/%s" % task, token=third).status == 404


class TestCaseOnlyJobNames:
    SCENARIO = {"jobs": [
        {"name": "finance", "sessions": [{"created": "-3h", "result": "Success"}]},
        {"name": "FINANCE", "sessions": [{"created": "-1h", "result": "Failed"},
                                         {"created": "-10m", "running": True}]},
        {"name": "Finance Archive", "sessions": [{"created": "-2h"}]},
    ]}

    def test_two_jobs_and_case_insensitive_filter(self, app_factory):
        client = app_factory(self.SCENARIO)
        client.logon()
        names = sorted(j["Name"] for j in client.json("GET", "/api/nas/jobs")["Refs"])
        assert names == ["FINANCE", "Finance Archive", "finance"]
        for value in ('"finance"', "finance", '"FINANCE"', "Finance"):
            found = client.json("GET", "/api/query?type=BackupJobSession&format=Entities&filter="
                                + quote("JobName==" + value))["Entities"]["BackupJobSessions"]["BackupJobSessions"]
            assert sorted(s["JobName"] for s in found) == ["FINANCE", "FINANCE", "finance"], value
        jobs = {j["Name"]: j["UID"] for j in client.json("GET", "/api/nas/jobs")["Refs"]}
        assert jobs["finance"] != jobs["FINANCE"]

    def test_exact_duplicates_are_still_refused(self, app_factory):
        with pytest.raises(Exception, match="used twice"):
            app_factory({"jobs": [{"name": "finance"}, {"name": "finance"}]})


def test_counters_document_their_keys(direct):
    counters = direct.json("GET", "/_sim/counters")
    assert {"refused_414", "max_request_line"} <= set(counters)
    assert json.dumps(counters)
