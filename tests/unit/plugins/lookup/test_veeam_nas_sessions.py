# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import sys
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

from ansible_collections.backupgate.veeam_em.plugins.plugin_utils import _lookup_base

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core before 2.19 trusts every template
    def trust_as_template(value):
        return value

NAME = "backupgate.veeam_em.veeam_nas_sessions"
BASE = "https://em.example.com:9398/api/"
PASSWORD = "s3cr3t-pa55"
TOKEN = "NDRjZmJkYmUtNWE5NS00MTU2LTg4NjctOTFmMDY5YjdjMmNj"
LOGOFF = BASE + "logonSessions/44cfbdbe"
CONNECTION = dict(url="https://em.example.com:9398", username="CORP\\svc", password=PASSWORD)
JOB_A = "70073b98-098b-4046-a097-43cbda67d58a"


def entity(number, job="Job A", job_id=JOB_A, result="Success"):
    """A BackupJobSession entity as EM v10-v12 write it."""
    guid = "%08d-0000-0000-0000-000000000000" % number
    return {"UID": "urn:veeam:BackupJobSession:" + guid, "JobName": job, "JobUid": "urn:veeam:Job:" + job_id,
            "JobType": "NasBackup", "State": "Stopped", "Result": result, "Progress": 100, "IsRetry": False,
            "CreationTimeUTC": "2026-11-%02dT22:00:03.4530000Z" % (20 - number),
            "EndTimeUTC": "2026-11-%02dT22:30:03Z" % (20 - number), "FailureMessage": None,
            "Name": "%s@2026-11-%02d" % (job, 20 - number), "Href": BASE + "backupSessions/" + guid, "Links": []}


def query_page(entities):
    return {"Refs": None, "PagingInfo": {"PageNum": 1, "PageSize": 500, "PagesCount": 1},
            "Entities": {"Jobs": None, "BackupJobSessions": {"BackupJobSessions": entities}}}


@pytest.fixture
def em(requests_mock):
    """A fake EM with two sessions of Job A and the NAS job list [Job A]."""
    requests_mock.post(BASE + "sessionMngr/?v=latest", status_code=201, headers={"X-RestSvcSessionId": TOKEN},
                       json={"Links": [{"Rel": "Delete", "Href": "https://localhost:9398/api/logonSessions/44cfbdbe"}]})
    requests_mock.delete(LOGOFF, status_code=204)
    requests_mock.sessions = [entity(1), entity(2)]

    def answer(request, context):
        # EM's query service: the job names of the filter, compared case-insensitively.
        text = parse_qs(urlsplit(request.url).query)["filter"][0]
        names = [n.replace('""', '"').lower() for n in re.findall(r'JobName=="((?:[^"]|"")*)"', text)]
        return query_page([e for e in requests_mock.sessions if not names or e["JobName"].lower() in names])
    requests_mock.get(BASE + "query", json=answer)
    return requests_mock


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for suffix in ("URL", "USERNAME", "PASSWORD", "VALIDATE_CERTS", "CA_PATH", "TIMEOUT"):
        monkeypatch.delenv("VEEAM_EM_" + suffix, raising=False)


@pytest.fixture
def lookup():
    plugin = lookup_loader.get(NAME)
    assert plugin is not None, "the plugin loader does not find %s" % NAME
    return plugin


@pytest.fixture
def warnings(lookup, monkeypatch):
    """The warnings the lookup shows through Display."""
    shown = []
    monkeypatch.setattr(_lookup_base.display, "warning", mock.Mock(side_effect=shown.append))
    return shown


def query_filter(requests_mock):
    queries = [r for r in requests_mock.request_history if urlsplit(r.url).path.endswith("/api/query")]
    assert queries, "no query was sent"
    return parse_qs(urlsplit(queries[0].url).query)["filter"][0]


def logged_off(requests_mock):
    return [r.method for r in requests_mock.request_history].count("DELETE") == 1


def failure(lookup, terms=(), variables=None, **kwargs):
    with pytest.raises(AnsibleLookupError) as caught:
        lookup.run(list(terms), variables=variables or {}, **kwargs)
    message = str(caught.value)
    assert PASSWORD not in message and TOKEN not in message
    return message


def test_returns_the_session_schema_newest_first_and_logs_off(lookup, em):
    sessions = lookup.run(["Job A"], variables={}, **CONNECTION)
    assert [s["id"] for s in sessions] == ["00000001-0000-0000-0000-000000000000", "00000002-0000-0000-0000-000000000000"]
    assert sessions[0]["creation_time"] == "2026-11-19T22:00:03Z"
    assert sessions[0]["duration_seconds"] == 1799.547
    assert sorted(sessions[0]) == sorted([
        "id", "uid", "name", "job_id", "job_name", "job_type", "state", "result", "progress", "is_retry",
        "creation_time", "end_time", "duration_seconds", "failure_message", "backup_server", "href"])
    assert query_filter(em) == 'JobType==NasBackup;JobName=="Job A"'
    assert logged_off(em)


def test_no_terms_asks_for_every_nas_job(lookup, em):
    lookup.run([], variables={}, **CONNECTION)
    assert query_filter(em) == "JobType==NasBackup"


def test_several_terms_and_a_list_term_are_all_job_names(lookup, em):
    em.sessions += [entity(3, 'B "x"; y,=z'), entity(4, "C")]
    lookup.run(["Job A", ['B "x"; y,=z', "C"]], variables={}, **CONNECTION)
    assert query_filter(em) == 'JobType==NasBackup;(JobName=="Job A",JobName=="B ""x""; y,=z",JobName=="C")'


def test_filters_reach_the_query(lookup, em):
    lookup.run(["Job A"], variables={}, state="stopped", result=["Failed", "Warning"],
               created_after="2026-11-01T00:00:00Z", created_before="2026-11-20T00:00:00", **CONNECTION)
    assert query_filter(em) == (
        'JobType==NasBackup;JobName=="Job A";State==Stopped;(Result==Failed,Result==Warning);'
        'CreationTime>="2026-11-01T00:00:00Z";CreationTime<"2026-11-20T00:00:00Z"')


def test_latest_per_job_and_limit(lookup, em):
    assert len(lookup.run(["Job A"], variables={}, latest_per_job=True, **CONNECTION)) == 1
    assert len(lookup.run([], variables={}, limit=1, **CONNECTION)) == 1


def test_connection_options_from_variables(lookup, em):
    variables = dict(veeam_em_url=CONNECTION["url"], veeam_em_username="CORP\\svc", veeam_em_password=PASSWORD)
    assert len(lookup.run([], variables=variables)) == 2
    assert em.request_history[0].headers["Authorization"].startswith("Basic ")


def test_connection_options_from_the_environment(lookup, em, monkeypatch):
    monkeypatch.setenv("VEEAM_EM_URL", CONNECTION["url"])
    monkeypatch.setenv("VEEAM_EM_USERNAME", "CORP\\svc")
    monkeypatch.setenv("VEEAM_EM_PASSWORD", PASSWORD)
    monkeypatch.setenv("VEEAM_EM_TIMEOUT", "7")
    assert len(lookup.run([], variables={})) == 2
    assert em.request_history[0].timeout == 7


def test_keyword_beats_variable_beats_environment(lookup, em, monkeypatch):
    monkeypatch.setenv("VEEAM_EM_URL", "https://from-env.example:9398")
    monkeypatch.setenv("VEEAM_EM_USERNAME", "env-user")
    monkeypatch.setenv("VEEAM_EM_PASSWORD", PASSWORD)
    variables = dict(veeam_em_url="https://from-vars.example:9398", veeam_em_username="vars-user")
    lookup.run([], variables=variables, url=CONNECTION["url"])
    assert em.request_history[0].url.startswith(BASE)
    assert lookup.get_option("username") == "vars-user"
    assert lookup.get_option("password") == PASSWORD


def test_a_missing_required_option_is_named_with_its_sources_and_nothing_is_sent(lookup, em):
    message = failure(lookup, username="u", password=PASSWORD)
    assert message == ("Option url is required: give it as a keyword url=... or the variable veeam_em_url "
                       "or the environment variable VEEAM_EM_URL.")
    assert em.call_count == 0


def test_a_password_of_the_wrong_type_is_not_echoed(lookup, em):
    message = failure(lookup, url=CONNECTION["url"], username="u", password={"secret": PASSWORD})
    assert message == "Option password has an invalid value: expected a string."
    assert em.call_count == 0


def test_templated_variables_are_rendered(em):
    templar = Templar(loader=DataLoader(), variables={"em_host": "em.example.com"})
    plugin = lookup_loader.get(NAME, templar=templar)
    variables = dict(veeam_em_url=trust_as_template("https://{{ em_host }}:9398"), veeam_em_username="u",
                     veeam_em_password=trust_as_template("{{ 's3cr3t' }}-pa55"), veeam_em_timeout=trust_as_template("{{ 5 + 4 }}"))
    assert len(plugin.run([], variables=variables)) == 2
    assert em.request_history[0].url.startswith(BASE)
    assert em.request_history[0].timeout == 9
    assert plugin.get_option("password") == PASSWORD


@pytest.mark.parametrize("options, expected", [
    (dict(created_after="yesterday"), "Option created_after got 'yesterday': expected an ISO-8601 date-time"),
    (dict(created_after="24h", created_before="2000-01-01T00:00:00Z"), "Option created_before got '2000-01-01T00:00:00Z': must be later"),
    (dict(job_id=["not-a-guid"]), "Option job_id got 'not-a-guid'"),
    (dict(limit=0), "Option limit got 0"),
    (dict(state="sleeping"), "Option state got 'sleeping': expected one of any, "),
    (dict(result=["Fine"]), "Option result got ['Fine']: expected a list of items from "),
    (dict(limit="ten"), "Option limit got 'ten': expected an integer."),
    (dict(url="em.example.com"), "Option url got 'em.example.com'"),
    (dict(timeout=0), "Option timeout got 0"),
])
def test_bad_input_is_one_sentence_naming_option_and_value_before_any_request(lookup, em, options, expected):
    kwargs = dict(CONNECTION)
    kwargs.update(options)
    message = failure(lookup, ["Job A"], **kwargs)
    assert message.startswith(expected)
    assert "\n" not in message
    assert em.call_count == 0


def test_a_non_string_value_for_limit_names_the_value(lookup, em):
    assert "'ten'" in failure(lookup, limit="ten", **CONNECTION)


@pytest.mark.parametrize("terms", [[""], [None], [{"name": "Job A"}], [["Job A", 3]]])
def test_a_term_that_is_not_a_job_name_is_refused(lookup, em, terms):
    assert "is not a job name" in failure(lookup, terms, **CONNECTION)
    assert em.call_count == 0


@pytest.mark.parametrize("keyword, hint", [
    ("session_id", "veeam_nas_session_info"), ("job_name", "as terms"), ("creatd_after", "created_after"),
])
def test_an_unknown_keyword_is_refused_not_ignored(lookup, em, keyword, hint):
    kwargs = dict(CONNECTION)
    kwargs[keyword] = "x"
    message = failure(lookup, **kwargs)
    assert message.startswith("Unknown option %s" % keyword) and hint in message
    assert em.call_count == 0


def test_an_unknown_keyword_is_named_before_a_missing_option(lookup, em):
    assert failure(lookup, urll=CONNECTION["url"]).startswith("Unknown option urll for this lookup")


def test_job_names_without_any_session_fail_naming_them_after_logging_off(lookup, em):
    message = failure(lookup, ["Job A", "Nope", "Gone"], created_after="2026-11-21T00:00:00Z", **CONNECTION)
    assert message == ("EM has no session at all of a NAS backup job named 'Nope', 'Gone': "
                       "no such job exists, or it has never run.")
    assert logged_off(em)
    assert not [r for r in em.request_history if "nas/jobs" in r.url]


def test_job_ids_without_any_session_are_named_too(lookup, em):
    other = "11111111-2222-3333-4444-555555555555"
    em.sessions = []
    message = failure(lookup, ["Nope"], job_id=["urn:veeam:Job:" + other], **CONNECTION)
    assert message == ("EM has no session at all of a NAS backup job named 'Nope' or of one with id %s: "
                       "no such job exists, or it has never run." % other)


def test_a_job_differing_only_in_case_is_not_returned(lookup, em):
    em.sessions = [entity(1, "JOB A", "00000000-0000-0000-0000-0000000000aa"), entity(2)]
    assert [s["job_name"] for s in lookup.run(["Job A"], variables={}, **CONNECTION)] == ["Job A"]


def test_a_known_job_without_sessions_is_an_empty_list(lookup, em):
    em.get(BASE + "query", [{"json": query_page([])}, {"json": query_page([entity(1)])}])
    assert lookup.run(["Job A"], variables={}, **CONNECTION) == []


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyError("entities"), ZeroDivisionError("division by zero")])
def test_any_unexpected_error_is_a_lookup_error_after_logging_off(lookup, em, monkeypatch, error):
    plugin_module = sys.modules[type(lookup).__module__]
    monkeypatch.setattr(plugin_module, "find_sessions", mock.Mock(side_effect=error))
    message = failure(lookup, ["Job A"], **CONNECTION)
    assert message == "Unexpected %s while reading NAS backup sessions from EM: %s" % (type(error).__name__, error)
    assert logged_off(em)


def test_an_unexpected_error_before_the_logon_is_a_lookup_error_too(lookup, em, monkeypatch):
    monkeypatch.setattr(_lookup_base, "client_from_options", mock.Mock(side_effect=TypeError("bad client")))
    message = failure(lookup, ["Job A"], **CONNECTION)
    assert message == "Unexpected TypeError while reading NAS backup sessions from EM: bad client"
    assert em.call_count == 0


def test_a_variable_that_cannot_be_templated_is_named_without_its_value(em):
    plugin = lookup_loader.get(NAME, templar=Templar(loader=DataLoader(), variables={}))
    message = failure(plugin, variables=dict(veeam_em_url=trust_as_template("https://{{ em_host }}:9398"),
                                             veeam_em_username="u", veeam_em_password=PASSWORD))
    assert message.startswith("Variable veeam_em_url could not be templated: ") and "em_host" in message
    assert "\n" not in message
    message = failure(plugin, variables=dict(veeam_em_url=CONNECTION["url"], veeam_em_username="u",
                                             veeam_em_password=trust_as_template("{{ vault_" + PASSWORD + " }}")))
    assert message == "Variable veeam_em_password could not be templated."
    assert em.call_count == 0


def test_server_errors_name_status_path_and_em_message_and_log_off(lookup, em):
    em.get(BASE + "query", status_code=500, json={"Message": "Query service is unavailable", "StatusCode": 500})
    message = failure(lookup, **CONNECTION)
    assert message.startswith("EM answered 500 to GET /api/query?")
    assert message.endswith("Query service is unavailable.")
    assert logged_off(em)


def test_a_refused_logon_names_the_user_not_the_password(lookup, em):
    em.post(BASE + "sessionMngr/?v=latest", status_code=401, json={"Message": "Unauthorized"})
    message = failure(lookup, **CONNECTION)
    assert "CORP\\svc" in message and "401" in message


def test_validate_certs_false_warns_once(lookup, em, warnings):
    lookup.run([], variables={}, validate_certs=False, **CONNECTION)
    assert warnings == ["validate_certs is false: the TLS certificate of Enterprise Manager is not verified."]
    assert em.request_history[0].verify is False


def test_ca_path_is_used_to_verify(lookup, em, warnings, tmp_path):
    ca = tmp_path / "ca.pem"
    # The client refuses a ca_path without a PEM certificate before any request.
    with open(requests.certs.where(), "rb") as bundle:
        ca.write_bytes(bundle.read())
    lookup.run([], variables={"veeam_em_ca_path": str(ca)}, **CONNECTION)
    assert em.request_history[0].verify == str(ca)
    assert warnings == []


@pytest.mark.parametrize("source", ["environment", "variable", "keyword"])
def test_an_empty_ca_path_means_no_ca_file(lookup, em, monkeypatch, source):
    # AWX's credential type (extensions/awx/) sets VEEAM_EM_CA_PATH empty when the credential has no CA
    # certificate; the config system alone would read it as the current directory and refuse it.
    variables, keywords = {}, dict(CONNECTION)
    if source == "environment":
        monkeypatch.setenv("VEEAM_EM_CA_PATH", "")
    elif source == "variable":
        variables["veeam_em_ca_path"] = ""
    else:
        keywords["ca_path"] = ""
    lookup.run([], variables=variables, **keywords)
    assert em.request_history[0].verify is True


def test_an_empty_environment_ca_path_does_not_hide_a_variable(lookup, em, monkeypatch, tmp_path):
    ca = tmp_path / "ca.pem"
    with open(requests.certs.where(), "rb") as bundle:
        ca.write_bytes(bundle.read())
    monkeypatch.setenv("VEEAM_EM_CA_PATH", "")
    lookup.run([], variables={"veeam_em_ca_path": str(ca)}, **CONNECTION)
    assert em.request_history[0].verify == str(ca)


def test_client_warnings_are_shown(lookup, em, warnings):
    em.delete(LOGOFF, status_code=500)
    assert len(lookup.run([], variables={}, **CONNECTION)) == 2
    assert warnings == ["Logging off from EM answered 500 for DELETE /api/logonSessions/44cfbdbe."]


def test_missing_requests_is_one_clear_error_before_any_request(lookup, em, monkeypatch):
    monkeypatch.setattr(_lookup_base, "HAS_REQUESTS", False)
    message = failure(lookup, **CONNECTION)
    assert message.startswith("Failed to import the required Python library (requests)")
    assert em.call_count == 0


def test_task_sessions_on_request(lookup, em):
    em.get(BASE + "query", [
        {"json": query_page([entity(1)])},
        {"json": {"PagingInfo": {"PagesCount": 1}, "Entities": {"BackupTaskSessions": {"BackupTaskSessions": [
            {"UID": "urn:veeam:BackupTaskSession:t1", "Name": "\\\\fs01\\projects", "State": "Completed",
             "Result": "Success", "JobSessionUid": "urn:veeam:BackupJobSession:00000001-0000-0000-0000-000000000000",
             "CreationTimeUTC": "2026-11-19T22:00:05Z", "EndTimeUTC": "2026-11-19T22:10:05Z", "TotalSize": 10}]}}}},
    ])
    sessions = lookup.run(["Job A"], variables={}, include_task_sessions=True, **CONNECTION)
    assert [t["id"] for t in sessions[0]["task_sessions"]] == ["t1"]
