# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The wire layer over EM answers in the shapes real servers published.

The fixtures (tests/unit/fixtures/contract, sources in its README.md) are served as raw
bytes through requests_mock to the real EmClient, so decoding (byte-order mark, casing),
paging and normalising run as they do against EM.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import EmClient
from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_info import offered_versions
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import (
    normalise_session, normalise_task_session, query_entities,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import decode_json, find_link, strip_urn

HERE = os.path.dirname(os.path.abspath(__file__))
CONTRACT = os.path.join(HERE, "..", "..", "fixtures", "contract")
MODULE_UTILS = os.path.join(HERE, "..", "..", "..", "..", "plugins", "module_utils")
BASE = "https://em-prod.lab.example:9398/api/"
TOKEN = "dG9rZW4tb2YtdGhlLWNvbnRyYWN0LXRlc3Q="
BOM = b"\xef\xbb\xbf"
SESSION_KEYS = sorted(["id", "uid", "name", "job_id", "job_name", "job_type", "state", "result", "progress",
                       "is_retry", "creation_time", "end_time", "duration_seconds", "failure_message",
                       "backup_server", "href"])
# Bare lower-case keys module_utils reads from the collection's own dicts (sessions, plans,
# verdicts, results) and from requests' hooks, never from EM's JSON.
COLLECTION_KEYS = frozenset([
    "id", "jobs", "hosts", "host", "passed", "window", "running", "now", "lookback", "span", "since",
    "sessions", "scope", "query", "predicted", "url", "task", "session", "diff", "changed", "env", "vars",
    "response",
])
_READ_KEY = re.compile(r"""(?:\.get\(|\[)["']([a-z]+)["']""")


def _raw(name):
    with open(os.path.join(CONTRACT, name), "rb") as handle:
        return handle.read()


def _fixtures():
    return sorted(name for name in os.listdir(CONTRACT) if name.endswith(".json"))


def _wire_keys():
    keys = []
    with open(os.path.join(CONTRACT, "wire_keys.txt"), encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                keys.append(line.split()[0])
    return keys


def _keys_of(data):
    if isinstance(data, dict):
        found = set(data)
        for value in data.values():
            found |= _keys_of(value)
        return found
    if isinstance(data, list):
        return set().union(*[_keys_of(value) for value in data]) if data else set()
    return set()


def _session_entities(name):
    body = decode_json(_raw(name))
    if "uid" in body:
        return [body]
    return body["entities"]["backupjobsessions"]["backupjobsessions"]


# -- the key list ------------------------------------------------------------------

def test_every_key_the_collection_reads_is_in_a_published_shape():
    seen = set()
    for name in _fixtures():
        seen |= _keys_of(decode_json(_raw(name)))
    missing = [key for key in _wire_keys() if key not in seen]
    assert missing == [], "keys of wire_keys.txt in no contract fixture: %s" % missing


def test_module_utils_reads_no_key_missing_from_the_list():
    listed = set(_wire_keys()) | COLLECTION_KEYS
    unlisted = {}
    for name in sorted(os.listdir(MODULE_UTILS)):
        if name.endswith(".py"):
            with open(os.path.join(MODULE_UTILS, name), encoding="utf-8") as handle:
                for key in _READ_KEY.findall(handle.read()):
                    if key not in listed:
                        unlisted.setdefault(key, []).append(name)
    assert unlisted == {}, ("module_utils reads keys that are neither in fixtures/contract/wire_keys.txt "
                            "(with a fixture holding them) nor known collection keys: %s" % unlisted)


@pytest.mark.parametrize("name", _fixtures())
def test_every_fixture_is_one_json_document_once_decoded(name):
    assert isinstance(decode_json(_raw(name)), dict)


# -- sessions --------------------------------------------------------------------

@pytest.mark.parametrize("name, count", [
    ("v10_nas_session_entity.json", 1),
    ("v12_query_entities_page1.json", 2),
    ("v12_query_entities_page2.json", 1),
    ("v13_query_entities_camel.json", 2),
])
def test_every_published_session_shape_normalises_to_the_one_schema(name, count):
    sessions = [normalise_session(entity) for entity in _session_entities(name)]
    assert len(sessions) == count
    for session in sessions:
        assert sorted(session) == SESSION_KEYS
        assert re.match(r"^[0-9a-f-]{36}$", session["id"]) and session["uid"].endswith(session["id"])
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", session["creation_time"])
        assert session["job_type"] == "NasBackup" and session["backup_server"] == "vbr-east.lab.example"
        assert isinstance(session["progress"], int) and isinstance(session["is_retry"], bool)


def test_v10_entity():
    session = normalise_session(_session_entities("v10_nas_session_entity.json")[0])
    assert session["job_name"] == "Legal Archive" and session["job_id"] == "5e0b7a13-2c4d-4f6e-8a9b-0c1d2e3f4a5b"
    assert (session["creation_time"], session["end_time"]) == ("2021-03-09T19:30:02Z", "2021-03-09T20:05:48Z")
    assert session["duration_seconds"] == 2146.783
    assert session["failure_message"] is None and session["result"] == "Success"


def test_v12_running_session_without_end_time_and_a_warning():
    running, warned = [normalise_session(e) for e in _session_entities("v12_query_entities_page1.json")]
    assert (running["state"], running["result"], running["end_time"], running["duration_seconds"]) == \
        ("Working", "None", None, None)
    assert running["progress"] == 37
    assert warned["result"] == "Warning" and warned["failure_message"].startswith("Some files were skipped")


def test_v12_seven_fraction_digits_and_a_retry():
    failed = normalise_session(_session_entities("v12_query_entities_page2.json")[0])
    assert failed["is_retry"] is True and failed["result"] == "Failed"
    assert failed["duration_seconds"] == 188.593


def test_v13_camel_case_with_a_missing_failure_message():
    done, failed = [normalise_session(e) for e in _session_entities("v13_query_entities_camel.json")]
    assert done["job_name"] == u"CAD \u00dcbergabe" and done["name"].endswith("22:15:07.482913")
    assert done["end_time"] == "2026-05-04T22:40:51Z"
    assert failed["failure_message"] is None and failed["result"] == "Failed"


def test_task_sessions_of_a_published_shape():
    body = decode_json(_raw("v12_task_sessions_entities.json"))
    tasks = [normalise_task_session(e) for e in body["entities"]["backuptasksessions"]["backuptasksessions"]]
    assert [t["object_name"] for t in tasks] == ["\\\\fs-legal\\contracts", "\\\\fs-legal\\archive"]
    assert tasks[0]["reason"] == "1 file was skipped because it is in use" and tasks[1]["reason"] is None
    assert tasks[0]["total_size"] == 52613349376
    assert tasks[1]["duration_seconds"] == 706.67


# -- through the real client ----------------------------------------------------------

@pytest.fixture
def em(requests_mock):
    requests_mock.post(BASE + "sessionMngr/", status_code=201, headers={"X-RestSvcSessionId": TOKEN},
                       content=_raw("v12_logon_session.json"))
    requests_mock.delete(BASE + "logonSessions/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", status_code=204)
    return requests_mock


def _client():
    return EmClient("https://em-prod.lab.example:9398", "svc-ansible-ro", "pw", retries=0, sleep=lambda s: None)


def test_query_pages_of_the_v12_shape_are_read_to_the_last(em):
    def page(request, context):
        return _raw("v12_query_entities_page%s.json" % request.qs["page"][0])
    em.get(BASE + "query", content=page)
    with _client() as client:
        entities = list(query_entities(client, "BackupJobSession", "JobType==NasBackup", "CreationTime", page_size=2))
    assert [strip_urn(e["uid"])[:8] for e in entities] == ["d6e5f4a3", "e7f6a5b4", "f8a7b6c5"]
    assert [r.qs.get("page") for r in em.request_history if r.method == "GET"] == [["1"], ["2"]]
    # logged off through the Delete link of the published LogonSession shape
    assert em.request_history[-1].method == "DELETE"


def test_the_camel_case_shape_with_a_byte_order_mark_through_the_client(em):
    # The file has no byte-order mark (ansible-test's sanity refuses one); EM's answer may.
    em.get(BASE + "query", content=BOM + _raw("v13_query_entities_camel.json"))
    with _client() as client:
        entities = list(query_entities(client, "BackupJobSession", "JobType==NasBackup", "CreationTime"))
    assert [normalise_session(e)["state"] for e in entities] == ["Stopped", "Stopped"]


def test_em_error_body_gives_the_message(em):
    em.get(BASE + "nas/jobs", status_code=403, content=_raw("v9_error_body.json"))
    with pytest.raises(EmError) as raised:
        with _client() as client:
            client.get("nas/jobs")
    assert raised.value.status == 403
    assert "EM answered 403 to GET /api/nas/jobs" in raised.value.msg
    assert "Access denied. The account has no role that allows this operation." in raised.value.msg


def test_front_page_and_logon_shapes():
    assert offered_versions(decode_json(_raw("v13_enterprise_manager.json"))) == ["v1_5", "v1_6", "v1_7"]
    logon = decode_json(_raw("v12_logon_session.json"))
    assert logon["username"] == "LAB\\svc-ansible-ro"
    assert find_link(logon, "Delete")["href"].endswith("/logonSessions/" + logon["sessionid"])


def test_nas_job_shapes():
    refs = decode_json(_raw("v10_nas_jobs_references.json"))["refs"]
    assert [strip_urn(r["uid"]) for r in refs] == [
        "5e0b7a13-2c4d-4f6e-8a9b-0c1d2e3f4a5b", "a7f3c2e1-9b8d-4c6a-b5e4-d3c2b1a09f8e"]
    # EM's NasJobReference Href points at /agents/jobs; the Alternate link is the right one.
    assert "/agents/jobs/" in refs[0]["href"]
    assert find_link(refs[0], "Alternate")["href"].endswith("/nas/jobs/%s?format=Entity" % strip_urn(refs[0]["uid"]))
    job = decode_json(_raw("v10_nas_job_entity.json"))
    assert job["scheduleenabled"] is False
    assert find_link(job, "Stop")["href"].endswith("/stop")


def test_task_shape():
    task = decode_json(_raw("v12_task_finished.json"))
    assert (task["taskid"], task["state"], task["operation"]) == ("task-7", "Finished", "StopNasJob")
    assert task["result"] == {"success": True, "message": 'Job "Design Shares" triggered to stop.'}
