# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""veeam_em_info over canned EM answers (the shapes of tests/unit/fixtures/contract).

The integration target veeam_em_info runs the same module against the simulator's
three roles; these cases cover what the simulator cannot be made to answer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_info import (
    negotiated_version, offered_versions, public_url,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import decode_json, lower_keys
from ansible_collections.backupgate.veeam_em.plugins.modules import veeam_em_info as module

BASE = "https://em-prod.lab.example:9398/api/"
TOKEN = "c2Vzc2lvbi10b2tlbi1uZXZlci1zaG93bg=="
PASSWORD = "pa55-word-never-shown"
CONNECTION = dict(url="https://em-prod.lab.example:9398", username="svc-ansible-ro", password=PASSWORD)
LOGOFF = BASE + "logonSessions/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
FORBIDDEN = {"FirstChanceExceptionMessage": None, "Message": "Access denied.", "StackTrace": None,
             "Status": None, "StatusCode": 403}


def _query_type(request):
    return request.qs["type"][0].lower()


@pytest.fixture
def em(requests_mock, fixture_json):
    """An EM v13 front page, a v12 logon answer, and a role that may read everything."""
    requests_mock.post(BASE + "sessionMngr/", status_code=201, headers={"X-RestSvcSessionId": TOKEN},
                       json=fixture_json("contract/v12_logon_session.json"))
    requests_mock.delete(LOGOFF, status_code=204)
    requests_mock.get(BASE, json=fixture_json("contract/v13_enterprise_manager.json"))
    requests_mock.get(BASE + "query", json={"Refs": {"Refs": []}, "Entities": None,
                                            "PagingInfo": {"PageNum": 1, "PageSize": 1, "PagesCount": 0}})
    return requests_mock


def _role(em, may_read_jobs, may_read_sessions=True):
    """Answer the probes as EM does for a role: 403 for a query type it may not use."""
    def answer(request, context):
        allowed = may_read_jobs if _query_type(request) == "nasjob" else may_read_sessions
        context.status_code = 200 if allowed else 403
        return {"Refs": {"Refs": []}, "PagingInfo": {"PageNum": 1, "PageSize": 1, "PagesCount": 0}} if allowed else FORBIDDEN
    em.get(BASE + "query", json=answer)


def test_reports_server_account_and_every_capability(run_module, em):
    result, code = run_module(module.main, CONNECTION)
    assert code == 0 and result["changed"] is False
    assert result["server"] == dict(url=BASE, api_versions=["v1_5", "v1_6", "v1_7"], api_version="v1_7",
                                    api_version_requested="latest", validate_certs=True)
    assert result["account"] == dict(username="LAB\\svc-ansible-ro")
    assert result["can"] == dict(read_sessions=True, read_jobs=True, control_jobs=True)
    assert "warnings" not in result
    # A logon, the front page, two probes and the logoff; nothing else, nothing sent twice.
    assert [(r.method, r.path) for r in em.request_history] == [
        ("POST", "/api/sessionmngr/"), ("GET", "/api/"), ("GET", "/api/query"), ("GET", "/api/query"),
        ("DELETE", "/api/logonsessions/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")]
    assert TOKEN not in str(result) and PASSWORD not in str(result)


def test_probes_are_one_item_queries_that_match_nothing(run_module, em):
    run_module(module.main, CONNECTION)
    probes = [r for r in em.request_history if r.path == "/api/query"]
    assert sorted(_query_type(r) for r in probes) == ["backupjobsession", "nasjob"]
    for probe in probes:
        assert probe.qs["pagesize"] == ["1"] and probe.qs["format"] == ["references"]
        assert probe.qs["filter"][0].startswith("uid==\"urn:veeam:")
        assert probe.qs["filter"][0].endswith(":00000000-0000-0000-0000-000000000000\"")


@pytest.mark.parametrize("may_read_jobs, may_read_sessions, expected", [
    (False, True, dict(read_sessions=True, read_jobs=False, control_jobs=False)),
    (False, False, dict(read_sessions=False, read_jobs=False, control_jobs=False)),
])
def test_a_403_on_a_probe_is_false_not_a_failure(run_module, em, may_read_jobs, may_read_sessions, expected):
    _role(em, may_read_jobs, may_read_sessions)
    result, code = run_module(module.main, CONNECTION)
    assert code == 0 and "failed" not in result
    assert result["can"] == expected
    assert em.request_history[-1].method == "DELETE"


def test_another_error_on_a_probe_fails_naming_status_path_and_em_message(run_module, em):
    em.get(BASE + "query", status_code=500, json={"Message": "The query service is not ready", "StatusCode": 500})
    result, code = run_module(module.main, dict(CONNECTION, retries=0))
    assert code == 1 and result["failed"] is True
    assert result["status"] == 500
    assert result["msg"].startswith("EM answered 500 to GET /api/query?type=")
    assert "The query service is not ready" in result["msg"]
    assert "Traceback" not in result["msg"]
    assert em.request_history[-1].method == "DELETE"


def test_a_wrong_password_fails_without_the_password(run_module, em):
    em.post(BASE + "sessionMngr/", status_code=401, headers={"WWW-Authenticate": "Basic Realm=RestSvc"},
            json={"Message": "Logon failed", "StatusCode": 401})
    result, code = run_module(module.main, CONNECTION)
    assert code == 1 and result["status"] == 401
    assert "svc-ansible-ro" in result["msg"] and PASSWORD not in str(result)
    assert "can" not in result


def test_a_pinned_version_is_the_one_negotiated(run_module, em):
    result, code = run_module(module.main, dict(CONNECTION, api_version="v1_6"))
    assert code == 0
    assert result["server"]["api_version"] == "v1_6" and result["server"]["api_version_requested"] == "v1_6"
    assert em.request_history[0].qs["v"] == ["v1_6"]


def test_check_mode_runs_the_same_read_only_probes(run_module, em):
    result, code = run_module(module.main, CONNECTION, check_mode=True)
    assert code == 0 and result["changed"] is False
    assert result["can"]["control_jobs"] is True
    assert [r.method for r in em.request_history].count("POST") == 1  # the logon only


def test_tls_verification_off_is_a_warning(run_module, em):
    result, code = run_module(module.main, dict(CONNECTION, validate_certs=False))
    assert code == 0 and result["server"]["validate_certs"] is False
    # ansible-core 2.19 returns structured warnings: look at their text.
    assert "not verified" in str(result.get("warnings"))


def test_an_answer_without_versions_or_user_name_is_said_in_warnings(run_module, em):
    em.post(BASE + "sessionMngr/", status_code=201, headers={"X-RestSvcSessionId": TOKEN, "Location": LOGOFF}, json={})
    em.get(BASE, json={"Links": []})
    result, code = run_module(module.main, CONNECTION)
    assert code == 0
    assert result["server"]["api_version"] is None and result["account"]["username"] is None
    assert "listed no API version" in str(result.get("warnings"))
    assert "did not name the account" in str(result.get("warnings"))
    assert em.request_history[-1].url == LOGOFF


def test_bad_input_fails_before_any_request(run_module, requests_mock):
    result, code = run_module(module.main, dict(CONNECTION, url="em-prod.lab.example"))
    assert code == 1 and result["msg"].startswith("Option url got ")
    assert requests_mock.call_count == 0


@pytest.mark.parametrize("document, expected", [
    # EM v13 camelCase: the list wrapped once more (published shape, see contract/README.md)
    ("contract/v13_enterprise_manager.json", ["v1_5", "v1_6", "v1_7"]),
    # PascalCase with a flat list and versions out of order, as the XML-to-JSON mapping may give
    ({"SupportedVersions": [{"Name": "v1_7"}, {"Name": "v1_5"}]}, ["v1_5", "v1_7"]),
    # only the logon links carry the versions
    ({"Links": [{"Rel": "Create", "Href": "https://em/api/sessionMngr/?v=v1_6"},
                {"Rel": "Create", "Href": "https://em/api/sessionMngr/?v=latest"}]}, ["v1_6"]),
    ({"SupportedVersions": None}, []),
    (None, []),
])
def test_offered_versions_reads_every_shape(fixture_json, document, expected):
    data = fixture_json(document) if isinstance(document, str) else document
    assert offered_versions(lower_keys(data)) == expected


def test_offered_versions_sorts_numerically():
    assert offered_versions(decode_json(b'{"SupportedVersions": [{"Name": "v1_10"}, {"Name": "v1_9"}]}')) == ["v1_9", "v1_10"]


@pytest.mark.parametrize("requested, offered, expected", [
    ("latest", ["v1_5", "v1_6", "v1_7"], "v1_7"),
    ("v1_5", ["v1_5", "v1_6", "v1_7"], "v1_5"),
    ("latest", [], None),
])
def test_negotiated_version(requested, offered, expected):
    assert negotiated_version(requested, offered) == expected


def test_public_url_drops_user_information():
    assert public_url("https://svc:secret@em:9398/api/") == "https://em:9398/api/"
