# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator as a real HTTPS server on loopback (in-process thread)."""

import http.client
import json
import ssl
import time
from datetime import datetime

import pytest
import requests

from em_simulator.config import SimConfig  # pylint: disable=import-error
from em_simulator.server import Simulator  # pylint: disable=import-error
from emsim_support import SMALL  # pylint: disable=import-error

JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    with Simulator(SimConfig(state_dir=tmp_path_factory.mktemp("basic"), scenario="basic")) as sim:
        yield sim


@pytest.fixture
def small(tmp_path):
    with Simulator(SimConfig(state_dir=tmp_path, scenario=SMALL)) as sim:
        yield sim


def logon(sim, user=("admin", "admin-pass")):
    session = requests.Session()
    # Without this, REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE from the environment override
    # Session.verify (a requests quirk): pass verify per request, or turn trust_env off.
    session.trust_env = False
    session.verify = sim.ca_path
    session.headers.update(JSON)
    answer = session.post(sim.url + "/api/sessionMngr/?v=latest", auth=user)
    assert answer.status_code == 201, answer.text
    session.headers["X-RestSvcSessionId"] = answer.headers["X-RestSvcSessionId"]
    session.logon_id = answer.json()["SessionId"]
    return session


def test_sim_json_and_tls_verification(basic):
    info = json.loads((basic.state_dir / "sim.json").read_text())
    assert info["url"] == "https://127.0.0.1:%d" % info["port"] and info["pid"] > 0
    assert info["control_url"] == info["url"] + "/_sim" and info["ca_path"] == str(basic.state_dir / "ca.pem")
    for host in ("127.0.0.1", "localhost"):           # IP and DNS SANs
        answer = requests.get("https://%s:%d/api/" % (host, info["port"]), verify=info["ca_path"], timeout=5)
        assert answer.status_code == 200 and b"SupportedVersion" in answer.content
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(info["url"] + "/api/", timeout=5)              # not trusted without the CA
    print("\nstart-up of the basic scenario: %.3f s" % basic.startup_seconds)


def test_keep_alive_and_bodiless_post(basic):
    context = ssl.create_default_context(cafile=basic.ca_path)
    conn = http.client.HTTPSConnection("127.0.0.1", basic.info["port"], context=context, timeout=5)
    conn.request("POST", "/api/sessionMngr/?v=latest", headers={
        "Authorization": "Basic YWRtaW46YWRtaW4tcGFzcw==", "Content-Length": "0", "Accept": "application/json"})
    answer = conn.getresponse()
    body = answer.read()
    assert answer.status == 201 and int(answer.getheader("Content-Length")) == len(body)
    token = answer.getheader("X-RestSvcSessionId")
    sock = conn.sock
    conn.request("GET", "/api/nas", headers={"X-RestSvcSessionId": token, "Accept": "application/json"})
    answer = conn.getresponse()
    assert answer.status == 200 and json.loads(answer.read())["Type"] == "NASService"
    assert conn.sock is sock                                          # same connection reused
    session_id = json.loads(body)["SessionId"]
    conn.request("DELETE", "/api/logonSessions/%s" % session_id, headers={"X-RestSvcSessionId": token})
    answer = conn.getresponse()
    assert answer.status == 204 and answer.read() == b"" and answer.getheader("Content-Length") == "0"
    conn.close()


def test_logon_logoff_counters_over_https(small):
    control = small.control_url
    session = logon(small)
    session.get(small.url + "/api/query?type=BackupJobSession", timeout=5).raise_for_status()
    assert session.delete(small.url + "/api/logonSessions/" + session.logon_id, timeout=5).status_code == 204
    counters = requests.get(control + "/counters", verify=small.ca_path, timeout=5).json()
    assert counters["requests"] == {"POST /api/sessionMngr/": 1, "GET /api/query": 1,
                                    "DELETE /api/logonSessions/" + session.logon_id: 1}
    assert (counters["logons"], counters["logoffs"], counters["open_logon_sessions"]) == (1, 1, 0)
    assert requests.post(small.url + "/api/sessionMngr/?v=latest", auth=("reader", "x"), verify=small.ca_path,
                         timeout=5).headers["WWW-Authenticate"] == "Basic Realm=RestSvc"


def test_paging_through_every_page(basic):
    session = logon(basic)
    url = basic.url + "/api/query?type=BackupJobSession&format=Entities&sortDesc=CreationTime&filter=JobType%3d%3dNasBackup"
    seen, pages = [], 0
    while url:
        page = session.get(url, timeout=5).json()
        pages += 1
        seen.extend(page["Entities"]["BackupJobSessions"]["BackupJobSessions"])
        info = page["PagingInfo"]
        assert info["PageNum"] == pages and info["PageSize"] == 100 and info["PagesCount"] == 3
        url = next((link["Href"] for link in info["Links"] if link["Rel"] == "Next"), None)
    assert pages == 3 and len(seen) == len({s["UID"] for s in seen}) == 283
    created = [datetime.fromisoformat(s["CreationTimeUTC"].replace("Z", "+00:00")) for s in seen]
    assert all(s["JobType"] == "NasBackup" for s in seen)
    assert sorted(created, reverse=True) == created
    session.close()


def test_stop_over_https_and_dropped_connection(small):
    session = logon(small)
    answer = session.post(small.url + "/api/nas/jobs/11111111-1111-4111-8111-111111111111/stop", timeout=5)
    assert answer.status_code == 202 and answer.json()["State"] == "Running"
    requests.post(small.control_url + "/faults", json={"drop": 1}, verify=small.ca_path, timeout=5)
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(small.url + "/api/tasks/task-1", timeout=5)
    deadline = time.monotonic() + 3
    while session.get(small.url + "/api/tasks/task-1", timeout=5).json()["State"] != "Finished":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    truth = requests.get(small.control_url + "/sessions", verify=small.ca_path, timeout=5).json()["sessions"]
    stopped = [s for s in truth if s["id"] == "aaaaaaaa-0000-4000-8000-000000000002"][0]
    assert stopped["state"] in ("Stopping", "Stopped")


def test_shutdown_through_control_path(tmp_path):
    sim = Simulator(SimConfig(state_dir=tmp_path, scenario=SMALL)).start()
    ca_before = (tmp_path / "ca.pem").read_bytes()
    answer = requests.post(sim.control_url + "/shutdown", verify=sim.ca_path, timeout=5)
    assert answer.status_code == 200
    assert sim.wait(5) and not (tmp_path / "sim.json").exists()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(sim.url + "/api/", verify=sim.ca_path, timeout=2)
    with Simulator(SimConfig(state_dir=tmp_path, scenario=SMALL)) as again:       # TLS files reused
        assert (tmp_path / "ca.pem").read_bytes() == ca_before
        assert requests.get(again.url + "/api/", verify=again.ca_path, timeout=5).status_code == 200


def test_lifetime_limit(tmp_path):
    sim = Simulator(SimConfig(state_dir=tmp_path, scenario=SMALL, lifetime=0.2)).start()
    assert sim.wait(5) and sim.stopped


@pytest.mark.parametrize("length", [16500, 70000, (1 << 20) + 10])
def test_414_over_https_for_long_request_lines(small, length):
    """Lines past http.server's own 65,536 limit are read too and answered as HTTP.sys does."""
    session = logon(small)
    url = small.url + "/api/query?type=BackupJobSession&filter=JobName==%22" + "x" * length + "%22"
    try:
        answer = session.get(url, timeout=10)
    except requests.exceptions.ConnectionError:
        # past the read limit the server answers and closes while the client still sends
        assert length > (1 << 20)
    else:
        assert answer.status_code == 414 and "Request URL Too Long" in answer.text
        assert answer.headers["Connection"] == "close"
    ok = session.get(small.url + "/api/query?type=BackupJobSession&filter=JobName==%22" + "x" * 7000 + "%22",
                     timeout=5)
    assert ok.status_code == 200
    counters = requests.get(small.control_url + "/counters", verify=small.ca_path, timeout=5).json()
    assert counters["refused_414"] == 1 and counters["max_request_line"] >= min(length, 1 << 20)
    assert counters["requests"] == {"POST /api/sessionMngr/": 1, "GET /api/query": 1}
