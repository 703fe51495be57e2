# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils import _module_runner
from ansible_collections.backupgate.veeam_em.plugins.modules import veeam_nas_session_info as module

BASE = "https://em.example.com:9398/api/"
TOKEN = "dG9rZW4tdGhhdC1tdXN0LW5vdC1sZWFr"
CONNECTION = dict(url="https://em.example.com:9398", username="svc", password="pa55-word")


@pytest.fixture
def em(requests_mock, fixture_json):
    requests_mock.post(BASE + "sessionMngr/?v=latest", status_code=201, headers={"X-RestSvcSessionId": TOKEN},
                       json={"SessionId": "sid"})
    requests_mock.delete(BASE + "logonSessions/sid", status_code=204)
    page = {"Refs": None, "Entities": {"BackupJobSessions": {"BackupJobSessions": [
        fixture_json("session_v10_pascal.json")]}, "Jobs": None},
        "PagingInfo": {"PageNum": 1, "PageSize": 500, "PagesCount": 1}}
    requests_mock.get(BASE + "query", json=page)
    return requests_mock


def test_lists_sessions_and_logs_off(run_module, em):
    result, code = run_module(module.main, dict(CONNECTION, job_name=["Archived Projects"], created_after="24h"))
    assert code == 0 and result["changed"] is False
    assert result["count"] == 1 and result["sessions"][0]["job_name"] == "Archived Projects"
    assert result["unknown_jobs"] == []
    assert [r.method for r in em.request_history] == ["POST", "GET", "DELETE"]
    assert TOKEN not in str(result) and "pa55-word" not in str(result)


def test_runs_in_check_mode(run_module, em):
    result, code = run_module(module.main, dict(CONNECTION, state="running"), check_mode=True)
    assert code == 0 and result["changed"] is False and result["count"] == 1
    assert [r.method for r in em.request_history] == ["POST", "GET", "DELETE"]
    # From the URL itself: requests_mock's ``qs`` lower-cases the values.
    assert "State!=Stopped" in parse_qs(urlsplit(em.request_history[1].url).query)["filter"][0]


@pytest.mark.parametrize("args, option", [
    (dict(created_after="last tuesday"), "created_after"),
    (dict(session_id="42"), "session_id"),
    (dict(job_id=["urn:veeam:Job:nope"]), "job_id"),
    (dict(limit=0), "limit"),
    (dict(url="em.example.com"), "url"),
])
def test_bad_input_fails_before_any_request(run_module, requests_mock, args, option):
    result, code = run_module(module.main, dict(CONNECTION, **args))
    assert code == 1 and result["failed"] is True
    assert result["msg"].startswith("Option %s got " % option)
    assert requests_mock.call_count == 0


def test_session_id_excludes_filters(run_module, requests_mock):
    result, code = run_module(module.main, dict(CONNECTION, session_id="821cc74e-9447-40b6-a2df-90aa47101233",
                                                job_name=["A"]))
    assert code == 1 and "mutually exclusive" in result["msg"]
    assert requests_mock.call_count == 0


def test_connection_options_fall_back_to_the_environment(run_module, em, monkeypatch):
    monkeypatch.setenv("VEEAM_EM_URL", "https://em.example.com:9398/api/")
    monkeypatch.setenv("VEEAM_EM_USERNAME", "svc")
    monkeypatch.setenv("VEEAM_EM_PASSWORD", "pa55-word")
    result, code = run_module(module.main, dict(limit=1))
    assert code == 0 and result["count"] == 1


def test_server_errors_fail_with_status_and_em_message(run_module, em):
    em.get(BASE + "backupSessions/821cc74e-9447-40b6-a2df-90aa47101233", status_code=404,
           json={"Message": "Backup session not found", "StatusCode": 404})
    result, code = run_module(module.main, dict(CONNECTION, session_id="821cc74e-9447-40b6-a2df-90aa47101233"))
    assert code == 1
    assert result["msg"] == "EM knows no backup session with id 821cc74e-9447-40b6-a2df-90aa47101233."
    assert result["status"] == 404 and result["body"] == "Backup session not found"
    assert em.request_history[-1].method == "DELETE"


def test_missing_requests_is_reported(run_module, monkeypatch):
    monkeypatch.setattr(_module_runner, "HAS_REQUESTS", False)
    monkeypatch.setattr(_module_runner, "REQUESTS_IMPORT_ERROR", "Traceback: no requests")
    result, code = run_module(module.main, dict(CONNECTION))
    assert code == 1 and "requests" in result["msg"]


def test_insecure_connection_is_warned_about(run_module, em):
    result, code = run_module(module.main, dict(CONNECTION, validate_certs=False))
    assert code == 0, result
    assert "not verified" in str(result.get("warnings")), result
