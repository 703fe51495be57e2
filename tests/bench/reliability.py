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
tests/bench/reliability.py``. Exit 1 if a case did not fail, a secret leaked or a logon
stayed open.
"""

import base64
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

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
    dict(name="403 for a Restore Operator", module="info", username="reader", password="reader-pass"),
    dict(name="stop task fails", module="stop", faults={"stop_task_fails": True}),
    dict(name="stop task succeeds but the session keeps running", module="stop", faults={"stop_ignored": True},
         wait_timeout=3),
    dict(name="lookup: 503 burst longer than the retries", module="lookup", faults={"fail_503": 20}),
    dict(name="lookup: wrong password", module="lookup", password="not-the-password"),
]


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
        playbook_rc=done.returncode)
    print(json.dumps(summary, indent=2))
    bad = (summary["cases_failed_cleanly"] != len(CASES) or summary["password_found"]
           or summary["token_like_strings_found"] or summary["open_logon_sessions"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
