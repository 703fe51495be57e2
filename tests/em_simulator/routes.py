# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The EM REST routes under /api. Each handler returns (status, body Obj or None, headers)
or raises :class:`~.errors.ApiError`. Path matching is case-insensitive, as on EM."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Dict, List, Mapping, Optional, Pattern, Tuple

from .auth import LogonSession, parse_basic
from .entities.node import Obj
from .errors import ACCESS_DENIED, ApiError
from .model import ACCESS_ADMIN, ACCESS_ANY, ACCESS_READ
from .query import run_query, with_huge_pages_count, without_paging

if TYPE_CHECKING:       # pragma: no cover
    from .app import SimApp

Answer = Tuple[int, Optional[Obj], Dict[str, str]]
TOKEN_HEADER = "X-RestSvcSessionId"
_ID = r"(?P<ident>[^/]+)"
_NEEDS_LOGON = "The request needs the X-RestSvcSessionId header of a live logon session (missing, unknown or expired)."


@dataclass
class ApiRequest:
    method: str
    path: str
    params: Mapping[str, str]           # case-folded names
    headers: Mapping[str, str]
    body: bytes
    now: datetime
    logon: Optional[LogonSession] = None

    def entity_format(self) -> bool:
        return (self.params.get("format") or "").casefold() == "entity"


def _ok(body: Optional[Obj], status: int = 200, **headers: str) -> Answer:
    return status, body, dict(headers)


def token_from(headers: Mapping[str, str]) -> Optional[str]:
    """The session token; if both are sent, the cookie wins over the header (documented)."""
    for part in (headers.get("Cookie") or "").split(";"):
        name, dummy, value = part.strip().partition("=")
        if name == TOKEN_HEADER and value:
            return value.strip().strip('"')
    return headers.get(TOKEN_HEADER)


class Api:
    def __init__(self, app: "SimApp") -> None:
        self.app = app
        self.store = app.store
        self.build = app.builder
        # (method, path pattern, handler, access level; None = no logon needed)
        table: List[Tuple[str, str, Callable[..., Answer], Optional[str]]] = [
            ("GET", r"/api/?", self.root, None),
            ("POST", r"/api/sessionMngr/?", self.logon, None),
            ("GET", r"/api/logonSessions/?", self.logon_sessions, ACCESS_ANY),
            ("GET", r"/api/logonSessions/" + _ID, self.logon_session, ACCESS_ANY),
            ("DELETE", r"/api/logonSessions/" + _ID, self.logoff, ACCESS_ANY),
            ("GET", r"/api/nas/?", self.nas, ACCESS_READ),
            ("GET", r"/api/nas/jobs/?", self.nas_jobs, ACCESS_ADMIN),
            ("GET", r"/api/nas/jobs/" + _ID, self.nas_job, ACCESS_ADMIN),
            ("GET", r"/api/nas/jobs/" + _ID + r"/backupSessions/?", self.nas_job_sessions, ACCESS_READ),
            ("POST", r"/api/nas/jobs/" + _ID + r"/stop/?", self.nas_job_stop, ACCESS_ADMIN),
            ("POST", r"/api/nas/jobs/" + _ID + r"/start/?", self.nas_job_start, ACCESS_ADMIN),
            ("POST", r"/api/nas/jobs/" + _ID + r"/retry/?", self.nas_job_retry, ACCESS_ADMIN),
            ("GET", r"/api/nas/backupSessions/?", self.nas_sessions, ACCESS_READ),
            ("GET", r"/api/backupSessions/?", self.all_sessions, ACCESS_READ),
            ("GET", r"/api/backupSessions/" + _ID, self.session, ACCESS_READ),
            ("POST", r"/api/backupSessions/" + _ID, self.session_action, ACCESS_ADMIN),
            ("GET", r"/api/backupSessions/" + _ID + r"/taskSessions/?", self.task_sessions, ACCESS_READ),
            ("GET", r"/api/backupTaskSessions/" + _ID, self.task_session, ACCESS_READ),
            # Portal Users may query some types only: run_query checks the type's level.
            ("GET", r"/api/query/?", self.query, ACCESS_READ),
            ("GET", r"/api/tasks/?", self.tasks, ACCESS_ANY),
            ("GET", r"/api/tasks/" + _ID, self.task, ACCESS_ANY),
            ("DELETE", r"/api/tasks/" + _ID, self.delete_task, ACCESS_ANY),
        ]
        self.routes: List[Tuple[str, Pattern, Callable[..., Answer], Optional[str]]] = [
            (method, re.compile(pattern, re.IGNORECASE), handler, access) for method, pattern, handler, access in table]

    # ------------------------------------------------------------------ dispatch
    def authenticate(self, req: ApiRequest) -> LogonSession:
        session = self.app.logons.resolve(token_from(req.headers))
        if session is None:
            raise ApiError(401, _NEEDS_LOGON)
        return session

    def dispatch(self, req: ApiRequest) -> Answer:
        allowed = []
        for method, pattern, handler, access in self.routes:
            match = pattern.fullmatch(req.path)
            if match is None:
                continue
            if method != req.method:
                allowed.append(method)
                continue
            if access is not None:
                req.logon = self.authenticate(req)      # 401 before 403, as on EM
                self.require(req, access)
            return handler(req, **match.groupdict())
        self.authenticate(req)      # unknown resources are hidden from anonymous callers
        if allowed:
            raise ApiError(405, "Method %s is not allowed on %s." % (req.method, req.path),
                           {"Allow": ", ".join(sorted(set(allowed)))})
        raise ApiError(404, "Resource not found: %s" % req.path)

    @staticmethod
    def require(req: ApiRequest, access: str) -> None:
        """403 unless the caller's role may use ``access`` (reference section 1.5)."""
        if req.logon is None or not req.logon.user.may(access):
            raise ApiError(403, ACCESS_DENIED)

    # ------------------------------------------------------------------ logon / logoff
    def root(self, req: ApiRequest) -> Answer:
        return _ok(self.build.enterprise_manager(self.app.api_versions))

    def logon(self, req: ApiRequest) -> Answer:
        counters = self.app.counters
        wanted = req.params.get("v") or "latest"
        if wanted != "latest" and wanted not in self.app.api_versions:
            raise ApiError(400, "API version '%s' is not supported by this server; supported versions: %s."
                           % (wanted, ", ".join(self.app.api_versions)))
        credentials = parse_basic(req.headers.get("Authorization"))
        user = self.app.logons.check_credentials(*credentials) if credentials else None
        if user is None:
            counters.bump("failed_logons")
            raise ApiError(401, "Logon failed: the user name or password is not valid."
                           if credentials else "Logon needs HTTP Basic credentials.",
                           {"WWW-Authenticate": "Basic Realm=RestSvc"})
        session = self.app.logons.create(user)
        counters.bump("logons")
        body = self.build.logon_session(session.id, user.username)
        return _ok(body, 201, **{TOKEN_HEADER: session.token,
                                 "Set-Cookie": "%s=%s; Path=/api" % (TOKEN_HEADER, session.token),
                                 "Location": "%s/logonSessions/%s" % (self.build.api, session.id)})

    def logon_sessions(self, req: ApiRequest) -> Answer:
        own = req.logon
        return _ok(self.build.logon_session_list([self.build.logon_session(own.id, own.user.username)]))

    def logon_session(self, req: ApiRequest, ident: str) -> Answer:
        if ident.lower() != req.logon.id:
            raise ApiError(404, "Logon session '%s' was not found." % ident)
        return _ok(self.build.logon_session(req.logon.id, req.logon.user.username))

    def logoff(self, req: ApiRequest, ident: str) -> Answer:
        if not self.app.logons.remove(ident):
            raise ApiError(404, "Logon session '%s' was not found." % ident)
        self.app.counters.bump("logoffs")
        return _ok(None, 204)

    # ------------------------------------------------------------------ NAS
    def nas(self, req: ApiRequest) -> Answer:
        return _ok(self.build.nas_service())

    def _nas_job(self, ident: str):
        job = self.store.nas_job(ident)
        if job is None:
            raise ApiError(404, "File share backup job '%s' was not found." % ident)
        return job

    def nas_jobs(self, req: ApiRequest) -> Answer:
        jobs = self.store.nas_jobs()
        if req.entity_format():
            return _ok(self.build.entity_list("NASJobs", [self.build.nas_job_entity(j) for j in jobs]))
        return _ok(self.build.references([self.build.nas_job_ref(j) for j in jobs]))

    def nas_job(self, req: ApiRequest, ident: str) -> Answer:
        job = self._nas_job(ident)
        if req.entity_format():
            return _ok(self.build.nas_job_entity(job))
        return _ok(self.build.nas_job_ref(job, tag="NasJobReference"))

    def _session_list(self, req: ApiRequest, sessions) -> Answer:
        if req.entity_format():
            return _ok(self.build.entity_list("BackupJobSessions",
                                              [self.build.session_entity(s, req.now) for s in sessions]))
        return _ok(self.build.references([self.build.session_ref(s) for s in sessions]))

    def nas_job_sessions(self, req: ApiRequest, ident: str) -> Answer:
        return self._session_list(req, self.store.recent_sessions(req.now, job=self._nas_job(ident)))

    def nas_sessions(self, req: ApiRequest) -> Answer:
        return self._session_list(req, self.store.recent_sessions(req.now, nas_only=True))

    def nas_job_stop(self, req: ApiRequest, ident: str) -> Answer:
        refused = self.app.faults.refuse_nas_stop
        if refused:
            raise ApiError(refused, "The request to stop the job was refused by the server (simulated).")
        task = self.store.stop_job(self._nas_job(ident), req.logon.id, self.app.faults.stop)
        return _ok(self.build.task(task, req.now), 202)

    def nas_job_start(self, req: ApiRequest, ident: str) -> Answer:
        task = self.store.start_job(self._nas_job(ident), req.logon.id)
        return _ok(self.build.task(task, req.now), 202)

    def nas_job_retry(self, req: ApiRequest, ident: str) -> Answer:
        task = self.store.start_job(self._nas_job(ident), req.logon.id, retry=True)
        return _ok(self.build.task(task, req.now), 202)

    # ------------------------------------------------------------------ job sessions
    def _session(self, ident: str):
        sess = self.store.session(ident)
        if sess is None:
            raise ApiError(404, "Backup job session '%s' was not found." % ident)
        return sess

    def all_sessions(self, req: ApiRequest) -> Answer:
        return self._session_list(req, self.store.recent_sessions(req.now))

    def session(self, req: ApiRequest, ident: str) -> Answer:
        sess = self._session(ident)
        if req.entity_format():
            return _ok(self.build.session_entity(sess, req.now))
        return _ok(self.build.session_ref(sess, tag="BackupJobSessionReference"))

    def session_action(self, req: ApiRequest, ident: str) -> Answer:
        action = req.params.get("action")
        if not action:
            raise ApiError(400, "An action is required, e.g. ?action=stop.")
        if action.casefold() != "stop":
            raise ApiError(400, "Action '%s' is not supported for backup job sessions." % action)
        task = self.store.stop_session(self._session(ident), req.logon.id, self.app.faults.stop)
        return _ok(self.build.task(task, req.now), 202)

    def task_sessions(self, req: ApiRequest, ident: str) -> Answer:
        tasks = self._session(ident).task_sessions
        if req.entity_format():
            return _ok(self.build.entity_list("BackupTaskSessions", [self.build.task_session_entity(t) for t in tasks]))
        return _ok(self.build.references([self.build.task_session_ref(t) for t in tasks]))

    def task_session(self, req: ApiRequest, ident: str) -> Answer:
        task = self.store.task_session(ident)
        if task is None:
            raise ApiError(404, "Backup task session '%s' was not found." % ident)
        if req.entity_format():
            return _ok(self.build.task_session_entity(task))
        return _ok(self.build.task_session_ref(task, tag="BackupTaskSessionReference"))

    # ------------------------------------------------------------------ query service
    def query(self, req: ApiRequest) -> Answer:
        config = self.app.config
        result = run_query(self.store, self.build, req.params, config.page_size_default, req.now,
                           config.page_size_max, may=req.logon.user.may)
        if self.app.faults.take("no_paging"):
            result = without_paging(result)
        elif self.app.faults.take("huge_pages_count"):
            result = with_huge_pages_count(result, self.build)
        return _ok(result)

    # ------------------------------------------------------------------ tasks
    def tasks(self, req: ApiRequest) -> Answer:
        return _ok(self.build.references([self.build.task_ref(t) for t in self.store.tasks_of(req.logon.id)]))

    def task(self, req: ApiRequest, ident: str) -> Answer:
        task = self.store.task(ident, req.logon.id)
        if task is None:
            raise ApiError(404, "Task '%s' was not found in this logon session." % ident)
        return _ok(self.build.task(task, req.now))

    def delete_task(self, req: ApiRequest, ident: str) -> Answer:
        if not self.store.delete_task(ident, req.logon.id):
            raise ApiError(404, "Task '%s' was not found in this logon session." % ident)
        return _ok(None, 204)
