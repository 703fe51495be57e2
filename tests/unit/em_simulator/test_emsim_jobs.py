# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""NAS job routes and fields (issue 9): toggleScheduleEnabled, the job entity, includes and
file shares, what a start runs, and schedules on the simulator's clock."""

import json

import pytest

from emsim_support import READER, Direct, make_app  # pylint: disable=import-error
from em_simulator.scenario import ScenarioError, load  # pylint: disable=import-error
from em_simulator.times import utc_now  # pylint: disable=import-error

NIGHTLY = "44444444-4444-4444-8444-444444444444"
FLAKY = "55555555-5555-4555-8555-555555555555"
MANUAL = "66666666-6666-4666-8666-666666666666"
SCENARIO = {
    "name": "jobs",
    "task_seconds": 1,
    "start_duration": "10m",
    "jobs": [
        {"name": "Nightly", "id": NIGHTLY, "schedule_every": "1h", "start_duration": "5m",
         "includes": ["\\\\fs01\\projects", "\\\\fs01\\home"]},
        {"name": "Flaky", "id": FLAKY, "schedule_every": "1h", "schedule_enabled": False, "start_duration": "2m",
         "start_result": "Failed", "start_failure_message": "The network path was not found.",
         "sessions": [{"created": "-3h", "result": "Success", "task_sessions": [{"name": "\\\\fs02\\scans"}]}]},
        {"name": "Manual", "id": MANUAL, "schedule_configured": False, "start_result": "Warning"},
    ],
}


@pytest.fixture
def jobs(tmp_path, clock):
    client = Direct(make_app(tmp_path, SCENARIO, clock=clock, idle_timeout=10 ** 6))   # hours pass
    client.logon()
    return client


def entity(client, job_id):
    return client.json("GET", "/api/nas/jobs/%s?format=Entity" % job_id)


def sessions_of(client, name):
    found = client.json("GET", "/api/query?type=BackupJobSession&format=Entities&sortDesc=CreationTime&filter="
                        "JobName==%s" % name)
    return found["Entities"]["BackupJobSessions"]["BackupJobSessions"]


def finish_task(client, clock, task):
    clock.advance(1.5)
    done = client.json("GET", "/api/tasks/%s" % task["TaskId"])
    assert done["State"] == "Finished"
    return done["Result"]


class TestJobEntity:
    def test_fields(self, jobs):
        nightly = entity(jobs, NIGHTLY)
        assert nightly["ScheduleConfigured"] is True and nightly["ScheduleEnabled"] is True
        assert nightly["NextRun"].endswith("Z")
        assert [inc["FileOrFolder"] for inc in nightly["Includes"]] == ["\\\\fs01\\projects", "\\\\fs01\\home"]
        assert all(inc["FileServerUid"].startswith("urn:veeam:FileServer:") for inc in nightly["Includes"])
        rels = {link["Rel"] for link in nightly["Links"]}
        assert {"Start", "Stop", "Retry", "ToggleScheduleEnabled"} <= rels
        flaky = entity(jobs, FLAKY)
        assert flaky["ScheduleEnabled"] is False and flaky["NextRun"] is None
        assert [inc["FileOrFolder"] for inc in flaky["Includes"]] == ["\\\\fs02\\scans"]      # from its tasks
        manual = entity(jobs, MANUAL)
        assert manual["ScheduleConfigured"] is False and manual["NextRun"] is None
        assert manual["Includes"][0]["FileOrFolder"] == "\\\\fs.sim.local\\Manual"

    def test_xml_entity_has_includes(self, jobs):
        body = jobs.call("GET", "/api/nas/jobs/%s?format=Entity" % NIGHTLY, accept="application/xml").body
        assert b"<Includes><NasObject" in body and b"<ScheduleEnabled>true</ScheduleEnabled>" in body

    def test_includes_and_file_servers(self, jobs):
        includes = jobs.json("GET", "/api/nas/jobs/%s/includes" % NIGHTLY)["NASObjects"]
        assert len(includes) == 2
        one = jobs.json("GET", "/api/nas/jobs/%s/includes/%s" % (NIGHTLY, includes[1]["ObjectInJobId"]))
        assert one["FileOrFolder"] == "\\\\fs01\\home"
        assert jobs.call("GET", "/api/nas/jobs/%s/includes/nope" % NIGHTLY).status == 404
        shares = jobs.json("GET", "/api/nas/fileServers")["Refs"]
        assert sorted(s["Name"] for s in shares) == sorted(
            ["\\\\fs01\\projects", "\\\\fs01\\home", "\\\\fs02\\scans", "\\\\fs.sim.local\\Manual"])
        alternate = [link["Href"] for link in shares[0]["Links"] if link["Rel"] == "Alternate"][0]
        share = jobs.json("GET", alternate[alternate.index("/api/"):])
        assert share["Type"] == "FileServer" and share["UID"] == shares[0]["UID"]
        assert jobs.call("GET", "/api/nas/fileServers/00000000-0000-4000-8000-000000000000").status == 404

    def test_portal_user_reads_file_servers_not_includes(self, tmp_path):
        client = Direct(make_app(tmp_path, SCENARIO))
        client.logon(READER)
        assert client.call("GET", "/api/nas/fileServers").status == 200
        assert client.call("GET", "/api/nas/jobs/%s/includes" % NIGHTLY).status == 403
        assert client.call("POST", "/api/nas/jobs/%s/toggleScheduleEnabled" % NIGHTLY).status == 403
        client.logon()
        assert entity(client, NIGHTLY)["ScheduleEnabled"] is True

    def test_nas_job_query_sees_schedule_fields(self, jobs):
        found = jobs.json("GET", "/api/query?type=NasJob&filter=ScheduleEnabled==false")["Refs"]["Refs"]
        assert [j["Name"] for j in found] == ["Flaky"]      # Manual has no schedule, but it is "enabled"


class TestToggle:
    def test_flips_and_answers_a_task(self, jobs, clock):
        task = jobs.json("POST", "/api/nas/jobs/%s/toggleScheduleEnabled" % NIGHTLY, status=202)
        assert task["Operation"] == "UpdateJob" and task["State"] == "Running"
        assert entity(jobs, NIGHTLY)["ScheduleEnabled"] is False
        assert finish_task(jobs, clock, task)["Success"] is True
        jobs.json("POST", "/api/nas/jobs/%s/toggleScheduleEnabled" % NIGHTLY, status=202)
        assert entity(jobs, NIGHTLY)["ScheduleEnabled"] is True             # it flips: not idempotent
        assert jobs.json("GET", "/_sim/counters")["posts"] == 2
        assert jobs.call("POST", "/api/nas/jobs/%s/toggleScheduleEnabled" % "0" * 1).status == 404


class TestStart:
    def test_started_session_runs_and_ends_with_the_scenario_result(self, jobs, clock):
        task = jobs.json("POST", "/api/nas/jobs/%s/start" % FLAKY, status=202)
        assert finish_task(jobs, clock, task) == {"Success": True, "Message": 'Job "Flaky" triggered to start.'}
        running = sessions_of(jobs, "Flaky")[0]
        assert running["State"] == "Working" and running["Result"] == "None"
        clock.advance(119)
        done = sessions_of(jobs, "Flaky")[0]
        assert done["State"] == "Stopped" and done["Result"] == "Failed"
        assert done["FailureMessage"] == "The network path was not found."
        # now a retry is allowed (newest finished run failed), and it is marked as one
        retry = jobs.json("POST", "/api/nas/jobs/%s/retry" % FLAKY, status=202)
        assert finish_task(jobs, clock, retry)["Success"] is True
        assert sessions_of(jobs, "Flaky")[0]["IsRetry"] is True

    def test_default_duration_and_result(self, jobs, clock):
        jobs.json("POST", "/api/nas/jobs/%s/start" % MANUAL, status=202)
        clock.advance(599)
        assert sessions_of(jobs, "Manual")[0]["State"] == "Working"      # scenario start_duration 10m
        clock.advance(2)
        done = sessions_of(jobs, "Manual")[0]
        assert done["Result"] == "Warning" and done["FailureMessage"]

    def test_start_while_running_and_retry_after_success(self, jobs, clock):
        jobs.json("POST", "/api/nas/jobs/%s/start" % NIGHTLY, status=202)
        again = jobs.json("POST", "/api/nas/jobs/%s/start" % NIGHTLY, status=202)
        result = finish_task(jobs, clock, again)
        assert result["Success"] is False and "already running" in result["Message"]
        assert len(sessions_of(jobs, "Nightly")) == 1
        retry = jobs.json("POST", "/api/nas/jobs/%s/retry" % MANUAL, status=202)
        assert finish_task(jobs, clock, retry)["Success"] is False                       # never failed


class TestSchedules:
    def test_enabled_schedule_runs_by_itself_disabled_does_not(self, jobs, clock):
        assert sessions_of(jobs, "Nightly") == []
        clock.advance(3599)
        assert sessions_of(jobs, "Nightly") == []
        clock.advance(2)
        runs = sessions_of(jobs, "Nightly")
        assert len(runs) == 1 and runs[0]["State"] == "Working"
        assert len(sessions_of(jobs, "Flaky")) == 1                      # disabled: only its old session
        clock.advance(3600)
        assert len(sessions_of(jobs, "Nightly")) == 2
        assert sessions_of(jobs, "Nightly")[1]["Result"] == "Success"    # 5 min run, long done

    def test_pausing_the_schedule_keeps_the_job_from_running(self, jobs, clock):
        jobs.json("POST", "/api/nas/jobs/%s/toggleScheduleEnabled" % NIGHTLY, status=202)
        clock.advance(3 * 3600)
        assert sessions_of(jobs, "Nightly") == []
        jobs.json("POST", "/api/nas/jobs/%s/toggleScheduleEnabled" % NIGHTLY, status=202)
        nightly = entity(jobs, NIGHTLY)
        assert nightly["ScheduleEnabled"] is True and nightly["NextRun"]
        assert sessions_of(jobs, "Nightly") == []                        # missed runs are not made up
        clock.advance(3600)
        assert len(sessions_of(jobs, "Nightly")) == 1

    def test_run_schedules_control_path(self, jobs, clock):
        fired = jobs.json("POST", "/_sim/run_schedules")
        assert fired == {"started": ["Nightly"], "already_running": [], "schedule_disabled": ["Flaky"],
                         "no_schedule": ["Manual"]}
        assert jobs.json("POST", "/_sim/run_schedules")["already_running"] == ["Nightly"]
        jobs.json("POST", "/api/nas/jobs/%s/toggleScheduleEnabled" % FLAKY, status=202)
        clock.advance(301)
        assert jobs.json("POST", "/_sim/run_schedules")["started"] == ["Nightly", "Flaky"]
        assert jobs.json("GET", "/_sim/counters")["posts"] == 1          # the control path is not /api
        assert jobs.call("GET", "/_sim/run_schedules").status == 405


class TestScenarioKeys:
    @pytest.mark.parametrize("job, fragment", [
        ({"name": "J", "start_result": "Great"}, "Great"),
        ({"name": "J", "schedule_every": "1h", "schedule_configured": False}, "schedule_configured"),
        ({"name": "J", "schedule_every": "0s"}, "positive"),
        ({"name": "J", "type": "Backup", "schedule_every": "1h"}, "NAS jobs"),
        ({"name": "J", "includes": "\\\\fs\\x"}, "includes"),
        ({"name": "J", "start_duration": "soon"}, "duration"),
    ])
    def test_errors(self, job, fragment):
        with pytest.raises(ScenarioError, match=fragment):
            load({"jobs": [job]}, utc_now())

    def test_bundled_scenarios_still_load_with_includes(self):
        data = load("basic", utc_now())
        assert all(job.includes for job in data.jobs if job.is_nas) and data.file_servers
        assert json.dumps([f.path for f in data.file_servers])
