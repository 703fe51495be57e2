# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The EM client against the real simulator over HTTPS: environment proxies still work
and SIGTERM logs off. Here, not under module_utils, because the simulator needs the
controller's packages (cryptography); the lookup runs this client on the controller."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import subprocess
import sys

import pytest
import requests

from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import EmClient
from ansible_collections.backupgate.veeam_em.tests.unit.plugins.module_utils.em_local_servers import (
    ConnectProxy, load_simulator,
)


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    simulator_class, config_class = load_simulator()
    sim = simulator_class(config_class(state_dir=tmp_path_factory.mktemp("sim"), scenario="basic")).start()
    yield sim
    sim.stop()


def _sim_client(sim, **kwargs):
    options = dict(url=sim.url, username=sim.info["username"], password=sim.info["password"], ca_path=sim.ca_path)
    options.update(kwargs)
    return EmClient(**options)


def _open_logons(sim):
    response = requests.get(sim.control_url + "/counters", verify=sim.ca_path, timeout=10,
                            proxies={"http": None, "https": None})
    return response.json()["open_logon_sessions"]


def test_proxies_from_the_environment_are_still_used_and_no_proxy_honoured(simulator, monkeypatch):
    proxy = ConnectProxy()
    try:
        for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        with _sim_client(simulator) as c:
            assert isinstance(c.get("", document=True), dict)
        host = simulator.url.split("//", 1)[1]
        assert proxy.tunnels and set(proxy.tunnels) == {host}
        tunnels = len(proxy.tunnels)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        with _sim_client(simulator) as c:
            c.get("")
        assert len(proxy.tunnels) == tunnels
    finally:
        proxy.close()
    assert _open_logons(simulator) == 0


_SIGTERM_CHILD = """
import sys, time
from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import EmClient
options = dict(zip(("url", "username", "password", "ca_path"), sys.argv[1:5]))
with EmClient(**options) as em:
    em.get("")
    print("ready", flush=True)
    time.sleep(60)
"""


def test_sigterm_to_a_logged_on_process_logs_off(simulator):
    assert _open_logons(simulator) == 0
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    child = subprocess.Popen([sys.executable, "-c", _SIGTERM_CHILD, simulator.url, simulator.info["username"],
                              simulator.info["password"], simulator.ca_path],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert child.stdout.readline().strip() == b"ready", child.stderr.read()
        assert _open_logons(simulator) == 1
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 128 + signal.SIGTERM, child.stderr.read()
    assert _open_logons(simulator) == 0
