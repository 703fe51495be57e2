# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


import base64

import pytest
import requests

from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import EmClient, normalise_base_url
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError

BASE = "https://em.example.com:9398/api/"
LOGON = BASE + "sessionMngr/?v=latest"
TOKEN = "NDRjZmJkYmUtNWE5NS00MTU2LTg4NjctOTFmMDY5YjdjMmNj"
LOGOFF = BASE + "logonSessions/44cfbdbe-5a95-4156-8867-91f069b7c2cc"


def logon_body(delete_href="https://localhost:9398/api/logonSessions/44cfbdbe-5a95-4156-8867-91f069b7c2cc"):
    return {"Links": [{"Rel": "Delete", "Href": delete_href}], "UserName": "CORP\\svc", "SessionId": "44cfbdbe-5a95-4156-8867-91f069b7c2cc"}


@pytest.fixture
def em(requests_mock):
    headers = {"X-RestSvcSessionId": TOKEN, "Set-Cookie": "X-RestSvcSessionId=stale; Path=/api"}
    requests_mock.post(LOGON, status_code=201, headers=headers, json=logon_body())
    requests_mock.delete(LOGOFF, status_code=204)
    return requests_mock


def client(**kwargs):
    sleeps = []
    options = dict(url="https://em.example.com:9398", username="CORP\\svc", password="s3cr3t ü", sleep=sleeps.append)
    options.update(kwargs)
    made = EmClient(**options)
    made.sleeps = sleeps
    return made


@pytest.mark.parametrize("url", [
    "https://em.example.com:9398", "https://em.example.com:9398/", "https://em.example.com:9398/api",
    "https://em.example.com:9398/api/", " https://em.example.com:9398/API ",
])
def test_every_accepted_url_form_gives_the_same_base(url):
    assert normalise_base_url(url) == BASE


@pytest.mark.parametrize("url", ["em.example.com:9398", "ftp://em", "https://", ""])
def test_a_bad_url_names_the_option(url):
    with pytest.raises(EmOptionError, match="Option url got"):
        normalise_base_url(url)


def test_bad_options_are_refused_before_any_request(requests_mock):
    with pytest.raises(EmOptionError, match="api_version"):
        client(api_version="v2")
    with pytest.raises(EmOptionError, match="timeout"):
        client(timeout=0)
    with pytest.raises(EmOptionError, match="password") as caught:
        client(password="")
    assert requests_mock.call_count == 0
    assert "s3cr3t" not in caught.value.msg


def test_logon_sends_basic_auth_and_json_accept_then_logs_off(em):
    with client() as c:
        pass
    logon, logoff = em.request_history
    expected = base64.b64encode("CORP\\svc:s3cr3t ü".encode("utf-8")).decode("ascii")
    assert logon.headers["Authorization"] == "Basic " + expected
    assert logon.headers["Accept"] == "application/json"
    assert logon.headers["Content-Length"] == "0"
    # The Delete link says localhost: only its path is used, on our host.
    assert logoff.url == LOGOFF
    assert logoff.headers["X-RestSvcSessionId"] == TOKEN
    assert c.warnings == []


def test_requests_carry_the_header_token_and_never_a_cookie(em):
    em.get(BASE + "nas/jobs", json={"Refs": []})
    with client() as c:
        c.get("nas/jobs")
    get = em.request_history[1]
    assert get.headers["X-RestSvcSessionId"] == TOKEN
    assert "Cookie" not in get.headers


def test_logoff_happens_when_the_work_fails(em):
    em.get(BASE + "nas/jobs", status_code=500, json={"Message": "boom", "StatusCode": 500})
    with pytest.raises(EmError):
        with client(retries=0) as c:
            c.get("nas/jobs")
    assert em.request_history[-1].method == "DELETE"


def test_logoff_without_a_delete_link_uses_the_session_id(requests_mock):
    requests_mock.post(LOGON, status_code=201, headers={"X-RestSvcSessionId": TOKEN},
                       json={"SessionId": "abc"})
    requests_mock.delete(BASE + "logonSessions/abc", status_code=204)
    with client():
        pass
    assert requests_mock.request_history[-1].url == BASE + "logonSessions/abc"


def test_bad_credentials_give_one_sentence_without_the_password(requests_mock):
    requests_mock.post(LOGON, status_code=401, headers={"WWW-Authenticate": "Basic Realm=RestSvc"},
                       json={"Message": "The user name or password is incorrect", "StatusCode": 401})
    with pytest.raises(EmError) as caught:
        with client():
            pass
    assert caught.value.status == 401
    assert "user 'CORP\\svc'" in caught.value.msg and "s3cr3t" not in caught.value.msg
    assert caught.value.body == "The user name or password is incorrect"
    assert len(requests_mock.request_history) == 1


def test_a_logon_without_token_header_fails(requests_mock):
    requests_mock.post(LOGON, status_code=201, json=logon_body())
    with pytest.raises(EmError, match="X-RestSvcSessionId"):
        with client():
            pass


def test_error_names_status_path_and_em_message(em):
    em.get(BASE + "backupSessions/x", status_code=404,
           content=b'\xef\xbb\xbf{"FirstChanceExceptionMessage":null,"Message":"Session not found.","StatusCode":404}')
    with client() as c:
        with pytest.raises(EmError) as caught:
            c.get("backupSessions/x")
    assert caught.value.msg == "EM answered 404 to GET /api/backupSessions/x (not found): Session not found."
    assert (caught.value.status, caught.value.body) == (404, "Session not found.")
    assert TOKEN not in str(caught.value.details())


def test_forbidden_names_the_role(em):
    em.post(BASE + "nas/jobs/j/stop", status_code=403, json={"message": "Access denied.", "statusCode": 403})
    with client() as c:
        with pytest.raises(EmError) as caught:
            c.post("nas/jobs/j/stop")
    assert caught.value.msg == ("EM answered 403 to POST /api/nas/jobs/j/stop: Access denied. "
                                "The EM account needs the Portal Administrator role for this.")


def test_reads_are_retried_on_503_with_backoff(em):
    em.get(BASE + "nas/jobs", [{"status_code": 503}, {"status_code": 502}, {"json": {"Refs": []}}])
    with client() as c:
        assert c.get("nas/jobs") == {"refs": []}
    assert c.sleeps == [0.5, 1.0]


def test_reads_give_up_after_the_retries(em):
    em.get(BASE + "nas/jobs", status_code=503, json={"Message": "Service Unavailable"})
    with client(retries=2) as c:
        with pytest.raises(EmError, match="503"):
            c.get("nas/jobs")
    assert len([r for r in em.request_history if r.method == "GET"]) == 3


def test_reads_are_retried_after_a_dropped_connection(em):
    em.get(BASE + "nas/jobs", [{"exc": requests.exceptions.ConnectionError("Connection aborted.")},
                               {"json": {"Refs": []}}])
    with client() as c:
        assert c.get("nas/jobs") == {"refs": []}


def test_actions_are_never_sent_twice_even_after_a_503(em):
    em.post(BASE + "nas/jobs/j/stop", [{"status_code": 503}, {"status_code": 202, "json": {}}])
    with client() as c:
        with pytest.raises(EmError, match="503"):
            c.post("nas/jobs/j/stop")
    assert len([r for r in em.request_history if r.method == "POST"]) == 2  # logon + one stop


def test_actions_are_not_retried_on_502_or_transport_errors(em):
    em.post(BASE + "nas/jobs/j/stop", [{"status_code": 502}, {"status_code": 202, "json": {}}])
    with client() as c:
        with pytest.raises(EmError, match="502"):
            c.post("nas/jobs/j/stop")
    assert len([r for r in em.request_history if r.method == "POST"]) == 2  # logon + one stop


def test_expired_logon_is_renewed_once(em):
    em.get(BASE + "nas/jobs", [{"status_code": 401}, {"json": {"Refs": []}}])
    with client() as c:
        assert c.get("nas/jobs") == {"refs": []}
    methods = [r.method for r in em.request_history]
    assert methods == ["POST", "GET", "POST", "GET", "DELETE"]


def test_a_body_that_is_not_json_is_a_clear_error(em):
    em.get(BASE + "nas/jobs", content=b"<html>proxy error</html>", headers={"Content-Type": "text/html"})
    with client() as c:
        with pytest.raises(EmError, match="not JSON"):
            c.get("nas/jobs")


def test_timeouts_are_named(em):
    em.get(BASE + "query", exc=requests.exceptions.ReadTimeout)
    with client(retries=0, timeout=7) as c:
        with pytest.raises(EmError, match="did not answer GET /api/query within 7 seconds"):
            c.get("query")


def test_tls_failure_points_at_ca_path(requests_mock):
    requests_mock.post(LOGON, exc=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(EmError, match="set ca_path"):
        with client():
            pass


def test_url_for_keeps_only_path_and_query_of_hrefs():
    c = client()
    assert c.url_for("https://localhost:9398/api/tasks/task-1") == BASE + "tasks/task-1"
    assert c.url_for("/api/query", [("filter", 'JobName=="a b";x'), ("page", "2")]) == \
        BASE + "query?filter=JobName%3D%3D%22a%20b%22%3Bx&page=2"


def test_verify_follows_validate_certs_and_ca_path(monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    bundle = requests.certs.where()
    assert client().verify is True
    assert client(validate_certs=False, ca_path="/nonexistent/ca.pem").verify is False
    assert client(ca_path=bundle).verify == bundle


def test_failed_logoff_is_a_warning_not_an_error(requests_mock):
    requests_mock.post(LOGON, status_code=201, headers={"X-RestSvcSessionId": TOKEN}, json=logon_body())
    requests_mock.delete(LOGOFF, status_code=500)
    with client() as c:
        pass
    assert c.warnings and "500" in c.warnings[0]


def test_transport_errors_name_the_innermost_cause(requests_mock):
    from urllib3.exceptions import MaxRetryError, NewConnectionError
    refused = NewConnectionError(object(), "HTTPSConnection(host='em', port=9398): "
                                 "Failed to establish a new connection: [Errno 111] Connection refused")
    wrapped = requests.exceptions.ConnectionError(MaxRetryError(None, "/api/", reason=refused))
    requests_mock.post(LOGON, exc=wrapped)
    with pytest.raises(EmError) as caught:
        with client(retries=0):
            pass
    assert caught.value.msg == ("Could not reach EM for POST /api/sessionMngr/?v=latest: "
                                "Failed to establish a new connection: [Errno 111] Connection refused.")


def test_certificate_errors_say_why_the_certificate_was_refused(requests_mock):
    import ssl
    from urllib3.exceptions import MaxRetryError
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    cause.verify_message = "self-signed certificate in certificate chain"
    requests_mock.post(LOGON, exc=requests.exceptions.SSLError(MaxRetryError(None, "/api/", reason=cause)))
    with pytest.raises(EmError) as caught:
        with client():
            pass
    assert caught.value.msg == ("TLS verification of https://em.example.com:9398 failed (certificate verify failed: "
                                "self-signed certificate in certificate chain): set ca_path to the CA that signed "
                                "EM's certificate.")


def test_a_garbled_logon_body_still_logs_off_through_location(requests_mock):
    requests_mock.post(LOGON, status_code=201, content=b'{"Links": [{"Rel": "Do',
                       headers={"X-RestSvcSessionId": TOKEN, "Location": "https://localhost:9398/api/logonSessions/abc"})
    requests_mock.delete(BASE + "logonSessions/abc", status_code=204)
    with client() as c:
        pass
    assert requests_mock.request_history[-1].method == "DELETE"
    assert requests_mock.request_history[-1].url == BASE + "logonSessions/abc"
    assert c.warnings == []


def test_a_logon_without_any_way_to_log_off_is_a_warning(requests_mock):
    requests_mock.post(LOGON, status_code=201, content=b"garbage", headers={"X-RestSvcSessionId": TOKEN})
    with client() as c:
        pass
    assert len(requests_mock.request_history) == 1
    assert "expire when idle" in c.warnings[0]
