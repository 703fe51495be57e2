# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulated EM's data: backup servers, jobs, job sessions, task sessions, tasks, users.

Sessions are mutable: a running one advances with the clock (progress, finishing by
itself) and a stop request moves it through Stopping to Stopped. Callers hold the
store's lock around every mutation.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from .query_filter import record_keys
from .times import format_name_time

NAS_JOB_TYPE = "NasBackup"
#: Documented BackupJobSession JobType values.
JOB_TYPES = ("Backup", "BackupCopy", "ImmediateBackupCopy", "ImmediateBackupCopyWorker",
             "AgentBackup", "AgentManagement", NAS_JOB_TYPE)
FINISHED_RESULTS = ("Success", "Warning", "Failed")
#: FailureMessage of a session stopped through the API. EM's real wording is unknown
#: (inference); Result becomes Failed for the same reason.
STOPPED_BY_USER = "Job session was stopped by user."
#: A running session without ``finishes_after`` gains one percent every this many seconds.
PROGRESS_STEP_SECONDS = 5.0

ROLE_ADMIN = "PortalAdministrator"
ROLE_PORTAL_USER = "PortalUser"
ROLE_RESTORE_OPERATOR = "RestoreOperator"
ROLES = (ROLE_ADMIN, ROLE_PORTAL_USER, ROLE_RESTORE_OPERATOR)

#: Access levels of the routes (the REST API's security-role table, reference section 1.5):
#: ``ANY`` every logged-on role (logon sessions, tasks); ``READ`` Portal User and Portal
#: Administrator (sessions, task sessions, file servers); ``ADMIN`` Portal Administrator
#: only (jobs, includes, every action). Restore Operators read nothing but ``ANY``.
ACCESS_ANY, ACCESS_READ, ACCESS_ADMIN = "any", "read", "admin"
_ROLE_ACCESS = {
    ROLE_ADMIN: (ACCESS_ANY, ACCESS_READ, ACCESS_ADMIN),
    ROLE_PORTAL_USER: (ACCESS_ANY, ACCESS_READ),
    ROLE_RESTORE_OPERATOR: (ACCESS_ANY,),
}


@dataclass(eq=False)
class User:
    username: str
    password: str
    role: str

    @property
    def may_act(self) -> bool:
        """Starting/stopping jobs needs the Portal Administrator role (documented)."""
        return self.role == ROLE_ADMIN

    def may(self, access: str) -> bool:
        """Whether this user's role may call a route of the given access level."""
        return access in _ROLE_ACCESS.get(self.role, ())


@dataclass(eq=False)
class BackupServer:
    id: str
    name: str

    @property
    def uid(self) -> str:
        return "urn:veeam:BackupServer:%s" % self.id


@dataclass(eq=False)
class Job:
    id: str
    name: str
    job_type: str
    server: BackupServer
    description: str = ""
    schedule_configured: bool = True
    schedule_enabled: bool = True
    next_run: Optional[datetime] = None
    sessions: List["Session"] = field(default_factory=list)

    @property
    def is_nas(self) -> bool:
        return self.job_type == NAS_JOB_TYPE

    @property
    def job_uid(self) -> str:
        """How sessions name their job (``urn:veeam:Job:``, also for NAS jobs)."""
        return "urn:veeam:Job:%s" % self.id

    @property
    def nas_uid(self) -> str:
        """How /api/nas/jobs names a NAS job."""
        return "urn:veeam:NasJob:%s" % self.id

    def running_sessions(self) -> List["Session"]:
        return [s for s in self.sessions if s.state != "Stopped"]

    def last_finished(self) -> Optional["Session"]:
        done = [s for s in self.sessions if s.state == "Stopped"]
        return max(done, key=lambda s: s.created) if done else None

    def record(self) -> Dict[str, Any]:
        return record_keys("NasJob", {
            "UID": self.nas_uid, "Name": self.name, "Description": self.description,
            "NextRun": self.next_run, "ScheduleConfigured": self.schedule_configured,
            "ScheduleEnabled": self.schedule_enabled, "BackupServerUid": self.server.uid,
            "BackupServerName": self.server.name,
        })


@dataclass(eq=False)
class TaskSession:
    """A BackupTaskSession: for NAS jobs, one per share (what EM returns is undocumented)."""
    id: str
    session: "Session"
    name: str
    created: datetime
    ended: Optional[datetime]
    state: str                 # InProgress, Pending, Completed
    result: str                # Success, Warning, Failed (None while in progress)
    reason: str = ""
    total_size: int = 0

    @property
    def uid(self) -> str:
        return "urn:veeam:BackupTaskSession:%s" % self.id

    def record(self) -> Dict[str, Any]:
        job = self.session.job
        return record_keys("BackupTaskSession", {
            "UID": self.uid, "Name": self.name, "CreationTime": self.created, "EndTime": self.ended,
            "State": self.state, "Result": self.result, "Reason": self.reason, "TotalSize": self.total_size,
            "JobSessionUid": self.session.uid, "JobUid": job.job_uid, "JobName": job.name,
            "BackupServerUid": job.server.uid, "BackupServerName": job.server.name,
            "VmDisplayName": self.name,
        })


@dataclass(eq=False)
class Session:
    """A BackupJobSession. ``state``/``result``/``ended``/``progress`` are the current truth;
    the ``*_at`` fields schedule what happens next."""
    id: str
    job: "Job"
    created: datetime
    state: str = "Stopped"
    result: str = "Success"
    ended: Optional[datetime] = None
    progress: int = 100
    is_retry: bool = False
    failure_message: Optional[str] = None
    task_sessions: List[TaskSession] = field(default_factory=list)
    # running sessions only
    progress_origin: Optional[datetime] = None     # progress == ``progress`` at this moment
    finish_at: Optional[datetime] = None           # finishes by itself then (None: never)
    result_when_done: str = "Success"
    failure_when_done: Optional[str] = None
    stop_done_at: Optional[datetime] = None        # set by a stop request: Stopping until then
    _record: Optional[Dict[str, Any]] = field(default=None, repr=False)

    @property
    def uid(self) -> str:
        return "urn:veeam:BackupJobSession:%s" % self.id

    @property
    def name(self) -> str:
        return "%s@%s" % (self.job.name, format_name_time(self.created))

    @property
    def running(self) -> bool:
        return self.state != "Stopped"

    def progress_at(self, now: datetime) -> int:
        if not self.running or self.progress_origin is None or self.stop_done_at is not None:
            return self.progress
        elapsed = max(0.0, (now - self.progress_origin).total_seconds())
        if self.finish_at is not None:
            total = (self.finish_at - self.progress_origin).total_seconds()
            share = elapsed / total if total > 0 else 1.0
            value = self.progress + (100 - self.progress) * share
        else:
            value = self.progress + elapsed / PROGRESS_STEP_SECONDS
        return int(max(self.progress, min(99, value)))

    def advance(self, now: datetime) -> bool:
        """Apply what is due at ``now``; True when State/Result/EndTime changed."""
        if not self.running:
            return False
        if self.stop_done_at is not None:
            if now < self.stop_done_at:
                return False
            self._finish(self.stop_done_at, "Failed", STOPPED_BY_USER, self.progress)
            return True
        if self.finish_at is not None and now >= self.finish_at:
            self._finish(self.finish_at, self.result_when_done, self.failure_when_done, 100)
            return True
        return False

    def request_stop(self, now: datetime, stopping_seconds: float) -> bool:
        """Working -> Stopping now, Stopped after ``stopping_seconds``. False if not running."""
        if not self.running:
            return False
        if self.stop_done_at is None:
            self.progress = self.progress_at(now)          # freeze progress where it was
            self.state = "Stopping"
            self.stop_done_at = now + timedelta(seconds=stopping_seconds)
            self._record = None
        return True

    def _finish(self, when: datetime, result: str, message: Optional[str], progress: int) -> None:
        self.state = "Stopped"
        self.result = result
        self.ended = when
        self.progress = progress
        self.failure_message = message
        self._record = None
        for task in self.task_sessions:
            if task.state != "Completed":
                task.state = "Completed"
                task.result = result if result in FINISHED_RESULTS else "Failed"
                task.ended = when

    def record(self) -> Dict[str, Any]:
        """Filter/sort keys (cached until the session changes)."""
        if self._record is None:
            job = self.job
            self._record = record_keys("BackupJobSession", {
                "UID": self.uid, "Name": self.name, "JobType": job.job_type, "JobUid": job.job_uid,
                "JobName": job.name, "CreationTime": self.created, "EndTime": self.ended,
                "State": self.state, "Result": self.result, "IsRetry": self.is_retry,
                "BackupServerUid": job.server.uid, "BackupServerName": job.server.name,
            })
        return self._record


@dataclass(eq=False)
class Task:
    """An asynchronous action's Task, visible only to the logon session that made it."""
    id: str
    operation: str
    owner: str                 # LogonSession id
    created: datetime
    finish_at: datetime
    success: bool
    message: str

    def state_at(self, now: datetime) -> str:
        return "Running" if now < self.finish_at else "Finished"
