# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line: --daemon returns once the server answers; --stop waits until it is gone."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from em_simulator import cli  # pylint: disable=import-error

SIM_DIR = Path(__file__).resolve().parents[2] / "em_simulator"


def run(*args, module=False, timeout=30):
    env = dict(os.environ)
    if module:
        command = [sys.executable, "-m", "em_simulator"]
        env["PYTHONPATH"] = str(SIM_DIR.parent)
    else:
        command = [sys.executable, str(SIM_DIR / "run.py")]
    return subprocess.run(command + list(args), capture_output=True, text=True, timeout=timeout, env=env,
                          cwd="/", check=False)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid, "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return True


def test_daemon_start_and_stop(tmp_path):
    state = tmp_path / "state ü"            # non-ASCII paths, as ansible-test uses
    started = run("--daemon", "--state-dir", str(state), "--scenario", "demo", "--em-version", "v13",
                  "--lifetime", "60")
    assert started.returncode == 0, started.stderr
    info = json.loads(started.stdout)
    assert info == json.loads((state / "sim.json").read_text(encoding="utf-8"))
    assert {"url", "port", "ca_path", "control_url", "pid"} <= set(info) and alive(info["pid"])
    answer = requests.get(info["url"] + "/api/", verify=info["ca_path"], headers={"Accept": "application/json"},
                          timeout=5)
    assert "supportedVersions" in answer.json()
    again = run("--daemon", "--state-dir", str(state))
    assert again.returncode == 1 and "already running" in again.stderr
    stopped = run("--stop", "--state-dir", str(state), module=True)
    assert stopped.returncode == 0, stopped.stderr
    assert not alive(info["pid"]) and not (state / "sim.json").exists()
    assert "listening on" in (state / "sim.log").read_text(encoding="utf-8")
    assert run("--stop", "--state-dir", str(state)).returncode == 0        # idempotent


def test_bad_scenario_is_reported(tmp_path, capsys):
    assert cli.main(["--daemon", "--state-dir", str(tmp_path), "--scenario", "no-such-scenario"]) == 2
    assert "no-such-scenario" in capsys.readouterr().err           # refused before forking
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"jobs": [{"name": "J", "sessions": [{"created": "-1h", "reslt": "Failed"}]}]}))
    result = run("--daemon", "--state-dir", str(tmp_path), "--scenario", str(broken))
    assert result.returncode == 1 and "reslt" in result.stderr
    assert not (tmp_path / "sim.json").exists()


def test_help_lists_every_option(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for option in ("--scenario", "--em-version", "--casing", "--bom", "--port", "--state-dir", "--daemon", "--stop",
                   "--idle-timeout", "--lifetime", "--seed", "--page-size-default"):
        assert option in text
