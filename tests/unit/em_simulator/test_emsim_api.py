# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The EM surface of the simulator, driven in-process (no sockets; see test_emsim_server.py)."""

import base64
import json
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from emsim_support import READER, RESTORE  # pylint: disable=import-error
from em_simulator.entities.serialise import BOM  # pylint: disable=import-error

NS = "{http://www.veeam.com/ent/v1.0}"
RUNNING = "aaaaaaaa-0000-4000-8000-000000000002"
FINISHED = "aaaaaaaa-0000-4000-8000-000000000001"
JOB_A = "11111111-1111-4111-8111-111111111111"


def wait_for(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met within %.1f s" % timeout)


def wait_until(client, target, key, value):
    """GET ``target`` until its ``key`` is ``value``; return that answer."""
    return wait_for(lambda: (answer := client.json("GET", target)) and answer[key] == value and answer)


class TestLogon:
    def test_root_needs_no_auth_and_lists_versions(self, app_factory):
        for em, versions in (("v10", ["v1_5"]), ("v11", ["v1_5", "v1_6"]), ("v12", ["v1_5", "v1_6", "v1_7"]),
                             ("v13", ["v1_5", "v1_6", "v1_7"])):
            client = app_factory(em_version=em)
            doc = client.json("GET", "/api/")
            key = "supportedVersions" if em == "v13" else "SupportedVersions"
            names = [v["name" if em == "v13" else "Name"] for v in doc[key]]
            assert names == versions

    def test_logon_answer(self, app_factory):
        client = app_factory()
        auth = "Basic " + base64.b64encode(b"admin:admin-pass").decode()
        response = client.app.handle("POST", "/api/sessionMngr/?v=v1_7", {"Authorization": auth,
                                                                          "Accept": "application/json"}, b"")
        assert response.status == 201
        headers = dict(response.headers)
        token = headers["X-RestSvcSessionId"]
        base64.b64decode(token, validate=True)
        assert headers["Set-Cookie"] == "X-RestSvcSessionId=%s; Path=/api" % token
        body = json.loads(response.body)
        assert body["UserName"] == "admin"
        delete = [link for link in body["Links"] if link["Rel"] == "Delete"]
        assert delete[0]["Href"].endswith("/api/logonSessions/%s" % body["SessionId"])
        assert token != base64.b64encode(body["SessionId"].encode()).decode()

    @pytest.mark.parametrize("auth", [None, "Basic " + base64.b64encode(b"admin:wrong").decode(), "Bearer x"])
    def test_bad_credentials(self, app_factory, auth):
        client = app_factory()
        headers = {"Accept": "application/json"}
        if auth:
            headers["Authorization"] = auth
        response = client.app.handle("POST", "/api/sessionMngr/?v=latest", headers, b"")
        assert response.status == 401
        assert dict(response.headers)["WWW-Authenticate"] == "Basic Realm=RestSvc"
        error = json.loads(response.body)
        assert set(error) == {"FirstChanceExceptionMessage", "Message", "StackTrace", "Status", "StatusCode"}
        assert error["StatusCode"] == 401 and error["Message"]
        assert client.json("GET", "/_sim/counters")["failed_logons"] == 1

    def test_unsupported_version(self, app_factory):
        client = app_factory(em_version="v10")
        auth = "Basic " + base64.b64encode(b"admin:admin-pass").decode()
        response = client.app.handle("POST", "/api/sessionMngr/?v=v1_7", {"Authorization": auth,
                                                                          "Accept": "application/json"}, b"")
        assert response.status == 400 and "v1_7" in json.loads(response.body)["Message"]
        client.logon(version="v1_5")

    def test_token_required_and_logoff(self, direct):
        assert direct.call("GET", "/api/nas", token="bogus").status == 401
        response = direct.app.handle("GET", "/api/nas/jobs", {"Accept": "application/json"}, b"")
        assert response.status == 401
        session_id = direct.app.logons.live()[0].id
        assert direct.call("DELETE", "/api/logonSessions/%s" % session_id).status == 204
        assert direct.call("GET", "/api/nas").status == 401
        other = direct.logon()
        assert direct.call("DELETE", "/api/logonSessions/%s" % session_id, token=other).status == 404
        counters = direct.json("GET", "/_sim/counters")
        assert counters["logons"] == 2 and counters["logoffs"] == 1 and counters["open_logon_sessions"] == 1

    def test_cookie_wins_over_header(self, direct):
        good = direct.token
        assert direct.call("GET", "/api/nas", headers={"Cookie": "X-RestSvcSessionId=stale"}).status == 401
        assert direct.call("GET", "/api/nas", token="bad", headers={"Cookie": "other=1; X-RestSvcSessionId=%s" % good}
                           ).status == 200

    def test_idle_expiry(self, app_factory, clock):
        client = app_factory(idle_timeout=60, clock=clock)
        client.logon()
        assert client.call("GET", "/api/nas").status == 200
        clock.advance(50)
        assert client.call("GET", "/api/nas").status == 200      # use keeps it alive
        clock.advance(50)
        assert client.call("GET", "/api/nas").status == 200
        clock.advance(61)
        assert client.call("GET", "/api/nas").status == 401
        assert client.json("GET", "/_sim/counters")["open_logon_sessions"] == 0


class TestContent:
    def test_xml_without_accept_or_with_wildcard(self, direct):
        for accept in (None, "*/*", "application/xml"):
            response = direct.call("GET", "/api/backupSessions/%s?format=Entity" % FINISHED, accept=accept)
            assert response.content_type.startswith("application/xml")
            root = ET.fromstring(response.body)
            assert root.tag == NS + "BackupJobSession"
            assert root.get("UID") == "urn:veeam:BackupJobSession:" + FINISHED
            assert root.find(NS + "JobName").text == "Share A"
            assert root.find(NS + "FailureMessage") is None            # null -> left out in XML
            rels = [link.get("Rel") for link in root.find(NS + "Links")]
            assert rels == ["Up", "Up", "Alternate", "Down", "Stop"]

    def test_xml_error_body(self, direct):
        response = direct.call("GET", "/api/backupSessions/00000000-0000-4000-8000-000000000000", accept=None)
        assert response.status == 404
        root = ET.fromstring(response.body)
        assert root.tag == NS + "Error" and root.get("StatusCode") == "404" and root.get("Message")

    def test_pascal_entity(self, direct):
        entity = direct.json("GET", "/api/backupSessions/%s?format=Entity" % FINISHED)
        assert entity["UID"] == "urn:veeam:BackupJobSession:" + FINISHED
        assert entity["JobUid"] == "urn:veeam:Job:" + JOB_A
        assert entity["Name"].startswith("Share A@") and len(entity["Name"]) == len("Share A@2025-08-15 06:00:00")
        assert entity["JobType"] == "NasBackup" and entity["State"] == "Stopped" and entity["Result"] == "Success"
        assert entity["FailureMessage"] is None and entity["Progress"] == 100 and entity["IsRetry"] is False
        assert entity["CreationTimeUTC"].endswith("Z") and entity["EndTimeUTC"].endswith("Z")
        links = {(link["Rel"], link["Type"]): link for link in entity["Links"]}
        assert links[("Up", "BackupServerReference")]["Name"] == "vbr01.sim.local"
        assert links[("Stop", None)]["Href"].endswith("/api/backupSessions/%s?action=stop" % FINISHED)
        assert entity["Href"].startswith("https://127.0.0.1:9398/api/backupSessions/")

    def test_running_entity(self, direct):
        entity = direct.json("GET", "/api/backupSessions/%s?format=Entity" % RUNNING)
        assert entity["State"] == "Working" and entity["Result"] == "None" and "EndTimeUTC" not in entity
        assert 40 <= entity["Progress"] < 100

    def test_camel_v13(self, app_factory):
        client = app_factory(em_version="v13")
        client.logon()
        entity = client.json("GET", "/api/backupSessions/%s?format=Entity" % FINISHED)
        assert {"uid", "jobUid", "creationTimeUTC", "endTimeUTC", "isRetry", "failureMessage", "links"} <= set(entity)
        assert entity["links"][0]["rel"] == "Up"
        result = client.json("GET", "/api/query?type=BackupJobSession&format=Entities")
        assert result["pagingInfo"]["pageSize"] == 100
        assert "backupJobSessions" in result["entities"]["backupJobSessions"] and result["entities"]["nasJobs"] is None
        refs = client.json("GET", "/api/query?type=BackupJobSession")
        assert refs["refs"]["refs"][0]["uid"].startswith("urn:veeam:BackupJobSession:")
        error = client.json("GET", "/api/backupSessions/nope", status=404)
        assert set(error) == {"firstChanceExceptionMessage", "message", "stackTrace", "status", "statusCode"}

    def test_casing_override_and_bom(self, app_factory):
        client = app_factory(em_version="v12", casing="camel", bom=True)
        client.logon()
        response = client.call("GET", "/api/nas/jobs")
        assert response.body.startswith(BOM)
        assert "refs" in json.loads(response.body.decode("utf-8-sig"))
        assert not client.call("GET", "/api/nas/jobs", accept=None).body.startswith(BOM)   # XML has none

    def test_failure_message_absent_on_v11(self, app_factory):
        for em, present in (("v10", True), ("v11", False), ("v12", True)):
            client = app_factory(em_version=em)
            client.logon()
            entity = client.json("GET", "/api/backupSessions/bbbbbbbb-0000-4000-8000-000000000001?format=Entity")
            assert ("FailureMessage" in entity) is present
            finished = client.json("GET", "/api/backupSessions/%s?format=Entity" % FINISHED)
            assert ("FailureMessage" in finished) is present


class TestRoutes:
    def test_unknown_route_and_wrong_method(self, direct):
        assert direct.json("GET", "/api/nope", status=404)["StatusCode"] == 404
        response = direct.call("DELETE", "/api/query?type=BackupJobSession")
        assert response.status == 405 and "GET" in dict(response.headers)["Allow"]
        assert direct.call("GET", "/elsewhere").status == 404

    def test_nas_hub_and_jobs(self, direct):
        hub = direct.json("GET", "/api/nas")
        assert {link["Href"].split("/api")[1] for link in hub["Links"] if link["Rel"] == "Down"} >= {
            "/nas/jobs", "/nas/backupSessions"}
        refs = direct.json("GET", "/api/nas/jobs")["Refs"]
        assert sorted(r["Name"] for r in refs) == ["Quick", "Share A", "Share B"]      # no VM Job
        ref = next(r for r in refs if r["Name"] == "Share A")
        assert ref["UID"] == "urn:veeam:NasJob:" + JOB_A
        assert ref["Href"].endswith("/api/agents/jobs/" + JOB_A)               # EM's own bug, kept
        alternate = next(link for link in ref["Links"] if link["Rel"] == "Alternate")
        assert alternate["Href"].endswith("/api/nas/jobs/%s?format=Entity" % JOB_A)
        assert {link["Rel"] for link in ref["Links"]} >= {"Start", "Stop", "Retry"}
        stop = next(link for link in ref["Links"] if link["Rel"] == "Stop")
        assert stop["Href"].endswith("/api/nas/jobs/%s/stop" % JOB_A)
        entity = direct.json("GET", "/api/nas/jobs/%s?format=Entity" % JOB_A)
        assert entity["Type"] == "NASJob" and entity["Name"] == "Share A"
        entities = direct.json("GET", "/api/nas/jobs?format=Entity")["NASJobs"]
        assert len(entities) == 3
        assert direct.call("GET", "/api/nas/jobs/00000000-0000-4000-8000-000000000000").status == 404

    def test_session_lists_are_nas_only_and_windowed(self, app_factory):
        client = app_factory({"jobs": [
            {"name": "N", "sessions": [{"created": "-1d"}, {"created": "-29d"}, {"created": "-31d"}]},
            {"name": "V", "type": "Backup", "sessions": [{"created": "-1d"}]}]})
        client.logon()
        assert len(client.json("GET", "/api/nas/backupSessions")["Refs"]) == 2
        job_id = client.json("GET", "/api/nas/jobs")["Refs"][0]["UID"].split(":")[-1]
        refs = client.json("GET", "/api/nas/jobs/%s/backupSessions" % job_id)["Refs"]
        assert len(refs) == 2 and all(r["Type"] == "BackupJobSessionReference" for r in refs)
        assert len(client.json("GET", "/api/nas/backupSessions?format=Entity")["BackupJobSessions"]) == 2
        assert len(client.json("GET", "/api/backupSessions")["Refs"]) == 3
        assert client.json("GET", "/api/query?type=BackupJobSession&filter=JobType==NasBackup")["PagingInfo"][
            "PagesCount"] == 1

    def test_session_ref_and_task_sessions(self, direct):
        ref = direct.json("GET", "/api/backupSessions/%s" % FINISHED)
        assert ref["Type"] == "BackupJobSessionReference"
        tasks = direct.json("GET", "/api/backupSessions/%s/taskSessions" % FINISHED)["Refs"]
        assert len(tasks) == 1 and tasks[0]["Name"] == "\\\\fs01\\a"
        entity = direct.json("GET", "/api/backupSessions/%s/taskSessions?format=Entity" % FINISHED)
        task = entity["BackupTaskSessions"][0]
        assert task["State"] == "Completed" and task["Result"] == "Success" and task["TotalSize"] == 10
        assert task["JobSessionUid"] == "urn:veeam:BackupJobSession:" + FINISHED
        assert direct.json("GET", "/api/backupSessions/bbbbbbbb-0000-4000-8000-000000000001/taskSessions") == {
            "Refs": []}

    def test_empty_task_sessions_camel(self, app_factory):
        client = app_factory(em_version="v13")
        client.logon()
        assert client.json("GET", "/api/backupSessions/bbbbbbbb-0000-4000-8000-000000000001/taskSessions") == {
            "refs": []}


class TestStop:
    def test_reader_and_restore_operator_get_403(self, app_factory):
        for user in (READER, RESTORE):
            client = app_factory()
            client.logon(user)
            for target in ("/api/nas/jobs/%s/stop" % JOB_A, "/api/backupSessions/%s?action=stop" % RUNNING,
                           "/api/nas/jobs/%s/start" % JOB_A):
                error = client.json("POST", target, status=403)
                assert error["Message"] == "Access denied."
            client.logon()      # the administrator sees that nothing was stopped
            assert client.json("GET", "/api/backupSessions/%s?format=Entity" % RUNNING)["State"] == "Working"

    def test_stop_through_nas_job(self, timed, clock):
        direct = timed
        task = direct.json("POST", "/api/nas/jobs/%s/stop" % JOB_A, status=202, headers={"Content-Length": "0"})
        assert task["TaskId"] == "task-1" and task["State"] == "Running" and task["Operation"] == "StopNasJob"
        assert task["Href"].endswith("/api/tasks/task-1") and task["Links"][0]["Rel"] == "Delete"
        assert "Result" in task and task["Result"] is None
        entity = direct.json("GET", "/api/backupSessions/%s?format=Entity" % RUNNING)
        assert entity["State"] == "Stopping" and entity["Result"] == "None" and "EndTimeUTC" not in entity
        clock.advance(0.06)                              # task_seconds 0.05 < 0.06 < stopping_seconds 0.1
        done = direct.json("GET", "/api/tasks/task-1")
        assert done["State"] == "Finished"
        assert done["Result"] == {"Success": True, "Message": 'Job "Share A" triggered to stop.'}
        assert direct.json("GET", "/api/backupSessions/%s?format=Entity" % RUNNING)["State"] == "Stopping"
        clock.advance(0.05)
        stopped = direct.json("GET", "/api/backupSessions/%s?format=Entity" % RUNNING)
        assert stopped["State"] == "Stopped"
        assert stopped["Result"] == "Failed" and stopped["FailureMessage"] == "Job session was stopped by user."
        assert "EndTimeUTC" in stopped
        assert any(link["Rel"] == "Stop" for link in stopped["Links"])                 # still there
        # nothing running any more: a task that fails, with a message
        again = direct.json("POST", "/api/nas/jobs/%s/stop" % JOB_A, status=202)
        clock.advance(1)
        finished = direct.json("GET", "/api/tasks/%s" % again["TaskId"])
        assert finished["Result"]["Success"] is False and "not running" in finished["Result"]["Message"]
        assert direct.json("GET", "/_sim/counters")["posts"] == 2

    def test_stop_through_session_link(self, direct):
        task = direct.json("POST", "/api/backupSessions/%s?action=stop" % RUNNING, status=202)
        assert task["Operation"] == "StopJobSession"
        wait_for(lambda: direct.json("GET", "/api/backupSessions/%s?format=Entity" % RUNNING)["State"] == "Stopped")
        finished = direct.json("GET", "/api/tasks/%s" % task["TaskId"])
        assert finished["Result"]["Success"] is True and "triggered to stop" in finished["Result"]["Message"]
        again = direct.json("POST", "/api/backupSessions/%s?action=stop" % FINISHED, status=202)
        result = wait_for(lambda: direct.json("GET", "/api/tasks/%s" % again["TaskId"]).get("Result"))
        assert result["Success"] is False

    def test_session_action_errors(self, direct):
        assert direct.json("POST", "/api/backupSessions/%s" % RUNNING, status=400)["StatusCode"] == 400
        assert direct.json("POST", "/api/backupSessions/%s?action=start" % RUNNING, status=400)
        assert direct.call("POST", "/api/backupSessions/00000000-0000-4000-8000-000000000000?action=stop").status == 404

    def test_tasks_belong_to_their_logon_session(self, direct):
        task = direct.json("POST", "/api/nas/jobs/%s/stop" % JOB_A, status=202)
        mine = direct.token
        other = direct.logon()
        assert direct.call("GET", "/api/tasks/%s" % task["TaskId"], token=other).status == 404
        assert direct.call("GET", "/api/tasks/%s" % task["TaskId"], token=mine).status == 200
        assert direct.json("GET", "/api/tasks", token=other) == {"Refs": []}
        assert len(direct.json("GET", "/api/tasks", token=mine)["Refs"]) == 1
        assert direct.call("DELETE", "/api/tasks/%s" % task["TaskId"], token=mine).status == 204
        assert direct.call("GET", "/api/tasks/%s" % task["TaskId"], token=mine).status == 404

    def test_finishes_by_itself(self, timed, clock):
        target = "/api/backupSessions/cccccccc-0000-4000-8000-000000000001?format=Entity"
        running = timed.json("GET", target)
        assert running["State"] == "Working" and running["Progress"] == 10
        clock.advance(15)
        assert 50 <= timed.json("GET", target)["Progress"] <= 60           # 10 -> 100 over 30 s
        clock.advance(15)
        done = timed.json("GET", target)
        assert done["State"] == "Stopped" and done["Result"] == "Warning" and done["Progress"] == 100
        assert done["EndTimeUTC"] and timed.json("GET", "/api/tasks")["Refs"] == []

    def test_start_and_retry(self, direct):
        job_b = "22222222-2222-4222-8222-222222222222"
        task = direct.json("POST", "/api/nas/jobs/%s/retry" % job_b, status=202)
        assert task["Operation"] == "RetryNasJob"
        query = "/api/query?type=BackupJobSession&format=Entities&filter=JobName==\"Share B\";State!=Stopped"
        running = direct.json("GET", query)["Entities"]["BackupJobSessions"]["BackupJobSessions"]
        assert len(running) == 1 and running[0]["IsRetry"] is True
        again = direct.json("POST", "/api/nas/jobs/%s/start" % job_b, status=202)
        result = wait_for(lambda: direct.json("GET", "/api/tasks/%s" % again["TaskId"]).get("Result"))
        assert result["Success"] is False and "already running" in result["Message"]


class TestFaults:
    def fault(self, client, **spec):
        return client.json("POST", "/_sim/faults", body=json.dumps(spec).encode())

    def test_fail_503_then_recovers(self, direct):
        self.fault(direct, fail_503=2)
        assert direct.call("GET", "/api/nas").status == 503
        assert direct.json("GET", "/api/nas", status=503)["StatusCode"] == 503
        assert direct.call("GET", "/api/nas").status == 200
        assert direct.json("GET", "/_sim/counters")["requests"]["GET /api/nas"] == 3   # control not counted

    def test_drop(self, direct):
        self.fault(direct, drop=1)
        assert direct.call("GET", "/api/nas").drop
        assert direct.call("GET", "/api/nas").status == 200

    def test_malformed(self, direct):
        self.fault(direct, malformed=1)
        with pytest.raises(ValueError):
            json.loads(direct.call("GET", "/api/nas/jobs").body)
        json.loads(direct.call("GET", "/api/nas/jobs").body)

    def test_latency(self, direct):
        self.fault(direct, latency_ms=120)
        began = time.monotonic()
        direct.call("GET", "/api/nas")
        assert time.monotonic() - began >= 0.1
        began = time.monotonic()
        direct.call("GET", "/_sim/counters")          # never delayed
        assert time.monotonic() - began < 0.1

    def test_expire_logons(self, direct):
        self.fault(direct, expire_logons=True)
        assert direct.call("GET", "/api/nas").status == 401
        assert direct.json("GET", "/_sim/counters")["open_logon_sessions"] == 0

    def test_stop_ignored(self, direct):
        self.fault(direct, stop_ignored=True)
        task = direct.json("POST", "/api/nas/jobs/%s/stop" % JOB_A, status=202)
        result = wait_for(lambda: direct.json("GET", "/api/tasks/%s" % task["TaskId"]).get("Result"))
        assert result["Success"] is True
        time.sleep(0.15)
        assert direct.json("GET", "/api/backupSessions/%s?format=Entity" % RUNNING)["State"] == "Working"

    def test_stop_task_fails(self, direct):
        self.fault(direct, stop_task_fails=True)
        task = direct.json("POST", "/api/backupSessions/%s?action=stop" % RUNNING, status=202)
        result = wait_for(lambda: direct.json("GET", "/api/tasks/%s" % task["TaskId"]).get("Result"))
        assert result["Success"] is False and result["Message"]
        assert direct.json("GET", "/api/backupSessions/%s?format=Entity" % RUNNING)["State"] == "Working"

    def test_refuse_nas_stop_and_clear(self, direct):
        self.fault(direct, refuse_nas_stop=405, latency_ms=1)
        assert direct.json("POST", "/api/nas/jobs/%s/stop" % JOB_A, status=405)["StatusCode"] == 405
        state = self.fault(direct, clear=True)
        assert state["refuse_nas_stop"] == 0 and state["latency_ms"] == 0
        direct.json("POST", "/api/nas/jobs/%s/stop" % JOB_A, status=202)

    @pytest.mark.parametrize("body", [b"[]", b"{", b'{"nope": 1}', b'{"drop": -1}', b'{"stop_ignored": 1}',
                                      b'{"refuse_nas_stop": 200}'])
    def test_bad_fault_requests(self, direct, body):
        assert direct.call("POST", "/_sim/faults", body=body).status == 400

    def test_counters_and_reset(self, direct):
        direct.call("GET", "/api/query?type=BackupJobSession&filter=x==1")
        counters = direct.json("GET", "/_sim/counters")
        assert counters["requests"] == {"POST /api/sessionMngr/": 1, "GET /api/query": 1}
        assert counters["posts"] == 0 and counters["logons"] == 1 and counters["open_logon_sessions"] == 1
        reset = direct.json("POST", "/_sim/reset")
        assert reset["requests"] == {} and reset["logons"] == 0 and reset["open_logon_sessions"] == 1
        assert direct.call("GET", "/api/nas").status == 200                 # sessions kept

    def test_ground_truth(self, direct):
        truth = direct.json("GET", "/_sim/sessions")["sessions"]
        assert [s["job_name"] for s in truth] == ["Quick", "Share A", "Share B", "Share A"]   # newest first
        assert {s["state"] for s in truth} == {"Working", "Stopped"}
        assert len(direct.json("GET", "/_sim/sessions?all=1")["sessions"]) == 5


class TestQuery:
    def test_hostile_job_name_round_trip(self, app_factory):
        name = 'Q1 "Finance"; Share,=1 ü'
        client = app_factory({"jobs": [{"name": name, "sessions": [{"created": "-1h"}]},
                                       {"name": "Q1 ", "sessions": [{"created": "-1h"}]}]})
        client.logon()
        literal = '"%s"' % name.replace('"', '""')
        result = client.json("GET", "/api/query?type=BackupJobSession&format=Entities&filter=" +
                             quote("JobType==NasBackup;JobName==" + literal, safe=""))
        sessions = result["Entities"]["BackupJobSessions"]["BackupJobSessions"]
        assert [s["JobName"] for s in sessions] == [name]

    def test_syntax_error_is_400_naming_the_problem(self, direct):
        error = direct.json("GET", "/api/query?type=BackupJobSession&filter=" + quote('JobName=="x'), status=400)
        assert "not closed" in error["Message"]
        assert "Progress" in direct.json("GET", "/api/query?type=BackupJobSession&filter=Progress>1",
                                         status=400)["Message"]

    @pytest.mark.parametrize("params", ["pageSize=0", "pageSize=-1", "pageSize=x", "page=0", "format=Bogus",
                                        "sortAsc=Progress"])
    def test_bad_parameters(self, direct, params):
        direct.json("GET", "/api/query?type=BackupJobSession&" + params, status=400)

    def test_type_is_required_and_checked(self, direct):
        direct.json("GET", "/api/query", status=400)
        direct.json("GET", "/api/query?type=Nope", status=400)

    def test_sorting_and_case_insensitive_parameters(self, direct):
        def names(query):
            return [r["Name"].split("@")[0] for r in direct.json("GET", query)["Refs"]["Refs"]]
        assert names("/api/query?TYPE=backupjobsession&SORTDESC=creationtime") == [
            "Quick", "Share A", "Share B", "VM Job", "Share A"]
        assert names("/api/query?type=BackupJobSession&sortAsc=jobname&filter=jobtype==nasbackup") == [
            "Quick", "Share A", "Share A", "Share B"]
        # nulls first ascending: the running sessions have no EndTime
        ends = direct.json("GET", "/api/query?type=BackupJobSession&format=Entities&sortAsc=EndTime")
        first = ends["Entities"]["BackupJobSessions"]["BackupJobSessions"][0]
        assert "EndTimeUTC" not in first

    def test_nas_job_and_task_session_queries(self, direct):
        refs = direct.json("GET", "/api/query?type=NasJob&filter=Name==\"Share A\"")["Refs"]["Refs"]
        assert [r["Type"] for r in refs] == ["NasJobReference"]
        jobs = direct.json("GET", "/api/query?type=nasjob&format=Entities")["Entities"]["NASJobs"]["NASJobs"]
        assert len(jobs) == 3
        tasks = direct.json("GET", "/api/query?type=BackupTaskSession&format=Entities&filter=Result==Success")
        assert len(tasks["Entities"]["BackupTaskSessions"]["BackupTaskSessions"]) == 1
