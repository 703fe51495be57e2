# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Load a scenario (YAML or JSON, or a dict) into the simulator's data.

Times are relative to the simulator's start (``-26h``, ``-90m``, ``+30s``) or absolute
ISO-8601. Ids that a scenario leaves out are derived from the seed and the names, so
a scenario always yields the same GUIDs. The format is described in README.md.
"""

import json
import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from .model import (
    FINISHED_RESULTS, JOB_TYPES, NAS_JOB_TYPE, ROLE_ADMIN, ROLE_PORTAL_USER, ROLE_RESTORE_OPERATOR, ROLES,
    BackupServer, Job, Session, TaskSession, User,
)
from .query_filter import STATE_ORDER
from .times import parse_duration, parse_when

BUNDLED_DIR = Path(__file__).resolve().parent / "scenarios"
#: Namespace of the simulator's derived GUIDs (uuid5 of seed and names).
_ID_NAMESPACE = uuid.UUID("0b7e3c1a-52f4-4e0b-9d7c-5e0f3a9c2d61")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

DEFAULT_USERS = (("admin", "admin-pass", ROLE_ADMIN), ("reader", "reader-pass", ROLE_PORTAL_USER),
                 ("restore", "restore-pass", ROLE_RESTORE_OPERATOR))
DEFAULT_SERVER = "vbr01.sim.local"
DEFAULT_DURATION = "30m"

_TOP_KEYS = {"name", "description", "seed", "backup_servers", "users", "jobs", "generate",
             "stop_behaviour", "task_seconds", "stopping_seconds", "start_duration"}
_SERVER_KEYS = {"name", "id"}
_USER_KEYS = {"username", "password", "role"}
_JOB_KEYS = {"name", "id", "type", "backup_server", "description", "schedule_configured",
             "schedule_enabled", "next_run", "sessions"}
_SESSION_KEYS = {"id", "created", "duration", "ended", "result", "state", "failure_message", "is_retry",
                 "progress", "running", "finishes_after", "result_when_done", "failure_message_when_done",
                 "task_sessions"}
_TASK_KEYS = {"id", "name", "result", "state", "reason", "total_size", "created", "duration"}
_GENERATE_KEYS = {"seed", "nas_jobs", "sessions", "days", "other_jobs", "other_sessions", "job_prefix"}
STOP_BEHAVIOURS = ("normal", "ignored", "task_fails")


class ScenarioError(ValueError):
    """The scenario cannot be loaded; the message names the file and the place."""


@dataclass
class Settings:
    task_seconds: float = 0.3          # a stop/start Task stays Running this long
    stopping_seconds: float = 0.5      # a stopped session stays Stopping this long
    start_duration: float = 60.0       # a session started through the API runs this long
    stop_behaviour: str = "normal"     # initial value of the stop faults


@dataclass
class ScenarioData:
    name: str
    seed: int
    start: datetime
    servers: List[BackupServer]
    users: List[User]
    jobs: List[Job]
    settings: Settings = field(default_factory=Settings)

    @property
    def sessions(self) -> List[Session]:
        return [s for job in self.jobs for s in job.sessions]


def resolve_path(spec: Union[str, Path]) -> Path:
    """A file path, or the name of a bundled scenario (``basic`` -> scenarios/basic.yml)."""
    path = Path(spec)
    if path.is_file():
        return path.resolve()
    for candidate in (BUNDLED_DIR / ("%s.yml" % spec), BUNDLED_DIR / ("%s.yaml" % spec), BUNDLED_DIR / ("%s.json" % spec)):
        if candidate.is_file():
            return candidate
    bundled = sorted(p.stem for p in BUNDLED_DIR.glob("*.yml"))
    raise ScenarioError("scenario %r: no such file, and not a bundled scenario (%s)" % (str(spec), ", ".join(bundled)))


def read_file(path: Path) -> Dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
    else:
        try:
            import yaml   # PyYAML comes with ansible-core; JSON scenarios need nothing
        except ImportError:
            raise ScenarioError("%s: reading YAML needs PyYAML; use a .json scenario" % path) from None
        data = yaml.safe_load(text)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError("%s: the top level must be a mapping" % path)
    return data


def load(spec: Union[str, Path, Dict[str, Any]], start: datetime, seed: Optional[int] = None) -> ScenarioData:
    """Load a scenario from a path, a bundled name or a dict. ``seed`` overrides the file's."""
    if isinstance(spec, dict):
        raw, label = spec, str(spec.get("name", "<dict>"))
    else:
        path = resolve_path(spec)
        raw, label = read_file(path), path.name
    try:
        return _Builder(raw, start, seed, label).build()
    except ScenarioError:
        raise
    except (ValueError, TypeError) as exc:
        raise ScenarioError("scenario %s: %s" % (label, exc)) from None


def _check_keys(where: str, item: Any, allowed: set) -> Dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError("%s: expected a mapping, got %r" % (where, item))
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise ValueError("%s: unknown key(s) %s; allowed: %s" % (where, ", ".join(unknown), ", ".join(sorted(allowed))))
    return item


def _guid(where: str, value: Any) -> str:
    text = str(value)
    if not _GUID.match(text):
        raise ValueError("%s: %r is not a GUID" % (where, value))
    return text.lower()


class _Builder:
    def __init__(self, raw: Dict[str, Any], start: datetime, seed: Optional[int], label: str) -> None:
        self.raw = _check_keys("top level", raw, _TOP_KEYS)
        self.start = start
        self.seed_override = seed          # --seed wins over every seed in the file
        self.seed = int(seed if seed is not None else raw.get("seed", (raw.get("generate") or {}).get("seed", 0)))
        self.label = label
        self.servers: Dict[str, BackupServer] = {}
        self.job_names: set = set()
        self.ids: set = set()

    def derived_id(self, *parts: Any) -> str:
        return str(uuid.uuid5(_ID_NAMESPACE, "/".join([str(self.seed)] + [str(p) for p in parts])))

    def unique(self, where: str, ident: str) -> str:
        if ident in self.ids:
            raise ValueError("%s: id %s is used twice" % (where, ident))
        self.ids.add(ident)
        return ident

    def build(self) -> ScenarioData:
        raw = self.raw
        for i, item in enumerate(raw.get("backup_servers") or [{"name": DEFAULT_SERVER}]):
            where = "backup_servers[%d]" % i
            item = _check_keys(where, {"name": item} if isinstance(item, str) else item, _SERVER_KEYS)
            name = str(item["name"])
            ident = _guid(where, item["id"]) if item.get("id") else self.derived_id("server", name)
            self.servers[name] = BackupServer(self.unique(where, ident), name)
        users = [self.user(i, u) for i, u in enumerate(raw.get("users") or [])]
        if not users:
            users = [User(*u) for u in DEFAULT_USERS]
        jobs = [self.job("jobs[%d]" % i, item) for i, item in enumerate(raw.get("jobs") or [])]
        if raw.get("generate"):
            jobs.extend(self.generate(raw["generate"]))
        settings = Settings()
        for key in ("task_seconds", "stopping_seconds", "start_duration"):
            if raw.get(key) is not None:
                setattr(settings, key, parse_duration(raw[key]))
        behaviour = str(raw.get("stop_behaviour", "normal"))
        if behaviour not in STOP_BEHAVIOURS:
            raise ValueError("stop_behaviour: %r is not one of %s" % (behaviour, ", ".join(STOP_BEHAVIOURS)))
        settings.stop_behaviour = behaviour
        return ScenarioData(str(raw.get("name") or self.label), self.seed, self.start,
                            list(self.servers.values()), users, jobs, settings)

    def user(self, index: int, item: Any) -> User:
        where = "users[%d]" % index
        item = _check_keys(where, item, _USER_KEYS)
        role = str(item.get("role", ROLE_ADMIN))
        if role not in ROLES:
            raise ValueError("%s: role %r is not one of %s" % (where, role, ", ".join(ROLES)))
        return User(str(item["username"]), str(item["password"]), role)

    def server(self, where: str, name: Optional[str]) -> BackupServer:
        if name is None:
            return next(iter(self.servers.values()))
        if name not in self.servers:
            raise ValueError("%s: backup_server %r is not in backup_servers" % (where, name))
        return self.servers[name]

    def new_job(self, where: str, name: str, job_type: str, server: BackupServer, ident: Optional[str]) -> Job:
        if name in self.job_names:
            raise ValueError("%s: job name %r is used twice" % (where, name))
        if job_type not in JOB_TYPES:
            raise ValueError("%s: type %r is not one of %s" % (where, job_type, ", ".join(JOB_TYPES)))
        self.job_names.add(name)
        return Job(self.unique(where, ident or self.derived_id("job", name)), name, job_type, server)

    def job(self, where: str, item: Any) -> Job:
        item = _check_keys(where, item, _JOB_KEYS)
        if not item.get("name"):
            raise ValueError("%s: a job needs a name" % where)
        job = self.new_job(where, str(item["name"]), str(item.get("type", NAS_JOB_TYPE)),
                           self.server(where, item.get("backup_server")),
                           _guid(where, item["id"]) if item.get("id") else None)
        job.description = str(item.get("description", "Created by the EM simulator."))
        job.schedule_configured = bool(item.get("schedule_configured", True))
        job.schedule_enabled = bool(item.get("schedule_enabled", True))
        if item.get("next_run") is not None:
            job.next_run = parse_when(item["next_run"], self.start)
        for i, sess in enumerate(item.get("sessions") or []):
            job.sessions.append(self.session("%s.sessions[%d]" % (where, i), job, i, sess))
        return job

    def session(self, where: str, job: Job, index: int, item: Any) -> Session:
        item = _check_keys(where, item, _SESSION_KEYS)
        if "created" not in item:
            raise ValueError("%s: 'created' is required" % where)
        created = parse_when(item["created"], self.start)
        ident = _guid(where, item["id"]) if item.get("id") else self.derived_id("session", job.name, index)
        sess = Session(self.unique(where, ident), job, created, is_retry=bool(item.get("is_retry", False)))
        state = str(item.get("state", "Working" if item.get("running") else "Stopped"))
        if state not in STATE_ORDER:
            raise ValueError("%s: state %r is not one of %s" % (where, state, ", ".join(STATE_ORDER)))
        if state != "Stopped":
            sess.state, sess.result, sess.ended = state, "None", None
            sess.progress = int(item.get("progress", 0))
            sess.progress_origin = self.start
            if item.get("finishes_after") is not None:
                sess.finish_at = self.start + timedelta(seconds=parse_duration(item["finishes_after"]))
            sess.result_when_done = self.result(where, item.get("result_when_done", "Success"))
            sess.failure_when_done = item.get("failure_message_when_done")
        else:
            sess.result = self.result(where, item.get("result", "Success"))
            if item.get("ended") is not None:
                sess.ended = parse_when(item["ended"], self.start)
            else:
                sess.ended = created + timedelta(seconds=parse_duration(item.get("duration", DEFAULT_DURATION)))
            if sess.ended < created:
                raise ValueError("%s: the session ends before it is created" % where)
            sess.progress = int(item.get("progress", 100))
            sess.failure_message = item.get("failure_message")
        for i, task in enumerate(item.get("task_sessions") or []):
            sess.task_sessions.append(self.task_session("%s.task_sessions[%d]" % (where, i), sess, i, task))
        return sess

    @staticmethod
    def result(where: str, value: Any) -> str:
        text = str(value)
        if text not in FINISHED_RESULTS:
            raise ValueError("%s: result %r is not one of %s" % (where, value, ", ".join(FINISHED_RESULTS)))
        return text

    def task_session(self, where: str, sess: Session, index: int, item: Any) -> TaskSession:
        item = _check_keys(where, item, _TASK_KEYS)
        if not item.get("name"):
            raise ValueError("%s: a task session needs a name (the share)" % where)
        ident = _guid(where, item["id"]) if item.get("id") else self.derived_id("task", sess.id, index)
        created = parse_when(item["created"], self.start) if item.get("created") is not None else sess.created
        if sess.running:
            state, result, ended = str(item.get("state", "InProgress")), "None", None
        else:
            state = str(item.get("state", "Completed"))
            result = self.result(where, item.get("result", sess.result))
            ended = (created + timedelta(seconds=parse_duration(item["duration"]))) if item.get("duration") else sess.ended
        return TaskSession(self.unique(where, ident), sess, str(item["name"]), created, ended, state, result,
                           str(item.get("reason", "")), int(item.get("total_size", 0)))

    # ---------------------------------------------------------------- generated history
    _SHARES = ("projects", "finance", "home", "engineering", "media", "archive", "hr", "legal", "scans", "profiles")
    _FAILURES = ("Access is denied to the share.", "The network path was not found.",
                 "Not enough free space in the backup repository.", "Snapshot creation failed on the file server.",
                 "Processing was interrupted: the file server did not respond.")
    _WARNINGS = ("Some files were skipped because they are locked.", "Changed block tracking was reset.")
    _OTHER_TYPES = ("Backup", "BackupCopy", "AgentBackup")

    def generate(self, spec: Any) -> List[Job]:
        """A reproducible history: ``sessions`` NAS sessions spread over ``days`` before start."""
        spec = _check_keys("generate", spec, _GENERATE_KEYS)
        rng = random.Random(int(self.seed_override if self.seed_override is not None else spec.get("seed", self.seed)))
        nas_jobs, other_jobs = int(spec.get("nas_jobs", 10)), int(spec.get("other_jobs", 0))
        total = int(spec.get("sessions", 1000))
        other_total = int(spec.get("other_sessions", total // 10 if other_jobs else 0))
        days = float(spec.get("days", 30))
        prefix = str(spec.get("job_prefix", "Generated"))
        if nas_jobs < 1 and total:
            raise ValueError("generate: sessions need at least one NAS job")
        servers = list(self.servers.values())
        jobs = []
        for i in range(nas_jobs):
            name = "%s NAS %02d - fs%02d %s" % (prefix, i + 1, i % 9 + 1, self._SHARES[i % len(self._SHARES)])
            jobs.append((self.new_job("generate", name, NAS_JOB_TYPE, servers[i % len(servers)],
                                      str(uuid.UUID(int=rng.getrandbits(128), version=4))), total, nas_jobs, i))
        for i in range(other_jobs):
            jtype = self._OTHER_TYPES[i % len(self._OTHER_TYPES)]
            name = "%s %s %02d" % (prefix, jtype, i + 1)
            jobs.append((self.new_job("generate", name, jtype, servers[i % len(servers)],
                                      str(uuid.UUID(int=rng.getrandbits(128), version=4))), other_total, other_jobs, i))
        for job, count_total, count_jobs, i in jobs:
            count = count_total // count_jobs + (1 if i < count_total % count_jobs else 0)
            self.generate_sessions(rng, job, count, days)
        return [entry[0] for entry in jobs]

    def generate_sessions(self, rng: random.Random, job: Job, count: int, days: float) -> None:
        if count <= 0:
            return
        interval = days * 86400.0 / count
        phase = rng.uniform(0.25, 0.9) * interval   # with the jitter below: back >= 600 s
        for k in range(count):
            back = 600 + phase + k * interval + rng.uniform(-0.2, 0.2) * interval
            micro = rng.randrange(1000000) if rng.random() < 0.125 else rng.randrange(1000) * 1000
            created = self.start - timedelta(seconds=int(back), microseconds=micro)
            roll = rng.random()
            result = "Success" if roll < 0.82 else "Warning" if roll < 0.93 else "Failed"
            ended = created + timedelta(seconds=min(rng.uniform(120, 5400), back - 60))   # over before start
            sess = Session(self.unique("generate", str(uuid.UUID(int=rng.getrandbits(128), version=4))), job, created,
                           result=result, ended=ended, is_retry=rng.random() < 0.03)
            if result == "Failed":
                sess.failure_message = rng.choice(self._FAILURES)
            elif result == "Warning" and rng.random() < 0.5:
                sess.failure_message = rng.choice(self._WARNINGS)
            job.sessions.append(sess)
