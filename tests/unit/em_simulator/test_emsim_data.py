# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scenarios, times, paging math and the two wire formats."""

from datetime import datetime, timedelta, timezone

import pytest

from em_simulator import scenario  # pylint: disable=import-error
from em_simulator.entities.node import ATTR, ELEM, FLAT, LIST, OMIT, Obj  # pylint: disable=import-error
from em_simulator.entities.serialise import camel, to_json, to_xml  # pylint: disable=import-error
from em_simulator.query import dotnet_url_encode, paginate  # pylint: disable=import-error
from em_simulator.times import format_utc, parse_duration, parse_when  # pylint: disable=import-error

START = datetime(2026, 11, 22, 6, 0, 0, tzinfo=timezone.utc)


class TestTimes:
    @pytest.mark.parametrize("text, seconds", [("35m", 2100), ("1h30m", 5400), ("30s", 30), ("2d", 172800),
                                               ("1w", 604800), ("500ms", 0.5), (90, 90), ("0.3s", 0.3), ("12", 12)])
    def test_durations(self, text, seconds):
        assert parse_duration(text) == pytest.approx(seconds)

    @pytest.mark.parametrize("bad", ["soon", "5 minutes", "", "-5m", True])
    def test_bad_durations(self, bad):
        with pytest.raises(ValueError):
            parse_duration(bad)

    def test_scenario_times(self):
        assert parse_when("-26h", START) == START - timedelta(hours=26)
        assert parse_when("+30s", START) == START + timedelta(seconds=30)
        assert parse_when("now", START) == START
        assert parse_when("2025-08-15T06:00:00Z", START) == datetime(2025, 8, 15, 6, tzinfo=timezone.utc)
        assert parse_when("2025-08-15T06:00:00", START).tzinfo is not None
        with pytest.raises(ValueError):
            parse_when("yesterday", START)

    def test_em_timestamp_format(self):
        assert format_utc(datetime(2025, 9, 24, 20, 0, 9, 607000, tzinfo=timezone.utc)) == "2025-09-24T20:00:09.607Z"
        assert format_utc(datetime(2025, 8, 16, 5, 17, 38, 221420, tzinfo=timezone.utc)) == "2025-08-16T05:17:38.22142Z"
        assert format_utc(datetime(2019, 7, 1, 4, 0, 16, tzinfo=timezone.utc)) == "2019-07-01T04:00:16Z"


class TestPaging:
    @pytest.mark.parametrize("total, size, page, expected", [
        (283, 100, 1, (3, 0, 100)), (283, 100, 3, (3, 200, 283)), (283, 100, 4, (3, 283, 283)),
        (300, 100, 3, (3, 200, 300)), (0, 100, 1, (0, 0, 0)), (1, 1, 1, (1, 0, 1)), (5, 2, 3, (3, 4, 5)),
    ])
    def test_paginate(self, total, size, page, expected):
        info = paginate(total, size, page)
        assert (info.pages_count, info.start, info.stop) == expected

    def test_paginate_rejects_non_positive(self):
        with pytest.raises(ValueError):
            paginate(10, 0, 1)

    def test_filter_echo_encoding(self):
        assert dotnet_url_encode("JobType==NasBackup") == "JobType%3d%3dNasBackup"
        assert dotnet_url_encode('Result=="Failed";EndTime>x y') == "Result%3d%3d%22Failed%22%3bEndTime%3ex+y"
        assert dotnet_url_encode("ü") == "%c3%bc"


class TestSerialise:
    @pytest.mark.parametrize("pascal, expected", [("UID", "uid"), ("CreationTimeUTC", "creationTimeUTC"),
                                                  ("JobUid", "jobUid"), ("NASJobs", "nasJobs"), ("Links", "links"),
                                                  ("PagingInfo", "pagingInfo"), ("IsRetry", "isRetry"), ("x", "x")])
    def test_camel(self, pascal, expected):
        assert camel(pascal) == expected

    def test_json_and_xml_of_one_tree(self):
        link = Obj("Link", [("Rel", "Up", ATTR), ("Href", "h", ATTR), ("Name", None, ATTR)], ("Href", "Rel"))
        tree = Obj("Thing", [("Gone", OMIT, ELEM), ("Null", None, ELEM), ("Text", 'a<"b"&', ELEM),
                             ("Flag", True, ELEM), ("Links", [link], LIST), ("Items", [link], FLAT),
                             ("UID", "u", ATTR)])
        assert to_json(tree) == (b'{"Null":null,"Text":"a<\\"b\\"&","Flag":true,'
                                 b'"Links":[{"Rel":"Up","Href":"h","Name":null}],'
                                 b'"Items":[{"Rel":"Up","Href":"h","Name":null}],"UID":"u"}')
        assert to_json(tree, "camel", bom=True).startswith(b'\xef\xbb\xbf{"null":null')
        xml = to_xml(tree).decode()
        assert xml.endswith('xmlns="http://www.veeam.com/ent/v1.0" UID="u"><Text>a&lt;"b"&amp;</Text>'
                            '<Flag>true</Flag><Links><Link Href="h" Rel="Up" /></Links><Link Href="h" Rel="Up" />'
                            '</Thing>')


class TestScenarios:
    def test_basic_known_truth(self):
        data = scenario.load("basic", START)
        nas = [s for s in data.sessions if s.job.is_nas]
        assert len(nas) == 283 and len(data.sessions) == 306
        running = [s for s in data.sessions if s.running]
        assert [(s.job.name, s.id, s.state, s.progress) for s in running] == [
            ("Home Folders", "5a7c9e1b-3d2f-4a6b-8c0e-9f1a2b3c4d5e", "Working", 40)]
        names = {j.name for j in data.jobs}
        assert 'Q1 "Finance"; Share,=1 ü' in names
        assert {j.job_type for j in data.jobs} >= {"NasBackup", "Backup", "AgentBackup"}
        assert {s.result for s in nas} >= {"Success", "Warning", "Failed", "None"}
        recent = [s for s in nas if s.created >= START - timedelta(days=30)]
        assert len(recent) == 146          # documented in basic.yml
        archived = next(j for j in data.jobs if j.name == "Archived Projects")
        newest = max(archived.sessions, key=lambda s: s.created)
        assert newest.result == "Failed" and newest.failure_message == "Access is denied to \\\\fs01\\finance"

    def test_demo_known_truth(self):
        data = scenario.load("demo", START)
        jobs = {j.name: j for j in data.jobs}
        newest = {name: max(j.sessions, key=lambda s: s.created) for name, j in jobs.items()}
        assert newest["fs02 Finance"].result == "Failed" and "Access is denied" in newest["fs02 Finance"].failure_message
        assert newest["nas01 Media Archive"].created == START - timedelta(days=4)
        assert newest["fs03 Engineering"].state == "Working"
        assert all(newest[n].result == "Success" for n in ("fs01 Projects", "fs01 Home Drives"))
        assert sum(1 for s in data.sessions if s.job.is_nas) == 15

    def test_large_known_truth(self):
        data = scenario.load("large", START)
        assert len(data.sessions) == 13202 and sum(1 for s in data.sessions if s.job.is_nas) == 12002
        assert all(s.ended is None or s.ended <= START for s in data.sessions)
        assert [s.state for s in data.sessions if s.running] == ["Working"]

    def test_generated_history_is_reproducible(self):
        spec = {"generate": {"seed": 9, "nas_jobs": 3, "sessions": 300, "days": 50, "other_jobs": 1}}
        first, second = scenario.load(spec, START), scenario.load(spec, START)
        assert [(s.id, s.created, s.result) for s in first.sessions] == [
            (s.id, s.created, s.result) for s in second.sessions]
        assert len(first.sessions) == 330 and first.seed == 9
        assert scenario.load(spec, START, seed=5).sessions[0].id != first.sessions[0].id     # --seed wins
        other = scenario.load({"generate": dict(spec["generate"], seed=10)}, START)
        assert other.sessions[0].id != first.sessions[0].id

    def test_derived_ids_are_stable(self):
        spec = {"seed": 3, "jobs": [{"name": "J", "sessions": [{"created": "-1h"}]}]}
        one, two = scenario.load(spec, START), scenario.load(dict(spec), START)
        assert one.jobs[0].id == two.jobs[0].id and one.sessions[0].id == two.sessions[0].id
        assert scenario.load(dict(spec, seed=4), START).jobs[0].id != one.jobs[0].id

    def test_defaults(self):
        data = scenario.load({}, START)
        assert [(u.username, u.password, u.role) for u in data.users] == [
            ("admin", "admin-pass", "PortalAdministrator"), ("reader", "reader-pass", "PortalUser"),
            ("restore", "restore-pass", "RestoreOperator")]
        assert [s.name for s in data.servers] == ["vbr01.sim.local"] and data.jobs == []

    @pytest.mark.parametrize("spec, fragment", [
        ({"jobz": []}, "jobz"),
        ({"jobs": [{"name": "J", "type": "Tape"}]}, "Tape"),
        ({"jobs": [{"name": "J"}, {"name": "J"}]}, "used twice"),
        ({"jobs": [{"name": "J", "sessions": [{"created": "-1h", "result": "Great"}]}]}, "Great"),
        ({"jobs": [{"name": "J", "sessions": [{"duration": "1h"}]}]}, "'created' is required"),
        ({"jobs": [{"name": "J", "id": "nope"}]}, "not a GUID"),
        ({"jobs": [{"name": "J", "backup_server": "x"}]}, "backup_server"),
        ({"users": [{"username": "u", "password": "p", "role": "God"}]}, "God"),
        ({"stop_behaviour": "weird"}, "stop_behaviour"),
    ])
    def test_errors_name_the_place(self, spec, fragment):
        with pytest.raises(scenario.ScenarioError) as info:
            scenario.load(spec, START)
        assert fragment in str(info.value)

    def test_json_file_and_unknown_name(self, tmp_path):
        path = tmp_path / "s.json"
        path.write_text('{"jobs": [{"name": "J", "sessions": [{"created": "2025-08-15T06:00:00Z"}]}]}')
        assert scenario.load(str(path), START).sessions[0].created.year == 2025
        with pytest.raises(scenario.ScenarioError, match="basic"):
            scenario.load("nope", START)
