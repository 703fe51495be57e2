# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile-body faults (issue 13): answers that are not EM documents, endless paging,
slow and huge bodies, a logon processed but answered late, tokens echoed in errors."""

import base64
import json
import time

import pytest
import requests

from em_simulator.config import SimConfig  # pylint: disable=import-error
from em_simulator.query import HUGE_PAGES_COUNT  # pylint: disable=import-error
from em_simulator.server import Simulator  # pylint: disable=import-error
from emsim_support import SMALL  # pylint: disable=import-error

QUERY = "/api/query?type=BackupJobSession&pageSize=2"
JOB_A = "11111111-1111-4111-8111-111111111111"


def fault(client, status=200, **spec):
    return client.json("POST", "/_sim/faults", status=status, body=json.dumps(spec).encode())


class TestBodies:
    @pytest.mark.parametrize("name, body", [("empty_200", b""), ("empty_object", b"{}"), ("wrong_type", b"[]")])
    def test_not_an_em_document_for_the_next_n_gets(self, direct, name, body):
        assert fault(direct, **{name: 2})[name] == 2
        for target in (QUERY, "/api/backupSessions"):
            response = direct.call("GET", target)
            assert (response.status, response.body) == (200, body)
            assert response.content_type.startswith("application/json")
        assert json.loads(direct.call("GET", QUERY).body)["PagingInfo"]["PagesCount"] >= 1   # used up
        assert fault(direct)[name] == 0

    def test_posts_and_logons_are_not_hit(self, direct):
        fault(direct, empty_object=1)
        direct.logon()
        task = direct.json("POST", "/api/nas/jobs/%s/stop" % JOB_A, status=202)
        assert task["Operation"] == "StopNasJob"
        assert direct.call("GET", "/api/tasks").body == b"{}"

    def test_no_paging(self, direct):
        fault(direct, no_paging=1)
        direct.call("GET", "/api/backupSessions")                    # not a query: not used up
        answer = direct.json("GET", QUERY)
        assert "PagingInfo" not in answer and answer["Refs"]["Refs"]
        assert "PagingInfo" in direct.json("GET", QUERY)

    def test_no_paging_xml(self, direct):
        fault(direct, no_paging=1)
        assert b"PagingInfo" not in direct.call("GET", QUERY, accept="application/xml").body

    def test_huge_pages_count(self, direct):
        fault(direct, huge_pages_count=1)
        info = direct.json("GET", QUERY + "&page=1")["PagingInfo"]
        assert info["PagesCount"] == HUGE_PAGES_COUNT == 1000000000
        links = {link["Rel"]: link["Href"] for link in info["Links"]}
        assert links["Next"].endswith("page=2") and links["Last"].endswith("page=%d" % HUGE_PAGES_COUNT)
        far = direct.json("GET", "/api/query?type=BackupJobSession&pageSize=2&page=999")
        assert far["PagingInfo"]["PagesCount"] < 10 and far["Refs"]["Refs"] == []

    def test_trickle_and_huge_body_mark_the_next_n_answers(self, direct):
        fault(direct, trickle_bps=50, trickle_count=2, huge_body_mb=0.5)
        first = direct.call("GET", QUERY)
        assert (first.trickle_bps, first.pad_to) == (50, 524288)
        assert direct.call("POST", "/api/nas/jobs/%s/stop" % JOB_A).trickle_bps == 50
        third = direct.call("GET", QUERY)
        assert (third.trickle_bps, third.pad_to) == (0, 0)
        state = fault(direct)
        assert (state["trickle_count"], state["huge_body_count"], state["trickle_bps"]) == (0, 0, 50)

    def test_slow_logon_is_processed_first(self, app_factory):
        client = app_factory()
        fault(client, slow_logon_ms=300)
        began = time.monotonic()
        client.logon()
        assert time.monotonic() - began >= 0.3
        assert client.json("GET", "/_sim/counters")["open_logon_sessions"] == 1
        began = time.monotonic()
        client.call("GET", "/api/nas")                               # only logons are slow
        assert time.monotonic() - began < 0.3

    def test_echo_token(self, direct):
        fault(direct, echo_token=True)
        error = direct.json("GET", "/api/backupSessions/nope", status=404)
        assert direct.token in error["Message"] and "was not found" in error["Message"]
        assert "stale-token" in direct.json("GET", "/api/nas", token="stale-token", status=401)["Message"]
        fault(direct, fail_503=1)
        assert direct.token in direct.json("GET", "/api/nas", status=503)["Message"]
        fault(direct, echo_token=False)
        assert direct.token not in direct.json("GET", "/api/backupSessions/nope", status=404)["Message"]

    @pytest.mark.parametrize("spec", [{"trickle_bps": -1}, {"huge_body_mb": "big"}, {"huge_body_mb": 5000},
                                      {"echo_token": 1}, {"no_paging": True}, {"slow_logon": 5}])
    def test_bad_values_change_nothing(self, direct, spec):
        before = fault(direct)
        assert "error" in fault(direct, status=400, **spec)
        assert fault(direct) == before

    def test_clear_resets_every_fault(self, direct):
        fault(direct, empty_200=3, trickle_bps=5, huge_body_mb=1, echo_token=True, slow_logon_ms=5,
              huge_pages_count=1, latency_ms=1)
        state = fault(direct, clear=True)
        assert not any(state.values()), state


@pytest.fixture
def small(tmp_path):
    with Simulator(SimConfig(state_dir=tmp_path, scenario=SMALL)) as sim:
        yield sim


def _session(sim):
    session = requests.Session()
    session.trust_env = False
    session.verify = sim.ca_path
    session.headers["Accept"] = "application/json"
    answer = session.post(sim.url + "/api/sessionMngr/?v=latest", auth=("admin", "admin-pass"), timeout=5)
    session.headers["X-RestSvcSessionId"] = answer.headers["X-RestSvcSessionId"]
    return session


def _fault(sim, **spec):
    requests.post(sim.control_url + "/faults", json=spec, verify=sim.ca_path, timeout=5).raise_for_status()


class TestOverHttps:
    def test_trickle_is_slow_on_the_wire(self, small):
        session = _session(small)
        _fault(small, trickle_bps=2000, trickle_count=1)
        began = time.monotonic()
        answer = session.get(small.url + "/api/nas", timeout=10)
        elapsed = time.monotonic() - began
        assert answer.status_code == 200 and answer.json()["Type"] == "NASService"
        assert elapsed >= len(answer.content) / 2000.0 * 0.8, (elapsed, len(answer.content))
        began = time.monotonic()
        session.get(small.url + "/api/nas", timeout=10)
        assert time.monotonic() - began < 0.2

    def test_trickle_beats_a_read_timeout_per_chunk(self, small):
        """A per-read timeout never fires: every byte comes in time (what issue 13 saw)."""
        session = _session(small)
        _fault(small, trickle_bps=20, trickle_count=1)
        began = time.monotonic()
        with pytest.raises(requests.exceptions.Timeout):
            with session.get(small.url + "/api/nas", timeout=0.5, stream=True) as answer:
                deadline = began + 1.5
                for dummy in answer.iter_content(1):
                    if time.monotonic() > deadline:
                        raise requests.exceptions.Timeout("wall clock")
        assert time.monotonic() - began < 3

    def test_huge_body_is_valid_json_of_that_size(self, small):
        session = _session(small)
        _fault(small, huge_body_mb=2)
        answer = session.get(small.url + "/api/query?type=BackupJobSession", timeout=10)
        assert len(answer.content) == 2 * 1048576 == int(answer.headers["Content-Length"])
        assert answer.json()["PagingInfo"]["PagesCount"] == 1

    def test_slow_logon_leaves_a_session_when_the_client_gives_up(self, small):
        _fault(small, slow_logon_ms=1500)
        auth = "Basic " + base64.b64encode(b"admin:admin-pass").decode()
        with pytest.raises(requests.exceptions.Timeout):
            requests.post(small.url + "/api/sessionMngr/?v=latest", headers={"Authorization": auth},
                          verify=small.ca_path, timeout=0.5)
        counters = requests.get(small.control_url + "/counters", verify=small.ca_path, timeout=5).json()
        assert counters["logons"] == 1 and counters["open_logon_sessions"] == 1
