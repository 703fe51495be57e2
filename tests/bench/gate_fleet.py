# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The nas_backup_gate role over a fleet: N inventory hosts, each with its own NAS job.

    hacking/with-venv.sh python tests/bench/gate_fleet.py [--hosts 1000] [--latency-ms 20]

Generates (in a temporary directory, nothing committed) a simulator scenario with one NAS
job per host, each with a successful session 2 hours old, and an inventory of N hosts;
runs the role as the Portal User ``reader`` against the simulator, whose HTTP.sys limit
refuses a request line over 16 KB; and prints one JSON line:
``{hosts, jobs, passed, requests, query_requests, max_url_bytes, refused_414,
nas_jobs_requests, open_logon_sessions, seconds, ok}``;
``make bench`` runs it as its fleet row (bench.py imports ``run_fleet``). Exits 1 when any host did not pass,
any request was refused or any logon was left open.
"""

import argparse
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "tests/em_simulator/run.py"

PLAY = """\
- name: Gate every file server of the fleet
  hosts: fleet
  gather_facts: false
  roles:
    - role: backupgate.veeam_em.nas_backup_gate
      nas_backup_gate_fail: false
  post_tasks:
    - name: Count the hosts whose gate is open
      ansible.builtin.copy:
        dest: "{{ fleet_out }}"
        content: "{{ ansible_play_hosts_all | map('extract', hostvars, 'nas_backup_gate')
                     | selectattr('passed') | list | length }}"
        mode: "0600"
      delegate_to: localhost
      run_once: true
"""


def _job_name(number):
    # Spaces, parentheses and a comma: every one of them is percent-encoded in the URL.
    return "File share fs%04d.corp.example (projects, finance)" % number


def _control(info, path, method="GET", body=None):
    context = ssl.create_default_context(cafile=info["ca_path"])
    data = (json.dumps(body).encode() if body is not None else b"") if method == "POST" else None
    request = urllib.request.Request(info["control_url"] + path, method=method, data=data)
    with urllib.request.urlopen(request, context=context) as answer:
        return json.loads(answer.read())


def _write_inputs(workdir, hosts):
    scenario = {
        "name": "gate_fleet", "seed": 1,
        "users": [{"username": "admin", "password": "admin-pass", "role": "PortalAdministrator"},
                  {"username": "reader", "password": "reader-pass", "role": "PortalUser"}],
        "jobs": [{"name": _job_name(n), "sessions": [{"created": "-2h", "result": "Success"}]}
                 for n in range(1, hosts + 1)],
    }
    inventory = {"fleet": {"hosts": dict(("fs%04d" % n, {"veeam_nas_jobs": [_job_name(n)]})
                                         for n in range(1, hosts + 1))}}
    paths = dict(scenario=workdir / "scenario.json", inventory=workdir / "inventory.json",
                 play=workdir / "gate.yml", out=workdir / "passed.txt")
    paths["scenario"].write_text(json.dumps(scenario))
    paths["inventory"].write_text(json.dumps(inventory))
    paths["play"].write_text(PLAY)
    return paths


def run_fleet(hosts: int = 1000, forks: int = 10, latency_ms: int = 0) -> Dict[str, Any]:
    """Run the fleet play once and return its figures (``ok`` says whether every budget held)."""
    with tempfile.TemporaryDirectory(prefix="veeam-em-gate-fleet-") as tmp:
        workdir = Path(tmp)
        paths = _write_inputs(workdir, hosts)
        state = workdir / "sim"
        started = subprocess.run([sys.executable, str(RUN), "--daemon", "--state-dir", str(state),
                                  "--scenario", str(paths["scenario"])], check=True, capture_output=True, text=True)
        info = json.loads(started.stdout)
        try:
            _control(info, "/reset", "POST")
            if latency_ms:
                _control(info, "/faults", "POST", {"clear": True, "latency_ms": latency_ms})
            env = dict(os.environ, VEEAM_EM_URL=info["url"], VEEAM_EM_USERNAME="reader",
                       VEEAM_EM_PASSWORD="reader-pass", VEEAM_EM_CA_PATH=info["ca_path"],
                       ANSIBLE_FORKS=str(forks), ANSIBLE_PYTHON_INTERPRETER=sys.executable)
            clock = time.perf_counter()
            run = subprocess.run(["ansible-playbook", "-i", str(paths["inventory"]), "-e",
                                  "fleet_out=%s" % paths["out"], str(paths["play"])],
                                 env=env, capture_output=True, text=True, check=False)
            seconds = time.perf_counter() - clock
            counters = _control(info, "/counters")
        finally:
            subprocess.run([sys.executable, str(RUN), "--stop", "--state-dir", str(state)],
                           check=False, capture_output=True)
        passed = int(paths["out"].read_text()) if paths["out"].exists() else 0
    result = dict(
        hosts=hosts, jobs=hosts, passed=passed, latency_ms=latency_ms,
        requests=sum(counters["requests"].values()),
        query_requests=counters["requests"].get("GET /api/query", 0),
        max_url_bytes=counters["max_request_line"],   # the request line: method, URL and protocol
        refused_414=counters["refused_414"],
        nas_jobs_requests=counters["requests"].get("GET /api/nas/jobs", 0),
        open_logon_sessions=counters["open_logon_sessions"],
        seconds=round(seconds, 1),
    )
    if run.returncode != 0:
        result["failure"] = run.stdout[-3000:] + run.stderr[-3000:]
    result["ok"] = (run.returncode == 0 and passed == hosts and not result["refused_414"]
                    and not result["nas_jobs_requests"] and not result["open_logon_sessions"])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=0, help="the simulator's delay before each /api answer")
    args = parser.parse_args()
    result = run_fleet(args.hosts, args.forks, args.latency_ms)
    failure = result.pop("failure", "")
    print(json.dumps(result))
    if failure:
        sys.stderr.write(failure)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
