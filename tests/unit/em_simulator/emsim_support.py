# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers shared by the simulator tests (conftest.py loads this as ``emsim_support``)."""

import base64
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, Optional

from em_simulator.app import SimApp  # pylint: disable=import-error
from em_simulator.config import SimConfig  # pylint: disable=import-error
from em_simulator.scenario import load  # pylint: disable=import-error
from em_simulator.times import utc_now  # pylint: disable=import-error

ADMIN = ("admin", "admin-pass")
READER = ("reader", "reader-pass")          # PortalUser, as in the default users
RESTORE = ("restore", "restore-pass")       # RestoreOperator

#: A small scenario for behaviour tests: one running NAS session per job that needs one.
SMALL = {
    "name": "small",
    "seed": 1,
    "users": [
        {"username": "admin", "password": "admin-pass", "role": "PortalAdministrator"},
        {"username": "reader", "password": "reader-pass", "role": "PortalUser"},
        {"username": "restore", "password": "restore-pass", "role": "RestoreOperator"},
    ],
    "task_seconds": 0.05,
    "stopping_seconds": 0.1,
    "jobs": [
        {"name": "Share A", "id": "11111111-1111-4111-8111-111111111111", "sessions": [
            {"id": "aaaaaaaa-0000-4000-8000-000000000001", "created": "-26h", "duration": "35m", "result": "Success",
             "task_sessions": [{"name": "\\\\fs01\\a", "result": "Success", "total_size": 10}]},
            {"id": "aaaaaaaa-0000-4000-8000-000000000002", "created": "-10m", "running": True, "progress": 40},
        ]},
        {"name": "Share B", "id": "22222222-2222-4222-8222-222222222222", "sessions": [
            {"id": "bbbbbbbb-0000-4000-8000-000000000001", "created": "-2h", "duration": "40m", "result": "Failed",
             "failure_message": "Access is denied"},
        ]},
        {"name": "Quick", "id": "33333333-3333-4333-8333-333333333333", "sessions": [
            {"id": "cccccccc-0000-4000-8000-000000000001", "created": "-1m", "running": True, "progress": 10,
             "finishes_after": "30s", "result_when_done": "Warning"},
        ]},
        {"name": "VM Job", "type": "Backup", "sessions": [
            {"created": "-3h", "duration": "20m", "result": "Success"},
        ]},
    ],
}


class Direct:
    """Drives a SimApp in-process (no sockets): fast behaviour tests of the EM surface."""

    def __init__(self, app: SimApp) -> None:
        self.app = app
        self.token: Optional[str] = None

    def call(self, method: str, target: str, accept: Optional[str] = "application/json",
             token: Optional[str] = None, headers: Optional[Dict[str, str]] = None, body: bytes = b""):
        all_headers = {}
        if accept:
            all_headers["Accept"] = accept
        if token or self.token:
            all_headers["X-RestSvcSessionId"] = token or self.token
        all_headers.update(headers or {})
        return self.app.handle(method, target, all_headers, body)

    def json(self, method: str, target: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.call(method, target, **kwargs)
        assert response.status == status, (response.status, response.body[:300])
        return json.loads(response.body.decode("utf-8-sig")) if response.body else None

    def logon(self, user=ADMIN, version: str = "latest") -> str:
        auth = "Basic " + base64.b64encode(("%s:%s" % user).encode()).decode()
        response = self.app.handle("POST", "/api/sessionMngr/?v=%s" % version,
                                   {"Authorization": auth, "Accept": "application/json"}, b"")
        assert response.status == 201, response.body
        self.token = dict(response.headers)["X-RestSvcSessionId"]
        return self.token


class FakeClock:
    """Time that moves only when told to (both the UTC clock and the monotonic one)."""

    def __init__(self) -> None:
        self.utc = utc_now()
        self.mono = time.monotonic()

    def now(self):
        return self.utc

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.utc += timedelta(seconds=seconds)
        self.mono += seconds


def make_app(tmp_path: Path, scenario: Any = None, clock: Optional[FakeClock] = None, **options: Any) -> SimApp:
    config = SimConfig(state_dir=tmp_path, scenario=scenario if scenario is not None else SMALL, **options)
    if clock is None:
        data = load(config.scenario, utc_now(), config.seed)
        return SimApp(config, data, "https://127.0.0.1:9398")
    data = load(config.scenario, clock.now(), config.seed)
    return SimApp(config, data, "https://127.0.0.1:9398", clock=clock.now, monotonic=clock.monotonic)
