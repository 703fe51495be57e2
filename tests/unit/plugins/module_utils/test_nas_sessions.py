# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import EmClient
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import (
    find_sessions, get_session, latest_per_job, normalise_session,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import SessionQuery
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import lower_keys


_LITERAL = r'"((?:[^"]|"")*)"'


def _literals(prop, expression):
    return [m.replace('""', '"').lower() for m in re.findall(prop + "==" + _LITERAL, expression)]


class FakeClient:
    """Answers like EM's query service from a newest-first list of entities.

    It applies the job name, job id, state and creation-time filters it is sent, comparing
    strings case-insensitively as EM does, and records every request URL it gets.
    """

    base_url = "https://em.example.com:9398/api/"

    def __init__(self, entities, entity_by_id=None):
        self.entities = [lower_keys(e) for e in entities]
        self.entity_by_id = entity_by_id or {}
        self.calls = []
        self.urls = []

    def url_for(self, path, params=None):
        return EmClient.url_for(self, path, params)

    @staticmethod
    def _matcher(expression):
        names, uids = set(_literals("JobName", expression)), set(_literals("JobUid", expression))
        after = re.search("CreationTime>=" + _LITERAL, expression)

        def matches(entity):
            return ((not names or entity["jobname"].lower() in names)
                    and (not uids or entity["jobuid"].lower() in uids)
                    and ("State==Stopped" not in expression or entity["state"] == "Stopped")
                    and (not after or entity["creationtimeutc"] >= after.group(1)))
        return matches

    def get(self, path, params=None):
        self.urls.append(self.url_for(path, params))
        params = dict(params or [])
        self.calls.append((path, params))
        if path.startswith("backupSessions/"):
            guid = path.split("/")[1]
            if guid not in self.entity_by_id:
                raise EmError("EM answered 404", status=404, url="u", body="Not found")
            return lower_keys(self.entity_by_id[guid])
        assert path == "query"
        size, page = int(params["pageSize"]), int(params["page"])
        if params["type"] == "BackupJobSession":
            matches = self._matcher(params["filter"])
            matching = [e for e in self.entities if matches(e)]
        else:
            matching = []
        chunk = matching[(page - 1) * size: page * size]
        pages = -(-len(matching) // size)
        return {"refs": None, "entities": {"jobs": None, "backupjobsessions": {"backupjobsessions": chunk},
                                           "filesevers": None},
                "paginginfo": {"pagenum": page, "pagesize": size, "pagescount": pages}}


def entity(n, job="Job A", job_id="70073b98-098b-4046-a097-43cbda67d58a", result="Success", state="Stopped"):
    """Session number n: the higher n, the older (so a list in n order is newest first)."""
    created = datetime(2026, 11, 28, tzinfo=timezone.utc) - timedelta(minutes=n)
    return {"UID": "urn:veeam:BackupJobSession:%08d-0000-0000-0000-000000000000" % n, "JobName": job,
            "JobUid": "urn:veeam:Job:" + job_id, "JobType": "NasBackup", "State": state, "Result": result,
            "CreationTimeUTC": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "EndTimeUTC": (created + timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
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


def test_unknown_jobs_are_told_apart_from_jobs_without_sessions_in_the_window():
    quiet = "00000000-0000-0000-0000-00000000000c"
    # "Quiet Job" last ran long before the window; "Typo Job" and the id never ran at all.
    client = FakeClient([entity(0, "A"), entity(50000, "Quiet Job", quiet)])
    sessions, unknown = find_sessions(client, SessionQuery(job_names=["A", "Quiet Job", "Typo Job"],
                                                           created_after="2026-11-27T00:00:00Z"))
    assert [s["job_name"] for s in sessions] == ["A"]
    assert unknown == ["Typo Job"]
    # No GET /api/nas/jobs (a Portal User may not call it): one probe without the window.
    assert [c[0] for c in client.calls] == ["query", "query"]
    probe = client.calls[1][1]
    assert probe["filter"] == 'JobType==NasBackup;(JobName=="Quiet Job",JobName=="Typo Job")'
    assert int(probe["pageSize"]) <= 100
    unknown_ids = find_sessions(client, SessionQuery(job_ids=[quiet, "00000000-0000-0000-0000-0000000000ff"],
                                                     created_after="2026-11-27T00:00:00Z"))[1]
    assert unknown_ids == ["00000000-0000-0000-0000-0000000000ff"]


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


# -- exact job names (EM compares case-insensitively) -------------------------------------

FINANCE = "00000000-0000-0000-0000-0000000000f1"
FINANCE_UPPER = "00000000-0000-0000-0000-0000000000f2"


def _finance_client():
    return FakeClient([entity(0, "FINANCE", FINANCE_UPPER, "None", "Working"), entity(1, "FINANCE", FINANCE_UPPER),
                       entity(2, "finance", FINANCE, "Failed"), entity(3, "finance", FINANCE)])


@pytest.mark.parametrize("options, expected", [
    (dict(), [2, 3]),
    (dict(latest_per_job=True), [2]),
    (dict(limit=1), [2]),
])
def test_only_the_exact_job_name_counts(options, expected):
    sessions, unknown = find_sessions(_finance_client(), SessionQuery(job_names=["finance"], **options))
    assert [s["uid"] for s in sessions] == [entity(n)["UID"] for n in expected] and unknown == []
    assert set(s["job_name"] for s in sessions) == {"finance"}


def test_a_job_differing_only_in_case_is_not_found_through_the_other():
    client = FakeClient([entity(0, "FINANCE", FINANCE_UPPER)])
    sessions, unknown = find_sessions(client, SessionQuery(job_names=["finance"], latest_per_job=True))
    # EM answered with FINANCE's session both times; the probe's page was not full, so
    # "finance" has no session at all.
    assert sessions == [] and unknown == ["finance"]


# -- long job lists: every URL under 8 KB ----------------------------------------------------

def _fleet(count, per_job=2):
    names = ["File share job %04d \u00fc \"q\";,=() %s" % (n, "x" * (n % 40)) for n in range(count)]
    entities = [entity(i * count + n, names[n], "%08d-0000-0000-0000-%012d" % (n, n), "Success" if i else "Failed")
                for i in range(per_job) for n in range(count)]
    return names, entities


@pytest.mark.parametrize("options", [dict(latest_per_job=True), dict(limit=150), dict()])
def test_a_thousand_job_names_are_split_over_short_urls_and_merged(options):
    names, entities = _fleet(1000)
    client = FakeClient(entities + [entity(5000, "Other job")])
    query = SessionQuery(job_names=names + ["never ran"], **options)
    sessions, unknown = find_sessions(client, query)
    assert max(len(url.encode("ascii")) for url in client.urls) < 8192
    assert len(set(c[1]["filter"] for c in client.calls)) > 5   # really split
    expected = [s for s in (normalise_session(lower_keys(e)) for e in entities)]
    if options.get("latest_per_job"):
        expected = expected[:1000]   # the newest of each job: the Failed round
    if options.get("limit"):
        expected = expected[:150]
    assert [s["uid"] for s in sessions] == [s["uid"] for s in expected]
    assert unknown == ["never ran"]


def test_a_single_name_too_long_for_any_url_is_an_option_error():
    client = FakeClient([])
    with pytest.raises(EmError, match="Option job_name got 'x{20}.*too long for one request to EM"):
        find_sessions(client, SessionQuery(job_names=["x" * 8000]))
    assert client.calls == []


def test_task_sessions_of_many_sessions_are_fetched_with_short_urls():
    client = FakeClient([entity(n) for n in range(600)])
    find_sessions(client, SessionQuery(include_task_sessions=True))
    tasks = [url for url, call in zip(client.urls, client.calls) if call[1]["type"] == "BackupTaskSession"]
    assert len(tasks) > 1 and max(len(url) for url in tasks) <= 7500


# -- fail closed --------------------------------------------------------------------------

class AnswerClient(FakeClient):
    """Answers every query with the same body."""

    def __init__(self, body):
        super(AnswerClient, self).__init__([])
        self.body = body

    def get(self, path, params=None):
        self.calls.append((path, dict(params or [])))
        return self.body


PAGE_OF_ONE = {"entities": {"backupjobsessions": {"backupjobsessions": [lower_keys(entity(1))]}},
               "paginginfo": {"pagesize": 1, "pagescount": 1}}


@pytest.mark.parametrize("body, what", [
    (None, "an empty body"),
    ({}, "a body without a page count"),
    ([], "a JSON list"),
    ("<html>proxy</html>", "a JSON str"),
    ({"entities": {"backupjobsessions": {"backupjobsessions": []}}}, "a body without a page count"),
    ({"entities": None, "paginginfo": {"pagescount": "2"}}, "a body without a page count"),
    ({"entities": None, "paginginfo": {"pagescount": 2}}, "a page of 2 without its entity list"),
    ({"entities": {"backupjobsessions": {"backupjobsessions": "x"}}, "paginginfo": {"pagescount": 1}},
     "an entity list that is not a list"),
])
def test_a_body_that_is_not_a_query_result_is_an_error_not_no_sessions(body, what):
    with pytest.raises(EmError) as caught:
        find_sessions(AnswerClient(body), SessionQuery(state="running"))
    assert caught.value.msg == ("EM answered GET /api/query?type=BackupJobSession (page 1) with %s, not a QueryResult "
                                "with PagingInfo: refusing to read it as \"no sessions\"." % what)


def test_an_empty_result_is_still_no_sessions():
    body = {"entities": {"backupjobsessions": {"backupjobsessions": []}}, "paginginfo": {"pagescount": 0}}
    assert find_sessions(AnswerClient(body), SessionQuery(state="running")) == ([], [])


def test_a_huge_page_count_is_refused_before_reading_on():
    client = AnswerClient(dict(PAGE_OF_ONE, paginginfo={"pagesize": 1, "pagescount": 10 ** 9}))
    with pytest.raises(EmError, match=r"EM has 1000000000 pages of 1 for GET /api/query\?type=BackupJobSession, "
                                      r"more than the 1000 pages .* narrow it"):
        find_sessions(client, SessionQuery())
    assert len(client.calls) == 1


def test_with_a_limit_the_pages_read_are_capped_by_the_limit():
    # A server that keeps answering the same page: duplicates never reach the limit.
    client = AnswerClient(dict(PAGE_OF_ONE, paginginfo={"pagesize": 2, "pagescount": 10 ** 9}))
    with pytest.raises(EmError, match="past the 4 this question can need"):
        find_sessions(client, SessionQuery(limit=5))
    # 1 page of 5 holds the limit, plus 3 for sessions pushed down by new ones.
    assert len(client.calls) == 4 and client.calls[0][1]["pageSize"] == "5"


def test_a_restore_operator_gets_one_sentence_about_its_role():
    class Refusing(FakeClient):
        def get(self, path, params=None):
            raise EmError("EM answered 403 to GET /api/query?...: Access denied.", status=403, url="u",
                          body="Access denied.")
    expected = ("EM refused this account access to backup sessions (403 to GET %s: Access denied.): reading "
                "sessions needs the Portal User or Portal Administrator role, which a Restore Operator does not have.")
    with pytest.raises(EmError) as caught:
        find_sessions(Refusing([]), SessionQuery())
    assert caught.value.msg == expected % "/api/query?type=BackupJobSession" and caught.value.status == 403
    with pytest.raises(EmError) as caught:
        get_session(Refusing([]), "821cc74e-9447-40b6-a2df-90aa47101233")
    assert caught.value.msg == expected % "/api/backupSessions/821cc74e-9447-40b6-a2df-90aa47101233"
