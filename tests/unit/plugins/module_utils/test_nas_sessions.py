# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import (
    find_sessions, get_session, latest_per_job, normalise_session,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import SessionQuery
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import lower_keys


class FakeClient:
    """Answers like EM's query service from a newest-first list of entities."""

    def __init__(self, entities, jobs=(), entity_by_id=None):
        self.entities = [lower_keys(e) for e in entities]
        self.jobs = jobs
        self.entity_by_id = entity_by_id or {}
        self.calls = []

    def url_for(self, path):
        return "https://em/api/" + path

    def get(self, path, params=None):
        params = dict(params or [])
        self.calls.append((path, params))
        if path == "nas/jobs":
            return lower_keys({"Refs": [{"UID": "urn:veeam:NasJob:" + i, "Name": n} for i, n in self.jobs]})
        if path.startswith("backupSessions/"):
            guid = path.split("/")[1]
            if guid not in self.entity_by_id:
                raise EmError("EM answered 404", status=404, url="u", body="Not found")
            return lower_keys(self.entity_by_id[guid])
        size, page = int(params["pageSize"]), int(params["page"])
        chunk = self.entities[(page - 1) * size: page * size] if params["type"] == "BackupJobSession" else []
        pages = max(1, -(-len(self.entities) // size))
        return {"refs": None, "entities": {"jobs": None, "backupjobsessions": {"backupjobsessions": chunk},
                                           "filesevers": None},
                "paginginfo": {"pagenum": page, "pagesize": size, "pagescount": pages}}


def entity(n, job="Job A", job_id="70073b98-098b-4046-a097-43cbda67d58a", result="Success"):
    return {"UID": "urn:veeam:BackupJobSession:%08d-0000-0000-0000-000000000000" % n, "JobName": job,
            "JobUid": "urn:veeam:Job:" + job_id, "JobType": "NasBackup", "State": "Stopped", "Result": result,
            "CreationTimeUTC": "2026-11-%02dT10:00:00Z" % (1 + n % 28), "EndTimeUTC": "2026-11-%02dT10:30:00Z" % (1 + n % 28),
            "Progress": 100, "IsRetry": False, "Name": "%s@x" % job, "Links": [], "Href": "h"}


def test_normalise_v10_pascal_case(fixture_json):
    session = normalise_session(lower_keys(fixture_json("session_v10_pascal.json")))
    assert session == {
        "id": "821cc74e-9447-40b6-a2df-90aa47101233",
        "uid": "urn:veeam:BackupJobSession:821cc74e-9447-40b6-a2df-90aa47101233",
        "name": "Archived Projects@2020-02-04 08:12:19",
        "job_id": "70073b98-098b-4046-a097-43cbda67d58a",
        "job_name": "Archived Projects",
        "job_type": "NasBackup",
        "state": "Stopped",
        "result": "Success",
        "progress": 100,
        "is_retry": False,
        "creation_time": "2020-02-04T08:12:19Z",
        "end_time": "2020-02-04T08:47:10Z",
        "duration_seconds": 2091.187,
        "failure_message": None,
        "backup_server": "appserver",
        "href": "https://localhost:9398/api/backupSessions/821cc74e-9447-40b6-a2df-90aa47101233?format=Entity",
    }


def test_normalise_v13_camel_case_running_session(fixture_json):
    session = normalise_session(lower_keys(fixture_json("session_v13_camel_running.json")))
    assert session["id"] == "67fb7275-6c25-47ed-9232-01fdb1f49c76"
    assert session["job_id"] == "93dfbb3e-f420-45cf-addc-4ee9297113f2"
    assert session["job_name"] == 'Q1 "Finance"; Share,=1 ü'
    assert (session["state"], session["result"], session["progress"], session["is_retry"]) == ("Working", "None", 42, True)
    assert session["creation_time"] == "2026-11-21T22:00:03Z"
    assert session["end_time"] is None and session["duration_seconds"] is None
    assert session["failure_message"] is None  # the key is missing on this version
    assert session["backup_server"] == "srv13.tech.local"


def test_all_pages_are_read_newest_first():
    client = FakeClient([entity(n) for n in range(1234)])
    sessions, unknown = find_sessions(client, SessionQuery())
    assert len(sessions) == 1234 and unknown == []
    pages = [c for c in client.calls if c[0] == "query"]
    assert [int(params["page"]) for path, params in pages] == [1, 2, 3]
    first = pages[0][1]
    assert first["sortDesc"] == "CreationTime" and first["format"] == "Entities"
    assert first["filter"] == "JobType==NasBackup"


def test_limit_asks_for_a_small_page_and_stops():
    client = FakeClient([entity(n) for n in range(50)])
    sessions = find_sessions(client, SessionQuery(limit=3))[0]
    assert len(sessions) == 3
    assert client.calls == [("query", client.calls[0][1])] and client.calls[0][1]["pageSize"] == "3"


def test_latest_per_job_stops_reading_once_every_job_is_seen():
    entities = [entity(0, "A", "00000000-0000-0000-0000-00000000000a"),
                entity(1, "B", "00000000-0000-0000-0000-00000000000b", "Failed")]
    entities += [entity(n, "A", "00000000-0000-0000-0000-00000000000a") for n in range(2, 2000)]
    client = FakeClient(entities)
    sessions, unknown = find_sessions(client, SessionQuery(job_names=["A", "B"], latest_per_job=True))
    assert [(s["job_name"], s["result"]) for s in sessions] == [("A", "Success"), ("B", "Failed")]
    assert len(client.calls) == 1 and unknown == []


def test_unknown_jobs_are_told_apart_from_jobs_without_sessions():
    client = FakeClient([entity(0, "A")], jobs=[("00000000-0000-0000-0000-00000000000c", "Quiet Job")])
    sessions, unknown = find_sessions(client, SessionQuery(job_names=["A", "Quiet Job", "Typo Job"],
                                                           job_ids=["00000000-0000-0000-0000-0000000000ff"]))
    assert len(sessions) == 1
    assert unknown == ["Typo Job", "00000000-0000-0000-0000-0000000000ff"]
    assert [c[0] for c in client.calls] == ["query", "nas/jobs"]


def test_duplicates_from_shifting_pages_are_dropped():
    client = FakeClient([entity(1), entity(1), entity(2)])
    sessions = find_sessions(client, SessionQuery())[0]
    assert len(sessions) == 2


def test_get_session_names_an_unknown_id():
    client = FakeClient([])
    with pytest.raises(EmError, match="EM knows no backup session with id 821cc74e") as caught:
        get_session(client, "821cc74e-9447-40b6-a2df-90aa47101233")
    assert caught.value.status == 404


def test_get_session_refuses_a_vm_backup_session():
    vm = entity(7)
    vm["JobType"] = "Backup"
    client = FakeClient([], entity_by_id={"s": vm})
    with pytest.raises(EmError, match="is a Backup session, not a file share"):
        get_session(client, "s")


def test_latest_per_job_helper_keeps_first_of_each_job():
    sessions = [{"job_id": "a", "n": 1}, {"job_id": "b", "n": 2}, {"job_id": "a", "n": 3}]
    assert [s["n"] for s in latest_per_job(sessions)] == [1, 2]


def test_query_string_encoding_of_hostile_names():
    query = SessionQuery(job_names=['Q1 "Finance"; Share,=1 ü'])
    from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import EmClient
    url = EmClient("https://em:9398", "u", "p").url_for("query", [("filter", query.filter_expression())])
    assert parse_qs(urlsplit(url).query)["filter"] == [query.filter_expression()]


class ShiftingClient(FakeClient):
    """A new session starts right after the first page was read."""

    def get(self, path, params=None):
        answer = super(ShiftingClient, self).get(path, params)
        if path == "query" and len(self.calls) == 1:
            self.entities.insert(0, lower_keys(entity(99999)))
        return answer


def test_a_session_pushed_past_the_counted_pages_is_still_read():
    client = ShiftingClient([entity(n) for n in range(1000)])
    sessions = find_sessions(client, SessionQuery())[0]
    # All 1000 that existed when we started, whatever started meanwhile.
    assert set(entity(n)["UID"] for n in range(1000)) <= set(s["uid"] for s in sessions)
    assert [int(params["page"]) for path, params in client.calls] == [1, 2, 3]


def test_a_short_last_page_ends_the_reading():
    client = FakeClient([entity(n) for n in range(700)])
    find_sessions(client, SessionQuery())
    assert [int(params["page"]) for path, params in client.calls] == [1, 2]
