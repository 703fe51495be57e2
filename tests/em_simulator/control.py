# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The control path ``/_sim/...`` (no EM has it; no auth): counters, faults, ground truth,
shutdown. Its answers are plain JSON, never subject to faults, casing or BOM."""

import json
import threading
from collections import Counter
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Tuple

from .store import StopFaults

if TYPE_CHECKING:       # pragma: no cover
    from .app import SimApp


class Counters:
    """Requests per ``METHOD /path`` (no query string) and logon bookkeeping, for tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests: Counter = Counter()
            self.posts = 0            # POSTs under /api except logons
            self.logons = 0
            self.failed_logons = 0
            self.logoffs = 0
            self.refused_414 = 0          # requests over HTTP.sys's size limit
            self.max_request_line = 0     # bytes of the longest request line (control path excluded)

    def request(self, method: str, path: str, is_logon: bool) -> None:
        with self._lock:
            self.requests["%s %s" % (method, path)] += 1
            if method == "POST" and not is_logon:
                self.posts += 1

    def request_line(self, length: int) -> None:
        with self._lock:
            self.max_request_line = max(self.max_request_line, length)

    def bump(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def snapshot(self, open_logon_sessions: int) -> Dict[str, Any]:
        with self._lock:
            return {"requests": dict(sorted(self.requests.items())), "posts": self.posts, "logons": self.logons,
                    "logoffs": self.logoffs, "open_logon_sessions": open_logon_sessions,
                    "failed_logons": self.failed_logons, "refused_414": self.refused_414,
                    "max_request_line": self.max_request_line}


class Faults:
    """Injected misbehaviour of the /api side. Counted faults hit the next N requests/bodies."""
    #: Counted: each applies to the next N matching requests or answers (README's table).
    COUNTED = ("fail_503", "drop", "malformed", "empty_200", "empty_object", "wrong_type", "no_paging",
               "huge_pages_count", "trickle_count", "huge_body_count")
    #: Settings that stay until changed (0 = off).
    LEVELS = ("latency_ms", "refuse_nas_stop", "trickle_bps", "slow_logon_ms")
    FLAGS = ("stop_ignored", "stop_task_fails", "echo_token")
    #: A rate or size without its count applies to this many answers.
    _COUNT_OF = {"trickle_bps": "trickle_count", "huge_body_mb": "huge_body_count"}

    def __init__(self, stop: Optional[StopFaults] = None) -> None:
        self._lock = threading.Lock()
        self.stop = stop or StopFaults()
        self._zero()

    def _zero(self) -> None:
        for name in self.COUNTED + self.LEVELS:
            setattr(self, name, 0)
        self.huge_body_mb = 0.0
        self.echo_token = False
        self.stop.ignored = self.stop.task_fails = False

    def take(self, name: str) -> bool:
        """Use up one of the counted fault ``name``; True if it applies now."""
        with self._lock:
            left = getattr(self, name)
            if left <= 0:
                return False
            setattr(self, name, left - 1)
            return True

    def snapshot(self) -> Dict[str, Any]:
        with self._lock:
            state = {name: getattr(self, name) for name in self.COUNTED + self.LEVELS}
            state.update(huge_body_mb=self.huge_body_mb, echo_token=self.echo_token,
                         stop_ignored=self.stop.ignored, stop_task_fails=self.stop.task_fails)
            return state

    def clear(self) -> None:
        with self._lock:
            self._zero()

    @classmethod
    def _validate(cls, spec: Mapping[str, Any]) -> None:
        ints = cls.COUNTED + cls.LEVELS
        bools = cls.FLAGS + ("expire_logons", "clear")
        for key, value in spec.items():
            if key in ints:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError("%s must be a non-negative integer" % key)
            elif key == "huge_body_mb":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 4096:
                    raise ValueError("huge_body_mb must be a number of MiB from 0 to 4096")
            elif key in bools:
                if not isinstance(value, bool):
                    raise ValueError("%s must be true or false" % key)
            else:
                raise ValueError("unknown fault %r; known: %s"
                                 % (key, ", ".join(ints + ("huge_body_mb",) + bools)))
        if spec.get("refuse_nas_stop") and not 400 <= spec["refuse_nas_stop"] <= 599:
            raise ValueError("refuse_nas_stop must be an HTTP error status (400-599) or 0")

    def apply(self, spec: Mapping[str, Any]) -> None:
        """Set faults from a /_sim/faults body (validated first, so a bad body changes nothing)."""
        self._validate(spec)
        if spec.get("clear"):
            self.clear()
        with self._lock:
            for key in self.COUNTED + self.LEVELS + ("huge_body_mb", "echo_token"):
                if key in spec:
                    setattr(self, key, spec[key])
            for key, count in self._COUNT_OF.items():
                if spec.get(key) and count not in spec:
                    setattr(self, count, 1)
            if "stop_ignored" in spec:
                self.stop.ignored = spec["stop_ignored"]
            if "stop_task_fails" in spec:
                self.stop.task_fails = spec["stop_task_fails"]

    def take_trickle(self) -> int:
        """Bytes per second for this answer's body, or 0."""
        return self.trickle_bps if self.trickle_bps and self.take("trickle_count") else 0

    def take_huge_body(self) -> int:
        """The size in bytes to pad this answer's body to, or 0."""
        return int(self.huge_body_mb * 1048576) if self.huge_body_mb and self.take("huge_body_count") else 0


ControlAnswer = Tuple[int, Any, Optional[Callable[[], None]]]


class Control:
    def __init__(self, app: "SimApp") -> None:
        self.app = app

    def handle(self, method: str, path: str, params: Mapping[str, str], body: bytes) -> ControlAnswer:
        app = self.app
        route = path[len("/_sim"):].rstrip("/") or "/"
        if (method, route) == ("GET", "/counters"):
            return 200, app.counters.snapshot(len(app.logons.live())), None
        if (method, route) == ("POST", "/reset"):
            app.counters.reset()
            return 200, app.counters.snapshot(len(app.logons.live())), None
        if route == "/faults" and method in ("GET", "POST"):
            if method == "POST":
                try:
                    spec = json.loads(body.decode("utf-8-sig") or "{}")
                    if not isinstance(spec, dict):
                        raise ValueError("the body must be a JSON object")
                    app.faults.apply(spec)
                except ValueError as exc:
                    return 400, {"error": "bad faults request: %s" % exc}, None
                if spec.get("expire_logons"):
                    app.logons.expire_all()
            return 200, app.faults.snapshot(), None
        if (method, route) == ("GET", "/sessions"):
            include_all = params.get("all", "").lower() in ("1", "true", "yes")
            return 200, {"sessions": app.store.truth(include_all)}, None
        if (method, route) == ("GET", "/info"):
            return 200, app.info(), None
        if (method, route) == ("POST", "/shutdown"):
            return 200, {"stopping": True}, app.request_shutdown
        if route in ("/counters", "/reset", "/faults", "/sessions", "/info", "/shutdown"):
            return 405, {"error": "method %s not allowed on %s" % (method, path)}, None
        return 404, {"error": "no control route %s" % path}, None
