# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``make bench``: what the collection costs against a slow EM, next to the do-it-yourself way.

Every case is a real ``ansible-playbook`` run (tests/bench/playbooks/, tests/bench/diy_gate.yml)
against the EM simulator holding a generated NAS history of 100, 1,000 or 10,000 sessions
(25 jobs backed up about once a day, so the history is 4, 40 or 400 days long), with a per-request latency of 20 ms and 100 ms. For each run:

* requests: the simulator's counters (reset before the run; logon and logoff included);
* seconds: wall time of the whole ``ansible-playbook`` (median of the runs);
* module MiB: peak RSS of the module processes (tests/bench/rss_python.py is the
  interpreter Ansible uses); playbook MiB: peak RSS of ansible-playbook and its workers,
  where the lookup runs;
* max URL: the longest request target in the simulator's access log.

Nothing here asserts a time: the budgets of issue 12 are reported, met or not. The slow
cases (the DIY playbook sends one request per session, and the gate for 1,000 hosts
spends most of its time in Ansible's per-host work) run only where they tell something,
so that the whole run stays under 10 minutes on a quiet 2-core machine; the output says
which. Where the DIY playbook does not run, its requests are exact (EM lists 30 days of
sessions and the playbook fetches each) and its time is extrapolated from its run at 100
sessions and the same latency; ``--diy-1000`` runs it at 1,000 sessions and 20 ms too. ``--quick`` is a 1-minute smoke run for development.
"""

import argparse
import json
import os
import platform
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gate_fleet import run_fleet  # noqa: E402  pylint: disable=wrong-import-position
from typing import Any, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

JOBS = 25
MAX_AGE = ("3d", 3 * 86400)
SIZES = (100, 1000, 10000)
LATENCIES = (20, 100)
# (case, size, latency) -> runs, for the cases that do not run everywhere.
SLOW = {("gate-1000", 1000, 20): 1, ("diy", 100, 20): 1, ("diy", 100, 100): 1}
CASES = {
    "info": "info module: one job, 7 days",
    "lookup": "lookup: one job, 7 days",
    "gate-1": "gate role, 1 host",
    "gate-50": "gate role, 50 hosts",
    "gate-1000": "gate role, 1,000 hosts",
    "report": "report role, 7 days",
    "diy": "DIY uri playbook, 1 host",
    "fleet": "gate role, fleet: 1 job per host, Portal User",
}
FLEET = (1000, 20)   # hosts (= jobs = sessions) and latency of the fleet row; --quick: 50 hosts
_REQUEST_LINE = re.compile(r'"([A-Z]+) (/api\S*) HTTP/1\.[01]"')


class Simulator:
    """The EM simulator as a background process, with its control path."""

    def __init__(self, state_dir: str, scenario: str) -> None:
        self.state_dir = state_dir
        out = subprocess.run([sys.executable, str(ROOT / "tests/em_simulator/run.py"), "--daemon", "--state-dir",
                              state_dir, "--scenario", scenario], check=True, capture_output=True, text=True)
        self.info = json.loads(out.stdout)
        self.log = Path(state_dir) / "sim.log"
        self._tls = ssl.create_default_context(cafile=self.info["ca_path"])

    def control(self, path: str, body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.info["control_url"] + path, data=data,
                                         method="GET" if data is None else "POST")
        with urllib.request.urlopen(request, context=self._tls) as answer:
            return json.loads(answer.read())

    def stop(self) -> None:
        subprocess.run([sys.executable, str(ROOT / "tests/em_simulator/run.py"), "--stop", "--state-dir",
                        self.state_dir], check=False, capture_output=True)


def _scenario(workdir: Path, size: int) -> str:
    path = workdir / ("bench-%d.yml" % size)
    path.write_text("name: bench-%d\nseed: %d\nbackup_servers: [{name: vbr01.bench.example}]\n"
                    "generate: {nas_jobs: %d, sessions: %d, days: %d, job_prefix: Bench}\n"
                    % (size, 12 + size, JOBS, size, max(1, size // JOBS)))
    return str(path)


def _inventory(workdir: Path, hosts: int, jobs: List[str]) -> str:
    path = workdir / ("inventory-%d.json" % hosts)
    if not path.exists():
        members = dict(("fs%04d.bench.example" % (n + 1), {"veeam_nas_jobs": [jobs[n % len(jobs)]]})
                       for n in range(hosts))
        path.write_text(json.dumps({"file_servers": {"hosts": members}}))
    return str(path)


class Runner:
    """Runs one case's playbook against a simulator and measures it."""

    def __init__(self, workdir: Path, sim: Simulator, jobs: List[str]) -> None:
        self.workdir = workdir
        self.sim = sim
        self.jobs = jobs
        self.rss_log = workdir / "rss.log"
        interpreter = workdir / "python"
        interpreter.write_text('#!/bin/sh\nexec "%s" "%s" "$@"\n' % (sys.executable, HERE / "rss_python.py"))
        interpreter.chmod(0o755)
        self.env = dict(os.environ, VEEAM_EM_URL=sim.info["url"], VEEAM_EM_USERNAME=sim.info["username"],
                        VEEAM_EM_PASSWORD=sim.info["password"], VEEAM_EM_CA_PATH=sim.info["ca_path"],
                        BENCH_RSS_LOG=str(self.rss_log), BENCH_REAL_PYTHON=sys.executable,
                        ANSIBLE_FORKS="5", ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_HOST_KEY_CHECKING="false",
                        ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1")
        self.extra = {"ansible_python_interpreter": str(interpreter), "bench_job": jobs[0],
                      "bench_max_age": MAX_AGE[0], "bench_max_age_seconds": MAX_AGE[1],
                      "bench_dest": str(workdir / "report")}

    def command(self, case: str) -> List[str]:
        hosts = int(case.split("-")[1]) if case.startswith("gate-") else 1
        playbook = HERE / "diy_gate.yml" if case == "diy" else HERE / "playbooks" / (case.split("-")[0] + ".yml")
        return [shutil.which("ansible-playbook") or "ansible-playbook", "-i",
                _inventory(self.workdir, hosts, self.jobs), "-e", json.dumps(self.extra), str(playbook)]

    def once(self, case: str, prefix: Optional[List[str]] = None, env: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        self.sim.control("/reset", {})
        self.rss_log.write_text("")
        log_offset = self.sim.log.stat().st_size
        started = time.perf_counter()
        process = subprocess.Popen((prefix or []) + self.command(case), env=dict(self.env, **(env or {})),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output = process.stdout.read()
        # wait4, not wait: its rusage is this run's own peak (ansible-playbook and its workers).
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close()
        seconds = time.perf_counter() - started
        if process.returncode:
            raise RuntimeError("%s failed (rc %s):\n%s" % (case, process.returncode, output[-3000:]))
        counters = self.sim.control("/counters")
        with open(self.sim.log, encoding="utf-8", errors="replace") as handle:
            handle.seek(log_offset)
            targets = [m.group(2) for m in _REQUEST_LINE.finditer(handle.read())]
        modules = [line.split() for line in self.rss_log.read_text().splitlines() if line.strip()]
        answer = re.search(r"BENCH-ANSWER (.*?)\"?$", output, re.MULTILINE)
        return dict(seconds=seconds, requests=sum(counters["requests"].values()), paths=counters["requests"],
                    open_logons=counters["open_logon_sessions"],
                    max_url=max((len(t) for t in targets), default=0),
                    module_mib=max((int(m[1]) for m in modules), default=0) / 1024.0,
                    module_seconds=sum(float(m[2]) for m in modules),
                    playbook_mib=usage.ru_maxrss / 1024.0,
                    answer=answer.group(1).replace('\\"', '"') if answer else None)

    def measure(self, case: str, runs: int) -> Dict[str, Any]:
        results = [self.once(case) for _run in range(runs)]
        return dict(seconds=statistics.median(r["seconds"] for r in results), runs=runs,
                    requests=max(r["requests"] for r in results), paths=results[-1]["paths"],
                    open_logons=max(r["open_logons"] for r in results),
                    max_url=max(r["max_url"] for r in results),
                    module_mib=max(r["module_mib"] for r in results),
                    module_seconds=statistics.median(r["module_seconds"] for r in results),
                    playbook_mib=max(r["playbook_mib"] for r in results), answer=results[-1]["answer"])


def plan(args: argparse.Namespace) -> List[Tuple[str, int, int, int]]:
    """(case, size, latency ms, runs) in the order they run."""
    sizes = (100,) if args.quick else SIZES
    latencies = (20,) if args.quick else LATENCIES
    slow = {**SLOW, **({("diy", 1000, 20): 1} if args.diy_1000 else {})}
    steps = []
    for size in sizes:
        for latency in latencies:
            for case in ("info", "lookup", "gate-1", "report"):
                runs = min(args.runs, args.report_runs) if case == "report" else args.runs
                steps.append((case, size, latency, 1 if args.quick else runs))
            steps.append(("gate-50", size, latency, 1))
            for (case, s, lat), runs in sorted(slow.items()):
                if (s, lat) == (size, latency) and not (args.quick and case == "gate-1000"):
                    steps.append((case, size, latency, 1 if args.quick else runs))
    return steps


def _sessions_in_list_window(sim: Simulator) -> int:
    """How many sessions EM's /nas/backupSessions lists (its 30-day window): the DIY's fetches."""
    sessions = sim.control("/sessions")["sessions"]
    cutoff = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 30 * 86400))
    return sum(1 for s in sessions if s["creation_time"] >= cutoff)


def profile_gate(runner: Runner, out_dir: Path) -> Dict[str, Any]:
    """A 1-host gate under pyinstrument: the controller process and the module process."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.txt"):
        old.unlink()
    plain = runner.once("gate-1")
    controller = out_dir / "controller.txt"
    profiled = runner.once("gate-1", prefix=[sys.executable, "-m", "pyinstrument", "--renderer", "text",
                                             "--outfile", str(controller)],
                           env={"BENCH_PROFILE_DIR": str(out_dir)})
    module = sorted(out_dir.glob("module-*.txt"))
    return dict(seconds=plain["seconds"], module_seconds=plain["module_seconds"],
                profiled_seconds=profiled["seconds"], controller=str(controller),
                module=str(module[0]) if module else None)


def _fmt(value: Optional[float], spec: str = "%.2f") -> str:
    return "-" if value is None else spec % value


def table(rows: List[Dict[str, Any]]) -> List[str]:
    head = ("| case | sessions | latency | runs | requests | seconds (median) | module MiB | playbook MiB "
            "| max URL | DIY requests | DIY seconds | ours/DIY time |")
    lines = [head, "| " + " | ".join(["---"] + ["---:"] * 11) + " |"]
    for row in rows:
        diy = row.get("diy") or {}
        ratio = row["seconds"] / diy["seconds"] if diy.get("seconds") else None
        lines.append("| %s | %s | %d ms | %d | %d | %.2f | %s | %s | %d | %s | %s | %s |" % (
            CASES[row["case"]], format(row["size"], ","), row["latency"], row["runs"], row["requests"],
            row["seconds"], _fmt(row["module_mib"] or None, "%.0f"), _fmt(row["playbook_mib"] or None, "%.0f"), row["max_url"],
            ("%s%d" % ("~" if diy.get("estimated") else "", diy["requests"])) if diy else "-",
            ("%s%.1f" % ("~" if diy.get("estimated") else "", diy["seconds"])) if diy.get("seconds") else "-",
            _fmt(ratio, "%.3f")))
    return lines


def budgets(rows: List[Dict[str, Any]]) -> List[str]:
    """The budgets of issue 12, reported (not asserted)."""
    by = dict(((r["case"], r["size"], r["latency"]), r) for r in rows)
    gates = [r for r in rows if r["case"] == "gate-1"]
    notes = []
    costs = sorted(set(r["requests"] for r in gates))
    notes.append("- a gate decision costs 3 requests whatever the history: %s (gate, 1 host: %s requests)"
                 % ("MET" if costs == [3] else "NOT MET", "/".join(str(c) for c in costs)))
    pairs = [(by[("gate-1", s, lat)], r) for (c, s, lat), r in by.items()
             if c in ("gate-50", "gate-1000") and ("gate-1", s, lat) in by]
    worse = ["%s at %s sessions, %d ms: %d vs %d (%s)" % (
        CASES[r["case"]], format(r["size"], ","), r["latency"], r["requests"], one["requests"],
        ", ".join("%s x%d" % (p, n) for p, n in sorted(r["paths"].items()) if one["paths"].get(p) != n))
        for one, r in pairs if r["requests"] != one["requests"]]
    notes.append("- 50 (and 1,000) hosts cost the same requests as 1: %s"
                 % ("MET" if pairs and not worse else "NOT MET where: " + "; ".join(worse)))
    for latency in sorted(set(r["latency"] for r in gates)):
        small, large = by.get(("gate-1", min(SIZES), latency)), by.get(("gate-1", max(SIZES), latency))
        if small and large:
            factor = large["seconds"] / small["seconds"]
            notes.append("- gate wall time at %s sessions within 1.5x of 100 (%d ms): %.2fx, %s"
                         % (format(max(SIZES), ","), latency, factor, "MET" if factor <= 1.5 else "NOT MET"))
    gate = by.get(("gate-1", 1000, 20))
    diy = by.get(("diy", 1000, 20)) or next((r for r in rows if (r["case"], r["size"], r["latency"])
                                             == ("diy", 1000, 20)), None)
    if gate and diy:
        factor = diy["seconds"] / gate["seconds"]
        notes.append("- at 1,000 sessions and 20 ms the gate is >= 10x faster than the DIY playbook: %.1fx%s, %s"
                     % (factor, " (DIY time extrapolated)" if diy.get("estimated") else "",
                        "MET" if factor >= 10 else "NOT MET"))
    return notes


def machine() -> List[str]:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo", encoding="utf-8")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ansible = subprocess.run(["ansible-playbook", "--version"], capture_output=True, text=True,
                             check=False).stdout.splitlines()[:1]
    first = "- machine: %s %s, %s, %d CPUs (%s), load average at start %.2f" % (
        platform.system(), platform.release(), platform.machine(), os.cpu_count() or 0, cpu, os.getloadavg()[0])
    return [first, "- Python %s; %s" % (platform.python_version(), ansible[0] if ansible else "ansible-playbook ?")]


def write_doc(lines: List[str]) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "%s\n%s\n" % (BEGIN, END)
    head, rest = text.split(BEGIN, 1) if BEGIN in text else (text, END)
    tail = rest.split(END, 1)[1] if END in rest else ""
    DOC.write_text(head + BEGIN + "\n" + "\n".join(lines) + "\n" + END + tail, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--quick", action="store_true", help="100 sessions, 20 ms, 1 run each: a smoke run")
    parser.add_argument("--runs", type=int, default=3, help="runs of each fast case (median reported)")
    parser.add_argument("--report-runs", type=int, default=3, help="runs of the report case (its slowest)")
    parser.add_argument("--profile", action="store_true", help="also profile a 1-host gate with pyinstrument")
    parser.add_argument("--diy-1000", action="store_true", help="also run the DIY playbook at 1,000 sessions, 20 ms")
    parser.add_argument("--write-docs", action="store_true", help="put the table into docs/benchmarks.md")
    parser.add_argument("--drop", action="append", default=[], metavar="CASE[:SIZE:LATENCY]",
                        help="leave out a case (everywhere, or at one size and latency), e.g. diy:10000:100")
    parser.add_argument("--resume", action="store_true",
                        help="keep the rows of .build/bench.json (an interrupted run) and run only the rest")
    parser.add_argument("--fleet-json", metavar="PATH",
                        help="take the fleet row from a saved `gate_fleet.py` JSON line instead of running it")
    args = parser.parse_args()
    started = time.perf_counter()
    steps = [s for s in plan(args) if s[0] not in args.drop and "%s:%d:%d" % s[:3] not in args.drop]
    saved = json.loads((ROOT / ".build" / "bench.json").read_text()) if args.resume else []
    rows: List[Dict[str, Any]] = [r for r in saved if r["case"] in CASES and not r.get("estimated")
                                  and r["case"] != "fleet"]
    steps = [s for s in steps if not any((r["case"], r["size"], r["latency"]) == s[:3] for r in rows)]
    notes = ["- latency is the simulator's delay before each /api answer; histories: %d NAS jobs with about "
             "one session a day each (generated, fixed seed), so 100 sessions span 4 days and 10,000 span "
             "400 days; EM's /nas/backupSessions list (what the DIY playbook reads) holds the last 30 days" % JOBS]
    profile_json = ROOT / ".build" / "bench-profile" / "profile.json"
    profile = json.loads(profile_json.read_text()) if args.resume and profile_json.exists() else None
    print(*machine(), sep="\n")
    with tempfile.TemporaryDirectory(prefix="veeam-em-bench-") as tmp:
        workdir = Path(tmp)
        for size in sorted(set(s[1] for s in steps) | set(r["size"] for r in rows)):
            sim = Simulator(str(workdir / ("sim-%d" % size)), _scenario(workdir, size))
            try:
                jobs = sorted(set(s["job_name"] for s in sim.control("/sessions")["sessions"]))
                listed = _sessions_in_list_window(sim)
                runner = Runner(workdir, sim, jobs)
                for latency in sorted(set(s[2] for s in steps if s[1] == size)
                                      | set(r["latency"] for r in rows if r["size"] == size)):
                    sim.control("/faults", {"clear": True, "latency_ms": latency})
                    for case, _size, _lat, runs in [s for s in steps if s[1:3] == (size, latency)]:
                        clock = time.perf_counter()
                        row = dict(case=case, size=size, latency=latency, **runner.measure(case, runs))
                        rows.append(row)
                        _save(rows)  # a long run interrupted still leaves its rows
                        print("  %-28s %6d sessions %4d ms: %4d requests, %7.2f s (%d runs, %.0f s)"
                              % (CASES[case], size, latency, row["requests"], row["seconds"], runs,
                                 time.perf_counter() - clock), flush=True)
                    if args.profile and (size, latency) == (1000, 20) and profile is None:
                        profile = profile_gate(runner, ROOT / ".build" / "bench-profile")
                        profile_json.write_text(json.dumps(profile) + "\n")
                    _estimate_diy(rows, size, latency, listed)
            finally:
                sim.stop()
    fleet = _fleet(args, rows)
    _check_answers(rows, notes)
    for row in rows:
        if row["case"] in ("info", "lookup", "gate-1"):  # the DIY answer to each is the same list + fetches
            row["diy"] = next((dict(requests=r["requests"], seconds=r["seconds"], estimated=r.get("estimated"))
                               for r in rows if r["case"] == "diy" and r["size"] == row["size"]
                               and r["latency"] == row["latency"]), None)
    shown = [r for r in rows if not r.get("estimated")]
    out = table(shown) + [""] + budgets(rows) + _fleet_notes(fleet) + notes
    out += ["- DIY rows marked ~ were not run (one uri call per session makes them minutes long): requests are "
            "exact (logon + list + one GET per listed session + logoff), seconds extrapolated from the DIY "
            "run at the same latency"]
    if profile:
        out += ["", "Profile of a 1-host gate (1,000 sessions, 20 ms): playbook %.2f s, of which the module "
                "process %.2f s (interpreter start, imports, 3 requests) and Ansible's own work %.2f s; "
                "pyinstrument text: %s (controller), %s (module)"
                % (profile["seconds"], profile["module_seconds"], profile["seconds"] - profile["module_seconds"],
                   profile["controller"], profile["module"])]
    leaks = [r for r in rows if r["open_logons"]]
    leaked = ", ".join("%s/%d/%d" % (r["case"], r["size"], r["latency"]) for r in leaks) or "0"
    out += ["", "logon sessions left open after any run: %s" % leaked,
            "total bench time: %.0f s" % (time.perf_counter() - started)]
    print("\n" + "\n".join(out))
    _save(rows)
    if args.write_docs:
        write_doc(machine() + [""] + out)
        print("written: docs/benchmarks.md")
    return 1 if leaks or (fleet and not fleet["ok"]) else 0


def _save(rows: List[Dict[str, Any]]) -> None:
    (ROOT / ".build").mkdir(exist_ok=True)
    (ROOT / ".build" / "bench.json").write_text(json.dumps(rows, indent=2) + "\n")


def _fleet(args: argparse.Namespace, rows: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The gate for a fleet whose every host names its own job: where the query logic must split URLs."""
    if "fleet" in args.drop:
        return None
    hosts, latency = (50 if args.quick else FLEET[0]), FLEET[1]
    clock = time.perf_counter()
    if args.fleet_json:
        fleet = json.loads(Path(args.fleet_json).read_text())
    else:
        fleet = run_fleet(hosts=hosts, latency_ms=latency)
    _save(rows + [dict(case="fleet-raw", **fleet)])
    rows.append(dict(case="fleet", size=hosts, latency=latency, runs=1, requests=fleet["requests"],
                     seconds=fleet["seconds"], paths={}, open_logons=fleet["open_logon_sessions"],
                     max_url=fleet["max_url_bytes"], module_mib=0, playbook_mib=0, answer=None))
    print("  %-28s %6d sessions %4d ms: %4d requests, %7.2f s (1 run, %.0f s)"
          % (CASES["fleet"], hosts, latency, fleet["requests"], fleet["seconds"], time.perf_counter() - clock),
          flush=True)
    if fleet.get("failure"):
        print(fleet["failure"], file=sys.stderr)
    return fleet


def _fleet_notes(fleet: Optional[Dict[str, Any]]) -> List[str]:
    """The URL-split cost, stated: what a fleet of distinct jobs costs over the 3 requests of one job."""
    if fleet is None:
        return ["- URL split: the fleet row was left out (--drop fleet)"]
    return ["- URL split (fleet row: %s hosts, each naming its own job, %d sessions, as the Portal User "
            "`reader`, tests/bench/gate_fleet.py, 10 forks): %d requests = logon + %d queries + logoff, "
            "%d GET /api/nas/jobs; longest request line %s bytes (method, URL and protocol; HTTP.sys "
            "refuses over 16 KB); refused 414: %d; hosts passed %d of %d; logons left open %d: %s"
            % (format(fleet["hosts"], ","), fleet["jobs"], fleet["requests"], fleet["query_requests"],
               fleet["nas_jobs_requests"], format(fleet["max_url_bytes"], ","), fleet["refused_414"],
               fleet["passed"], fleet["hosts"], fleet["open_logon_sessions"], "MET" if fleet["ok"] else "NOT MET")]


def _estimate_diy(rows: List[Dict[str, Any]], size: int, latency: int, listed: int) -> None:
    """A DIY row for a (size, latency) where it did not run: exact requests, extrapolated time."""
    if any(r["case"] == "diy" and r["size"] == size and r["latency"] == latency for r in rows):
        return
    ran = [r for r in rows if r["case"] == "diy" and r["latency"] == latency and not r.get("estimated")]
    seconds = None
    if ran:
        # Its run at this latency, plus the same cost per fetched session for the extra sessions:
        # the fixed part (Ansible's start, logon, list) is not multiplied.
        base = max(ran, key=lambda r: r["requests"])
        gate = next((r for r in rows if r["case"] == "gate-1" and r["size"] == base["size"]
                     and r["latency"] == latency), None)
        fixed = gate["seconds"] if gate else 0.0
        per_fetch = (base["seconds"] - fixed) / max(1, base["requests"] - 3)
        seconds = base["seconds"] + per_fetch * (listed - (base["requests"] - 3))
    rows.append(dict(case="diy", size=size, latency=latency, runs=0, requests=listed + 3, seconds=seconds,
                     estimated=True, paths={}, open_logons=0, max_url=0, module_mib=0, playbook_mib=0, answer=None))


def _check_answers(rows: List[Dict[str, Any]], notes: List[str]) -> None:
    """The gate and the DIY playbook must reach the same verdicts, and info and lookup the same list."""
    by = dict(((r["case"], r["size"], r["latency"]), r) for r in rows if not r.get("estimated"))
    for (case, size, latency), row in by.items():
        twin = {"diy": "gate-1", "lookup": "info"}.get(case)
        other = by.get((twin, size, latency)) if twin else None
        if other is not None:
            same = row["answer"] == other["answer"]
            if not same:
                notes.append("- ANSWERS DIFFER: %s vs %s at %d sessions, %d ms: %s vs %s"
                             % (case, twin, size, latency, row["answer"], other["answer"]))
    if not any(n.startswith("- ANSWERS DIFFER") for n in notes):
        notes.append("- same answers: the DIY playbook reached the gate's verdicts and the lookup listed the "
                     "info module's sessions in every pair where both ran")


if __name__ == "__main__":
    sys.exit(main())
