# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Command line: run in the foreground, as a daemon (``--daemon``), or stop one (``--stop``).

Only the standard library is imported at module level: ``--daemon`` forks before the
server (and cryptography) is loaded, and ``--stop`` needs nothing else.
"""

import argparse
import json
import os
import select
import signal
import ssl
import sys
import threading
import time
import traceback
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

from .config import CASINGS, EM_VERSIONS, SimConfig

SIM_JSON = "sim.json"
SIM_PID = "sim.pid"
SIM_LOG = "sim.log"
READY_TIMEOUT = 30.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m em_simulator",
        description="Veeam Backup Enterprise Manager REST simulator (HTTPS on loopback) for tests.")
    parser.add_argument("--state-dir", required=True, help="where ca.pem, sim.json, sim.log are written (required)")
    parser.add_argument("--scenario", default="basic",
                        help="scenario file (YAML or JSON) or a bundled name: basic, large, demo (default: basic)")
    parser.add_argument("--em-version", choices=sorted(EM_VERSIONS), default="v12",
                        help="EM generation to imitate (default: v12; v13 answers camelCase JSON)")
    parser.add_argument("--casing", choices=CASINGS, help="override the JSON key casing of --em-version")
    parser.add_argument("--bom", action="store_true", help="start every JSON body with a UTF-8 byte-order mark")
    parser.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help="TCP port (default 0: pick a free one)")
    parser.add_argument("--daemon", action="store_true",
                        help="run in the background; return once it answers, printing sim.json")
    parser.add_argument("--stop", action="store_true", help="stop the simulator running for --state-dir")
    parser.add_argument("--idle-timeout", type=float, default=900.0,
                        help="seconds after which an unused logon session expires (default 900)")
    parser.add_argument("--lifetime", type=float, default=3600.0,
                        help="exit by itself after this many seconds, 0 = never (default 3600)")
    parser.add_argument("--seed", type=int, help="seed for derived ids and generated history (default: the scenario's)")
    parser.add_argument("--page-size-default", type=int, default=100,
                        help="query page size when the client sends none (default 100)")
    parser.add_argument("--max-page-size", type=int,
                        help="cap every query page at this size whatever pageSize asks (default: no cap)")
    parser.add_argument("--task-seconds", type=float, help="how long a stop/start Task stays Running (default 0.3)")
    parser.add_argument("--stopping-seconds", type=float,
                        help="how long a stopped session stays Stopping (default 0.5)")
    parser.add_argument("--log-file", help="access log (default with --daemon: STATE_DIR/sim.log; else none)")
    return parser


def _config(args: argparse.Namespace, state_dir: Path) -> SimConfig:
    from .scenario import resolve_path    # resolve now: the daemon changes its directory
    return SimConfig(
        state_dir=state_dir, scenario=resolve_path(args.scenario), em_version=args.em_version, casing=args.casing,
        bom=args.bom, host=args.host, port=args.port, idle_timeout=args.idle_timeout, lifetime=args.lifetime,
        seed=args.seed, page_size_default=args.page_size_default, page_size_max=args.max_page_size,
        task_seconds=args.task_seconds,
        stopping_seconds=args.stopping_seconds,
        log_file=Path(args.log_file).resolve() if args.log_file else (state_dir / SIM_LOG if args.daemon else None))


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    state_dir = Path(args.state_dir).resolve()
    if args.stop:
        return stop(state_dir)
    try:
        config = _config(args, state_dir)
    except ValueError as exc:      # ScenarioError included
        print("em_simulator: %s" % exc, file=sys.stderr)
        return 2
    try:
        if args.daemon:
            return daemonize(config)
        return serve(config)
    except OSError as exc:         # e.g. a state dir that cannot be written
        print("em_simulator: %s" % exc, file=sys.stderr)
        return 1


# ---------------------------------------------------------------------- foreground
def serve(config: SimConfig, ready_fd: Optional[int] = None) -> int:
    """Run until stopped (signal, /_sim/shutdown or lifetime). ``ready_fd`` gets one line
    (``READY`` or ``ERROR <message>``) for a waiting parent."""
    from .scenario import ScenarioError
    from .server import Simulator

    sim = Simulator(config)
    try:
        sim.start()
    except (ScenarioError, OSError, ValueError) as exc:
        message = "cannot start: %s" % exc
        print("em_simulator: %s" % message, file=sys.stderr)
        if ready_fd is not None:
            os.write(ready_fd, ("ERROR %s\n" % message).encode("utf-8"))
        return 1
    requested = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        requested.set()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    if ready_fd is not None:
        os.write(ready_fd, b"READY\n")
        os.close(ready_fd)
    else:
        print(json.dumps(sim.info), flush=True)
        print("em_simulator: listening on %s (ready in %.3f s); Ctrl-C stops"
              % (sim.url, sim.startup_seconds), file=sys.stderr, flush=True)
    while not sim.wait(0.2) and not requested.is_set():
        pass
    sim.stop()
    return 0


# ---------------------------------------------------------------------- daemon
def _read_json(path: Path) -> Optional[Dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:        # a zombie (nobody reaped it yet) is gone for our purpose
        with open("/proc/%d/stat" % pid, "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _is_simulator(pid: int) -> bool:
    """Guard against a recycled pid before sending signals."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return b"em_simulator" in handle.read()
    except OSError:
        return not os.path.isdir("/proc")       # no procfs: cannot tell, trust the pid file


def _running_pid(state_dir: Path) -> Optional[int]:
    for name in (SIM_JSON, SIM_PID):
        path = state_dir / name
        if name == SIM_JSON:
            pid = (_read_json(path) or {}).get("pid")
        else:
            try:
                pid = int(path.read_text().strip())
            except (OSError, ValueError):
                pid = None
        if isinstance(pid, int) and _alive(pid) and _is_simulator(pid):
            return pid
    return None


def _log_tail(state_dir: Path, lines: int = 20) -> str:
    try:
        return "\n".join((state_dir / SIM_LOG).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _https(url: str, ca_path: str, method: str = "GET", timeout: float = 5.0) -> bytes:
    context = ssl.create_default_context(cafile=ca_path)
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:
        return answer.read()


def daemonize(config: SimConfig) -> int:
    state_dir = config.state_dir
    state_dir.mkdir(parents=True, exist_ok=True)
    running = _running_pid(state_dir)
    if running is not None:
        print("em_simulator: already running for %s (pid %d); stop it with --stop" % (state_dir, running),
              file=sys.stderr)
        return 1
    for name in (SIM_JSON, SIM_PID):
        try:
            (state_dir / name).unlink()
        except FileNotFoundError:
            pass
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:                                  # first child: detach, fork again
        code = 1
        try:
            os.close(read_end)
            os.setsid()
            if os.fork() > 0:
                os._exit(0)
            code = _daemon_body(config, write_end)
        except BaseException:                       # never return into the caller's code
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write_end)
    os.waitpid(child, 0)
    line = _read_line(read_end, READY_TIMEOUT)
    os.close(read_end)
    if line != "READY":
        reason = line[6:] if line.startswith("ERROR ") else "no sign of life within %.0f s" % READY_TIMEOUT
        print("em_simulator: daemon did not start: %s\n%s" % (reason, _log_tail(state_dir)), file=sys.stderr)
        return 1
    info = _read_json(state_dir / SIM_JSON)
    try:
        if info is None:
            raise OSError("sim.json is missing")
        answer = json.loads(_https(info["control_url"] + "/info", info["ca_path"]))
        if answer.get("pid") != info["pid"]:
            raise OSError("another process answers on port %s" % info["port"])
    except (OSError, ValueError, KeyError) as exc:
        print("em_simulator: daemon started but does not answer: %s\n%s" % (exc, _log_tail(state_dir)),
              file=sys.stderr)
        return 1
    print(json.dumps(info, indent=2), flush=True)
    return 0


def _read_line(fd: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    data = b""
    while b"\n" not in data:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace").strip()


def _daemon_body(config: SimConfig, ready_fd: int) -> int:
    """In the detached grandchild: own stdio on sim.log, no inherited descriptors."""
    state_dir = config.state_dir
    os.chdir("/")
    log_fd = os.open(str(state_dir / SIM_LOG), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    # Close everything else the caller had open (pipes of ansible's command module, a
    # make lock...), or whoever waits on those would wait for our whole lifetime.
    os.closerange(3, ready_fd)
    os.closerange(ready_fd + 1, max(ready_fd + 2, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024))
    pid_file = state_dir / SIM_PID
    pid_file.write_text("%d\n" % os.getpid(), encoding="ascii")
    try:
        return serve(config, ready_fd)
    finally:
        try:
            if pid_file.read_text(encoding="ascii").strip() == str(os.getpid()):
                pid_file.unlink()
        except OSError:
            pass


# ---------------------------------------------------------------------- stop
def stop(state_dir: Path, timeout: float = 10.0) -> int:
    """Stop the simulator of ``state_dir`` and wait until its process is gone. Idempotent."""
    pid = _running_pid(state_dir)
    if pid is None:
        print("em_simulator: no simulator running for %s" % state_dir)
        return 0
    info = _read_json(state_dir / SIM_JSON) or {}
    try:
        _https(info["control_url"] + "/shutdown", info["ca_path"], method="POST", timeout=3)
    except (OSError, ValueError, KeyError):
        pass        # fall back to signals below
    deadline = time.monotonic() + timeout
    for signum in (None, signal.SIGTERM, signal.SIGKILL):
        if signum is not None and _alive(pid):
            os.kill(pid, signum)
            deadline = time.monotonic() + 3.0
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _alive(pid):
            break
    else:
        print("em_simulator: pid %d did not exit" % pid, file=sys.stderr)
        return 1
    for name in (SIM_JSON, SIM_PID):
        path = state_dir / name
        if (_read_json(path) or {}).get("pid") == pid or name == SIM_PID:
            try:
                path.unlink()
            except OSError:
                pass
    print("em_simulator: stopped pid %d" % pid)
    return 0
