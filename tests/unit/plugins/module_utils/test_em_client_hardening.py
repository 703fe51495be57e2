# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Issue 13, client parts: credentials only from the options, bodies that fail closed
and stay bounded, wall-clock timeouts, logons that are not left behind, clean errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import io
import json
import os
import signal
import time

import pytest
import requests

from ansible_collections.backupgate.veeam_em.plugins.module_utils import _em_client
from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import EmClient
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError

from ansible_collections.backupgate.veeam_em.tests.unit.plugins.module_utils.em_local_servers import RawServer

BASE = "https://em.example.com:9398/api/"
LOGON = BASE + "sessionMngr/?v=latest"
TOKEN = "NDRjZmJkYmUtNWE5NS00MTU2LTg4NjctOTFmMDY5YjdjMmNj"
LOGOFF = BASE + "logonSessions/abc"
PASSWORD = "s3cr3t ü"


@pytest.fixture
def em(requests_mock):
    requests_mock.post(LOGON, status_code=201, headers={"X-RestSvcSessionId": TOKEN},
                       json={"Links": [{"Rel": "Delete", "Href": LOGOFF}]})
    requests_mock.delete(LOGOFF, status_code=204)
    return requests_mock


def client(**kwargs):
    options = dict(url="https://em.example.com:9398", username="CORP\\svc", password=PASSWORD,
                   sleep=lambda seconds: None)
    options.update(kwargs)
    return EmClient(**options)


# -- 1. credentials only from the options ------------------------------------

@pytest.mark.parametrize("url", ["https://u:secret@em:9398", "https://u@em:9398/api", "u:secret@em:9398",
                                 "https://u:p@ss@em:9398"])
def test_a_url_with_user_information_is_refused_without_repeating_it(requests_mock, url):
    with pytest.raises(EmOptionError) as caught:
        client(url=url)
    message = caught.value.msg
    assert message.startswith("Option url got ") and "user information in the URL is refused" in message
    assert "secret" not in message and "u:" not in message and "//u@" not in message and "ss@" not in message
    assert caught.value.details() == {"option": "url"}
    assert requests_mock.call_count == 0


def test_netrc_never_replaces_the_configured_credentials(em, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine em.example.com login intruder password other\n")
    os.chmod(str(netrc), 0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    em.get(BASE + "nas/jobs", json={"Refs": []})
    with client() as c:
        c.get("nas/jobs")
    auth = em.request_history[0].headers["Authorization"]
    assert auth == "Basic " + base64.b64encode(("CORP\\svc:" + PASSWORD).encode("utf-8")).decode("ascii")
    assert all("Authorization" not in r.headers for r in em.request_history[1:])


def test_http_urls_are_warned_about_in_one_sentence():
    assert client(url="http://em.example.com:9398").warnings == [
        "url uses http://: the user name, password and EM session token travel in clear text; "
        "use https:// (EM listens on https://<host>:9398)."]
    assert client().warnings == []


# -- 2. fail closed, bounded bodies --------------------------------------------

@pytest.mark.parametrize("body, kind", [(b"", "an empty body"), (b"[]", "a JSON list"), (b"null", "an empty body"),
                                        (b'"x"', "a JSON str")])
def test_a_document_that_is_not_an_object_fails_closed_naming_the_path(em, body, kind):
    em.get(BASE + "query", content=body)
    with client() as c:
        assert c.get("query", params=[("type", "BackupJobSession")]) in (None, [], "x")
        with pytest.raises(EmError) as caught:
            c.get("query", params=[("type", "BackupJobSession")], document=True)
    assert caught.value.msg == ("EM answered GET /api/query?type=BackupJobSession with %s where an EM document "
                                "(a JSON object) was expected." % kind)
    assert em.request_history[-1].method == "DELETE"


def test_an_empty_object_is_a_document(em):
    em.get(BASE + "query", json={})
    with client() as c:
        assert c.get("query", document=True) == {}


@pytest.mark.parametrize("declared", [True, False])
def test_a_body_past_the_size_bound_is_refused_naming_the_path(em, monkeypatch, declared):
    monkeypatch.setattr(_em_client, "MAX_BODY_BYTES", 1024 * 1024)
    big = b'{"Refs": [' + b" " * (1024 * 1024) + b"]}"
    if declared:
        em.get(BASE + "query", content=big)
    else:
        em.get(BASE + "query", body=io.BytesIO(big))
    with client() as c:
        with pytest.raises(EmError, match=r"^EM's answer to GET /api/query is larger than 1 MiB; refusing to read it\.$"):
            c.get("query")
    assert len([r for r in em.request_history if r.method == "GET"]) == 1  # not worth sending again


# -- 3. wall-clock timeouts ------------------------------------------------------

def _trickle(sock, request):
    """Headers at once, then a 1 MB body one byte a second."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
    for _byte in range(60):
        sock.sendall(b" ")
        time.sleep(1)


def _logon_then(handler):
    """A server that accepts the logon and the logoff, and hands everything else to ``handler``."""
    def handle(sock, request):
        if request.startswith(b"POST /api/sessionMngr/"):
            sock.sendall(b"HTTP/1.1 201 Created\r\nX-RestSvcSessionId: tok\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 70\r\n\r\n"
                         + b'{"Links": [{"Rel": "Delete", "Href": "/api/logonSessions/abc"}]}'.ljust(70))
        elif request.startswith(b"DELETE "):
            sock.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
        else:
            handler(sock, request)
    return handle


def test_a_trickling_body_fails_at_the_timeout_not_after_it():
    server = RawServer(_logon_then(_trickle))
    try:
        with client(url=server.url, timeout=2, retries=0) as c:
            began = time.monotonic()
            with pytest.raises(EmError, match=r"^EM did not answer GET /api/query within 2 seconds\.$"):
                c.get("query")
            elapsed = time.monotonic() - began
    finally:
        server.close()
    assert 1.5 < elapsed < 4, elapsed


def _slow_headers(sock, request):
    time.sleep(5)
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")


def test_the_per_call_cap_bounds_the_call_with_its_retries_and_backoff():
    server = RawServer(_logon_then(_slow_headers))
    try:
        with client(url=server.url, timeout=30, retries=3, sleep=time.sleep) as c:
            began = time.monotonic()
            with pytest.raises(EmError, match=r"^EM did not answer GET /api/query within 1(\.\d)? seconds\.$"):
                c.get("query", timeout=1.0)
            elapsed = time.monotonic() - began
    finally:
        server.close()
    assert 0.8 < elapsed < 2.5, elapsed


def test_the_per_call_cap_leaves_a_fast_answer_alone(em):
    em.get(BASE + "query", [{"status_code": 503}, {"json": {"Refs": []}}])
    with client() as c:
        assert c.get("query", timeout=5) == {"refs": []}


# -- 4. logons are not left behind ------------------------------------------------

def _never_answer(sock, request):
    time.sleep(4)


def test_a_logon_that_timed_out_after_it_was_sent_is_not_sent_again():
    server = RawServer(_never_answer)
    try:
        with pytest.raises(EmError, match="did not answer POST /api/sessionMngr/"):
            with client(url=server.url, timeout=1, retries=3):
                pass
        logons = [r for r in server.requests if r.startswith(b"POST /api/sessionMngr/")]
    finally:
        server.close()
    assert len(logons) == 1


def test_a_logon_is_sent_again_after_503_or_a_refused_connection(requests_mock):
    from urllib3.exceptions import MaxRetryError, NewConnectionError
    refused = requests.exceptions.ConnectionError(MaxRetryError(None, "/api/", reason=NewConnectionError(
        object(), "Failed to establish a new connection: [Errno 111] Connection refused")))
    requests_mock.post(LOGON, [{"status_code": 503}, {"exc": refused},
                               {"status_code": 201, "headers": {"X-RestSvcSessionId": TOKEN},
                                "json": {"Links": [{"Rel": "Delete", "Href": LOGOFF}]}}])
    requests_mock.delete(LOGOFF, status_code=204)
    with client():
        pass
    assert [r.method for r in requests_mock.request_history] == ["POST", "POST", "POST", "DELETE"]


def test_a_logon_whose_connection_broke_after_sending_is_not_sent_again(requests_mock):
    requests_mock.post(LOGON, exc=requests.exceptions.ConnectionError("Connection aborted."))
    with pytest.raises(EmError, match="Could not reach EM"):
        with client(retries=3):
            pass
    assert len(requests_mock.request_history) == 1


def test_keyboard_interrupt_logs_off_and_the_sigterm_handler_is_restored(em):
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        with client():
            assert signal.getsignal(signal.SIGTERM) is _em_client._raise_on_sigterm  # pylint: disable=protected-access
            raise KeyboardInterrupt
    assert em.request_history[-1].method == "DELETE"
    assert signal.getsignal(signal.SIGTERM) is before


# -- 5. clean errors ---------------------------------------------------------------

def test_a_missing_ca_path_is_named_before_any_request(requests_mock, tmp_path):
    missing = str(tmp_path / "nope.pem")
    with pytest.raises(EmOptionError) as caught:
        client(ca_path=missing)
    assert caught.value.msg == "Option ca_path got '%s': no such file" % missing
    assert requests_mock.call_count == 0


def test_a_directory_as_ca_path_is_named(tmp_path):
    with pytest.raises(EmOptionError, match="^Option ca_path got '.*': expected a PEM file of CA certificates, "
                                            "not a directory$"):
        client(ca_path=str(tmp_path))


def test_a_garbage_ca_path_is_named_not_blamed_on_em(tmp_path):
    garbage = tmp_path / "ca.pem"
    garbage.write_bytes(b"this is not a certificate\n")
    with pytest.raises(EmOptionError, match="^Option ca_path got '.*': the file holds no PEM certificate$"):
        client(ca_path=str(garbage))


def test_a_ca_path_is_not_checked_when_certificates_are_not_validated(tmp_path):
    assert client(validate_certs=False, ca_path=str(tmp_path / "nope.pem")).verify is False


def test_a_long_url_is_shortened_in_messages_and_details(em):
    name = "x" * 70000
    em.get(BASE + "query", status_code=414, text="Request-URI Too Long")
    with client() as c:
        with pytest.raises(EmError) as caught:
            c.get("query", params=[("filter", name)])
    assert len(caught.value.msg) < 300
    assert "xxx..." in caught.value.msg
    assert len(caught.value.details()["url"]) <= 200


def test_em_messages_are_scrubbed_of_the_token_and_shortened(em):
    em.get(BASE + "query", status_code=500, json={"Message": "Session %s failed: %s" % (TOKEN, "y" * 2000)})
    with client(retries=0) as c:
        with pytest.raises(EmError) as caught:
            c.get("query")
    assert TOKEN not in caught.value.msg and TOKEN not in caught.value.body
    assert "Session ******** failed" in caught.value.body
    assert len(caught.value.body) == 500 and caught.value.body.endswith("...")


@pytest.mark.parametrize("value", ['pa"ss\\word\'', u"\u00fcber\\n"])
def test_option_values_are_echoed_plainly_so_no_log_masking_matches(value):
    message = EmOptionError("created_after", value, "expected a date").msg
    assert value in message and message == "Option created_after got '%s': expected a date" % value
    assert EmOptionError("job_name", [value, 3], "expected names").msg == \
        "Option job_name got ['%s', 3]: expected names" % value


@pytest.mark.parametrize("option", ["password", "veeam_em_password", "api_token"])
def test_options_that_may_hold_secrets_are_masked(option):
    error = EmOptionError(option, 'pa"ss', "expected text")
    assert error.msg == "Option %s got ********: expected text" % option
    assert 'pa"ss' not in str(error.value)


@pytest.mark.parametrize("method, path, hint", [
    ("GET", "query?type=BackupJobSession", "Portal User or Portal Administrator"),
    ("GET", "backupSessions/x", "Portal User or Portal Administrator"),
    ("GET", "tasks/t", "Portal User or Portal Administrator"),
    ("GET", "nas/jobs/j/backupSessions", "Portal User or Portal Administrator"),
    ("GET", "nas/jobs", "Portal Administrator role"),
    ("GET", "nas/jobs/j", "Portal Administrator role"),
    ("POST", "backupSessions/x?action=stop", "Portal Administrator role"),
])
def test_the_403_hint_fits_the_request(em, method, path, hint):
    em.register_uri(method, BASE + path, status_code=403, json={"Message": "Access denied."})
    with client() as c:
        with pytest.raises(EmError) as caught:
            c.request(method, path, expected=(200, 202))
    assert hint in caught.value.msg
    if "Portal User" in hint:
        assert caught.value.msg.endswith("(Restore Operators cannot read backup sessions).")


def test_secrets_never_reach_results(em):
    em.get(BASE + "query", status_code=500, json={"Message": "bad password %s" % PASSWORD})
    with client(retries=0) as c:
        with pytest.raises(EmError) as caught:
            c.get("query")
    shown = json.dumps([caught.value.msg, caught.value.details()], ensure_ascii=False)
    assert PASSWORD not in shown and TOKEN not in shown
