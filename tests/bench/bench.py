# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``make bench``: requests sent and time taken by the collection's main paths.

Runs against the EM simulator with the ``large`` scenario (12,002 NAS sessions
over 400 days, 25 jobs): the session queries the modules and the lookup make,
a peer-style baseline (list references, then fetch every entity), and the gate
role end to end for 1 and for 20 hosts. Requests come from the simulator's
counters; times are wall-clock medians. Nothing here asserts a time: it
measures, and writes .build/bench.json.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import ssl
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for entry in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep):
    if entry:
        sys.path.insert(0, entry)

from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import EmClient  # noqa: E402
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import (  # noqa: E402
    find_sessions, latest_per_job, normalise_session,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import SessionQuery  # noqa: E402

RUNS = 3


class Simulator:
    """The simulator as a background process, with its control path."""

    def __init__(self, state_dir, scenario="large"):
        self.state_dir = state_dir
        out = subprocess.run([sys.executable, str(ROOT / "tests/em_simulator/run.py"), "--daemon", "--state-dir",
                              state_dir, "--scenario", scenario], check=True, capture_output=True, text=True)
        self.info = json.loads(out.stdout)
        self._tls = ssl.create_default_context(cafile=self.info["ca_path"])

    def control(self, path, method="GET"):
        request = urllib.request.Request(self.info["control_url"] + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, context=self._tls) as answer:
            return json.loads(answer.read())

    def stop(self):
        subprocess.run([sys.executable, str(ROOT / "tests/em_simulator/run.py"), "--stop", "--state-dir", self.state_dir],
                       check=False, capture_output=True)


def measure(sim, work):
    """Run ``work()`` RUNS times -> (result of the last run, median seconds, requests per run, open sessions)."""
    times = []
    result = None
    sim.control("/reset", "POST")
    for _run in range(RUNS):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    counters = sim.control("/counters")
    requests = sum(counters["requests"].values()) / RUNS
    return result, statistics.median(times), requests, counters["open_logon_sessions"]


def client(sim):
    return EmClient(sim.info["url"], sim.info["username"], sim.info["password"], ca_path=sim.info["ca_path"])


def query_case(sim, query):
    def work():
        with client(sim) as em:
            return len(find_sessions(em, query)[0])
    return work


def peer_baseline(sim):
    """What peer tools do: list the NAS session references (last 30 days), then GET every entity."""
    def work():
        with client(sim) as em:
            refs = (em.get("nas/backupSessions") or {}).get("refs") or []
            if isinstance(refs, dict):
                refs = refs.get("refs") or []
            sessions = [normalise_session(em.get(ref["href"], params=[("format", "Entity")])) for ref in refs]
        sessions.sort(key=lambda s: s["creation_time"], reverse=True)
        return len(latest_per_job(sessions))
    return work


def gate_case(sim, hosts, jobs, workdir):
    """The nas_backup_gate role end to end: an inventory of ``hosts`` file servers."""
    inventory = Path(workdir) / ("inventory-%d.json" % hosts)
    members = dict(("fs%02d.bench.example" % (n + 1), {"veeam_nas_jobs": [jobs[n % len(jobs)]]}) for n in range(hosts))
    inventory.write_text(json.dumps({"file_servers": {"hosts": members}}))
    playbook = Path(workdir) / "gate.yml"
    playbook.write_text(
        "- name: Gate\n  hosts: file_servers\n  gather_facts: false\n  roles:\n"
        "    - role: backupgate.veeam_em.nas_backup_gate\n      nas_backup_gate_fail: false\n"
        "      nas_backup_gate_max_age: 3d\n")
    env = dict(os.environ, VEEAM_EM_URL=sim.info["url"], VEEAM_EM_USERNAME=sim.info["username"],
               VEEAM_EM_PASSWORD=sim.info["password"], VEEAM_EM_CA_PATH=sim.info["ca_path"],
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_FORKS="5")

    def work():
        subprocess.run(["ansible-playbook", "-i", str(inventory), str(playbook)], env=env, check=True,
                       capture_output=True, text=True)
        return hosts
    return work


def main():
    rows = []
    with tempfile.TemporaryDirectory(prefix="veeam-em-bench-") as workdir:
        started = time.perf_counter()
        sim = Simulator(os.path.join(workdir, "sim"))
        print("simulator (large scenario) ready in %.2f s at %s" % (time.perf_counter() - started, sim.info["url"]))
        try:
            jobs = sorted(set(s["job_name"] for s in sim.control("/sessions")["sessions"]))
            cases = [
                ("every NAS session (all pages)", query_case(sim, SessionQuery())),
                ("sessions created in the last 24 h", query_case(sim, SessionQuery(created_after="24h"))),
                ("one job, last 7 days", query_case(sim, SessionQuery(job_names=[jobs[0]], created_after="7d"))),
                ("newest session of 26 named jobs", query_case(sim, SessionQuery(job_names=jobs, latest_per_job=True))),
                ("gate query: newest finished per job, 3 d", query_case(
                    sim, SessionQuery(job_names=jobs, state="stopped", latest_per_job=True, created_after="3d"))),
                ("failed in 30 days, with task sessions", query_case(
                    sim, SessionQuery(results=["Failed"], created_after="30d", include_task_sessions=True))),
                ("peer baseline: refs + one GET per session", peer_baseline(sim)),
            ]
            if (ROOT / "roles/nas_backup_gate").is_dir():
                cases += [("gate role end to end, 1 host", gate_case(sim, 1, jobs, workdir)),
                          ("gate role end to end, 20 hosts", gate_case(sim, 20, jobs, workdir))]
            for name, work in cases:
                count, seconds, requests, still_open = measure(sim, work)
                rows.append(dict(case=name, results=count, requests=requests, seconds=round(seconds, 3),
                                 open_logon_sessions=still_open))
        finally:
            sim.stop()

    width = max(len(r["case"]) for r in rows)
    print("\n%-*s %9s %9s %9s" % (width, "case (median of %d runs)" % RUNS, "results", "requests", "seconds"))
    for row in rows:
        print("%-*s %9d %9.0f %9.3f" % (width, row["case"], row["results"], row["requests"], row["seconds"]))
    leaks = [r["case"] for r in rows if r["open_logon_sessions"]]
    print("\nlogon sessions left open: %s" % (", ".join(leaks) if leaks else "none"))
    out = ROOT / ".build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2) + "\n")
    print("written: %s" % out.relative_to(ROOT))
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
