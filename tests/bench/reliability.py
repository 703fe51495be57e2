# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Failing runs at -vvv: does any secret leak, does any logon stay open?

Runs tests/bench/reliability.yml (one task per fault of the EM simulator: latency past
``timeout``, a 503 burst longer than the retries, dropped connections, malformed bodies,
expired logons, a failing and a stuck stop task, 403 for a Restore Operator, a wrong
password) with ``ansible-playbook -vvv``, then searches the whole output for the password,
its Basic-auth form and anything shaped like an EM logon token (base64 of 16 bytes).
Prints a JSON summary (docs/reliability.md quotes it). Run: ``hacking/with-venv.sh python
tests/bench/reliability.py``. Then interrupts a query in flight (SIGTERM and SIGINT to
the playbook's process group, as a CI cancel or Ctrl-C does; SIGTERM to ansible-playbook
alone) and counts the logons left open. Exit 1 if a case did not fail, a secret leaked or
a logon stayed open.
"""

import base64
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, Simulator  # noqa: E402  pylint: disable=wrong-import-position

HERE = Path(__file__).resolve().parent
# EM's token: base64 of 16 random bytes (the simulator's) or of a GUID's text (some EMs).
_TOKEN = re.compile(r"(?<![A-Za-z0-9+/])(?:[A-Za-z0-9+/]{22}==|[A-Za-z0-9+/]{48})(?![A-Za-z0-9+/=])")
CASES = [
    dict(name="latency past timeout (3 s per request, timeout 2 s)", module="info", faults={"latency_ms": 3000}),
    dict(name="503 burst longer than the retries", module="info", faults={"fail_503": 20}),
    dict(name="dropped connections", module="info", faults={"drop": 20}),
    dict(name="malformed JSON bodies", module="info", faults={"malformed": 20}),
    dict(name="wrong password", module="info", password="not-the-password"),
    dict(name="403 for a Restore Operator", module="info", username="restore", password="restore-pass"),
    dict(name="slow logon: the logon session is made, its answer comes after timeout", module="info",
         faults={"slow_logon_ms": 3000}),
    # A request that carries the token and gets an error Message: a logon's 503 would carry none.
    dict(name="EM echoes the caller's token in its error message (stop refused with 403)", module="stop",
         faults={"echo_token": True, "refuse_nas_stop": 403}),
    dict(name="empty 200 bodies", module="info", faults={"empty_200": 20}),
    dict(name="a JSON list where EM sends an object", module="info", faults={"wrong_type": 20}),
    dict(name="answers trickled at 200 bytes/s (every read on time, the whole past timeout)", module="info",
         faults={"trickle_bps": 200, "trickle_count": 20}),
    dict(name="stop refused with 403 by EM", module="stop", faults={"refuse_nas_stop": 403}),
    dict(name="stop task fails", module="stop", faults={"stop_task_fails": True}),
    dict(name="stop task succeeds but the session keeps running", module="stop", faults={"stop_ignored": True},
         wait_timeout=3),
    dict(name="lookup: 503 burst longer than the retries", module="lookup", faults={"fail_503": 20}),
    dict(name="lookup: wrong password", module="lookup", password="not-the-password"),
]


_INTERRUPTED = """\
- name: Reliability - a query interrupted in flight
  hosts: localhost
  gather_facts: false
  tasks:
    - name: List the sessions of 7 days from a slow EM
      backupgate.veeam_em.veeam_nas_session_info:
        created_after: 7d
        timeout: 30
"""


def _interrupt(sim: Simulator, workdir: Path, how: str) -> Dict[str, Any]:
    """Signal a playbook whose module is logged on and waiting for EM; count the logons left open."""
    play = workdir / "interrupted.yml"
    play.write_text(_INTERRUPTED)
    sim.control("/faults", {"clear": True, "latency_ms": 2000})
    sim.control("/reset", {})
    before = sim.control("/counters")["open_logon_sessions"]   # orphans of earlier cases, not this one's
    env = dict(os.environ, VEEAM_EM_URL=sim.info["url"], VEEAM_EM_USERNAME=sim.info["username"],
               VEEAM_EM_PASSWORD=sim.info["password"], VEEAM_EM_CA_PATH=sim.info["ca_path"])
    process = subprocess.Popen(["ansible-playbook", "-vvv", "-i", "localhost,", "-c", "local", str(play)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while sim.control("/counters")["logons"] < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)   # the module now waits for the answer to its first query
    number = signal.SIGINT if how.startswith("SIGINT") else signal.SIGTERM
    if how.endswith("group"):
        os.killpg(process.pid, number)
    else:
        process.send_signal(number)
    try:
        output = process.communicate(timeout=60)[0]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output = process.communicate()[0]
    # A module left running by its killed parent may still be logging off: give it EM's latency.
    settle = time.monotonic() + 15
    while sim.control("/counters")["open_logon_sessions"] > before and time.monotonic() < settle:
        time.sleep(0.5)
    counters = sim.control("/counters")
    sim.control("/faults", {"clear": True})
    return dict(how=how, playbook_rc=process.returncode, logons=counters["logons"], logoffs=counters["logoffs"],
                open_logon_sessions=counters["open_logon_sessions"] - before,
                password_found=output.count(sim.info["password"]))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="veeam-em-reliability-") as tmp:
        sim = Simulator(str(Path(tmp) / "sim"), "basic")
        try:
            running = [s["job_name"] for s in sim.control("/sessions")["sessions"] if s["state"] != "Stopped"]
            extra = dict(rel_url=sim.info["url"], rel_username=sim.info["username"],
                         rel_password=sim.info["password"], rel_ca_path=sim.info["ca_path"],
                         rel_control_url=sim.info["control_url"], rel_running_job=running[0], rel_cases=CASES)
            sim.control("/reset", {})
            done = subprocess.run(["ansible-playbook", "-vvv", "-i", "localhost,", "-c", "local", "-e",
                                   json.dumps(extra), str(HERE / "reliability.yml")],
                                  capture_output=True, text=True, check=False, cwd=str(ROOT))
            sim.control("/faults", {"clear": True})
            counters = sim.control("/counters")
            interrupts = [_interrupt(sim, Path(tmp), how) for how in ("SIGTERM group", "SIGINT group", "SIGTERM ansible-playbook")]
        finally:
            sim.stop()
    output = done.stdout + done.stderr
    password = extra["rel_password"]
    basic = base64.b64encode(("%s:%s" % (extra["rel_username"], password)).encode()).decode()
    # Each debug line's msg is a JSON string literal holding "RELIABILITY-CASE {json}".
    outcomes = [json.loads(json.loads(m.group(1)).split(" ", 1)[1])
                for m in re.finditer(r'"msg": ("RELIABILITY-CASE (?:[^"\\]|\\.)*")', output)]
    summary = dict(
        cases=len(CASES), cases_reported=len(outcomes),
        cases_failed_cleanly=sum(1 for o in outcomes if o["failed"] and "Traceback" not in o["msg"]),
        outcomes=outcomes, vvv_output_bytes=len(output),
        password_found=output.count(password) + output.count(basic),
        token_like_strings_found=len(_TOKEN.findall(output)),
        logons=counters["logons"], logoffs=counters["logoffs"], open_logon_sessions=counters["open_logon_sessions"],
        playbook_rc=done.returncode, interrupts=interrupts)
    print(json.dumps(summary, indent=2))
    bad = (summary["cases_failed_cleanly"] != len(CASES) or summary["password_found"]
           or summary["token_like_strings_found"] or summary["open_logon_sessions"]
           or any(i["open_logon_sessions"] or i["password_found"] for i in interrupts))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
