# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator's state behind one lock: data, the clock-driven session life cycle,
asynchronous actions (stop/start/retry) and their Tasks, and a small query cache."""

import bisect
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Hashable, List, Optional

from .model import FileServer, Include, Job, Session, Task, TaskSession
from .scenario import ScenarioData
from .times import format_utc, utc_now

#: The documented window of /backupSessions, /nas/backupSessions, /nas/jobs/{id}/backupSessions.
LIST_WINDOW = timedelta(days=30)
_QUERY_CACHE_SIZE = 16


@dataclass
class StopFaults:
    """How stop actions misbehave (set through /_sim/faults or the scenario)."""
    ignored: bool = False        # the Task succeeds, the session keeps Working
    task_fails: bool = False     # the Task finishes with Success=false, nothing stops


class Store:
    def __init__(self, data: ScenarioData, *, task_seconds: float, stopping_seconds: float,
                 start_duration: float, clock: Callable[[], datetime] = utc_now) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.data = data
        self.task_seconds = task_seconds
        self.stopping_seconds = stopping_seconds
        self.start_duration = start_duration
        self.jobs: Dict[str, Job] = {j.id: j for j in data.jobs}
        self.sessions: List[Session] = []
        self.sessions_by_id: Dict[str, Session] = {}
        self.task_sessions_by_id: Dict[str, TaskSession] = {}
        self._live: List[Session] = []
        for sess in sorted(data.sessions, key=lambda s: s.id):
            self._add(sess)      # kept ordered by id: EM lists come in no particular date order
        self.version = 0                       # bumped when anything a query sees changes
        self._cache: "OrderedDict[Hashable, Any]" = OrderedDict()
        self.tasks: Dict[str, Task] = {}
        self._task_seq = 0
        self.file_servers: Dict[str, FileServer] = {f.id: f for f in data.file_servers}
        self.start_time = data.start       # the scenario clock's origin (schedules count from it)

    # ------------------------------------------------------------------ bookkeeping
    def _add(self, sess: Session) -> None:
        bisect.insort(self.sessions, sess, key=lambda s: s.id)
        self.sessions_by_id[sess.id] = sess
        for task in sess.task_sessions:
            self.task_sessions_by_id[task.id] = task
        if sess.running:
            self._live.append(sess)

    def tick(self) -> datetime:
        """Apply every transition due by now (running sessions finishing, stops completing,
        scheduled runs starting - after the finishing, so that a run that ended in time
        does not block the next one)."""
        now = self.clock()
        with self.lock:
            changed = self._advance(now)
            if self._run_due_schedules(now):
                self._advance(now)           # a run that started in the past may be over already
                changed = True
            if changed:
                self.version += 1
        return now

    def _advance(self, now: datetime) -> bool:
        changed = False
        for sess in self._live:
            changed = sess.advance(now) or changed
        if changed:
            self._live = [s for s in self._live if s.running]
        return changed

    def cached(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Memoise ``compute`` per data version (a query is computed once, then paged)."""
        with self.lock:
            full_key = (self.version, key)
            if full_key in self._cache:
                self._cache.move_to_end(full_key)
                return self._cache[full_key]
            value = compute()
            self._cache[full_key] = value
            while len(self._cache) > _QUERY_CACHE_SIZE:
                self._cache.popitem(last=False)
            return value

    # ------------------------------------------------------------------ lookups
    def session(self, ident: str) -> Optional[Session]:
        return self.sessions_by_id.get(ident.lower())

    def task_session(self, ident: str) -> Optional[TaskSession]:
        return self.task_sessions_by_id.get(ident.lower())

    def nas_jobs(self) -> List[Job]:
        return [j for j in self.data.jobs if j.is_nas]

    def nas_job(self, ident: str) -> Optional[Job]:
        job = self.jobs.get(ident.lower())
        return job if job is not None and job.is_nas else None

    def recent_sessions(self, now: datetime, job: Optional[Job] = None, nas_only: bool = False) -> List[Session]:
        """Sessions created in the last 30 days (the documented list window), natural order."""
        since = now - LIST_WINDOW
        with self.lock:
            pool = job.sessions if job is not None else self.sessions
            found = [s for s in pool if s.created >= since and (not nas_only or s.job.is_nas)]
        if job is not None:
            found.sort(key=lambda s: s.id)
        return found

    # ------------------------------------------------------------------ tasks
    def _new_task(self, owner: str, operation: str, success: bool, message: str, now: datetime) -> Task:
        self._task_seq += 1
        task = Task("task-%d" % self._task_seq, operation, owner, now,
                    now + timedelta(seconds=self.task_seconds), success, message)
        self.tasks[task.id] = task
        return task

    def task(self, ident: str, owner: str) -> Optional[Task]:
        """Tasks belong to the logon session that created them (documented)."""
        task = self.tasks.get(ident)
        return task if task is not None and task.owner == owner else None

    def tasks_of(self, owner: str) -> List[Task]:
        return [t for t in self.tasks.values() if t.owner == owner]

    def delete_task(self, ident: str, owner: str) -> bool:
        with self.lock:
            if self.task(ident, owner) is None:
                return False
            del self.tasks[ident]
            return True

    # ------------------------------------------------------------------ actions
    def _stop(self, sessions: List[Session], now: datetime, faults: StopFaults) -> None:
        if faults.task_fails or faults.ignored:
            return
        for sess in sessions:
            sess.request_stop(now, self.stopping_seconds)
        self.version += 1

    def stop_job(self, job: Job, owner: str, faults: StopFaults) -> Task:
        """POST /nas/jobs/{id}/stop: stop whatever the job is running."""
        now = self.tick()
        with self.lock:
            running = job.running_sessions()
            if not running:
                return self._new_task(owner, "StopNasJob", False, 'Job "%s" is not running.' % job.name, now)
            if faults.task_fails:
                return self._new_task(owner, "StopNasJob", False,
                                      'Failed to stop job "%s": the backup server rejected the request.' % job.name, now)
            self._stop(running, now, faults)
            return self._new_task(owner, "StopNasJob", True, 'Job "%s" triggered to stop.' % job.name, now)

    def stop_session(self, sess: Session, owner: str, faults: StopFaults) -> Task:
        """POST /backupSessions/{id}?action=stop."""
        now = self.tick()
        with self.lock:
            if not sess.running:
                return self._new_task(owner, "StopJobSession", False,
                                      'Job session "%s" is not running.' % sess.name, now)
            if faults.task_fails:
                return self._new_task(owner, "StopJobSession", False,
                                      'Failed to stop job session "%s": the backup server rejected the request.'
                                      % sess.name, now)
            self._stop([sess], now, faults)
            return self._new_task(owner, "StopJobSession", True, 'Job Session "%s" triggered to stop.' % sess.name, now)

    def _new_session(self, job: Job, created: datetime, retry: bool = False) -> Session:
        """A run of ``job`` from ``created``: Working for the job's start_duration, then its
        start_result. Callers hold the lock."""
        duration = self.start_duration if job.start_duration is None else job.start_duration
        sess = Session(str(uuid.uuid4()), job, created, state="Working", result="None", ended=None, progress=0,
                       is_retry=retry, progress_origin=created,
                       finish_at=created + timedelta(seconds=duration), result_when_done=job.start_result,
                       failure_when_done=job.start_failure_message if job.start_result != "Success" else None)
        job.sessions.append(sess)
        self._add(sess)
        self.version += 1
        return sess

    def start_job(self, job: Job, owner: str, retry: bool = False) -> Task:
        """POST /nas/jobs/{id}/start or /retry: a new Working session. A job that runs
        already, or a retry whose newest finished run did not fail, gets a 202 whose task
        fails with a message (EM's answer there is not documented: an inference)."""
        operation = "RetryNasJob" if retry else "StartNasJob"
        now = self.tick()
        with self.lock:
            if job.running_sessions():
                return self._new_task(owner, operation, False, 'Job "%s" is already running.' % job.name, now)
            if retry:
                last = job.last_finished()
                if last is None or last.result != "Failed":
                    return self._new_task(owner, operation, False,
                                          'Job "%s" can be retried only after a failed run.' % job.name, now)
            self._new_session(job, now, retry)
            verb = "retry" if retry else "start"
            return self._new_task(owner, operation, True, 'Job "%s" triggered to %s.' % (job.name, verb), now)

    def toggle_schedule(self, job: Job, owner: str) -> Task:
        """POST /nas/jobs/{id}/toggleScheduleEnabled: flips ScheduleEnabled at once (EM's
        action flips; when the flip becomes visible on EM is not documented)."""
        now = self.tick()
        with self.lock:
            job.schedule_enabled = not job.schedule_enabled
            if job.schedule_enabled and job.schedule_every:
                job.next_run = self._next_slot(job, now)
            self.version += 1
            return self._new_task(owner, "UpdateJob", True, "Ok", now)

    # ------------------------------------------------------------------ schedules
    @staticmethod
    def schedule_active(job: Job) -> bool:
        return job.is_nas and job.schedule_configured and job.schedule_enabled

    def _next_slot(self, job: Job, now: datetime) -> datetime:
        """The first period boundary (counted from the simulator's start) after ``now``."""
        period = timedelta(seconds=job.schedule_every)
        passed = int((now - self.start_time) / period) if now > self.start_time else 0
        return self.start_time + period * (passed + 1)

    def _run_due_schedules(self, now: datetime) -> bool:
        """Start each enabled schedule's run that fell due by ``now`` (runs missed while
        nobody asked start once, at the latest due moment; a job still running skips its
        run). True if anything changed (a NextRun, a new session). Callers hold the lock."""
        changed = False
        for job in self.data.jobs:
            if not job.schedule_every or job.next_run is None or now < job.next_run:
                continue
            first_due = job.next_run
            job.next_run = self._next_slot(job, now)
            changed = True
            if not self.schedule_active(job):
                continue
            due = max(first_due, job.next_run - timedelta(seconds=job.schedule_every))   # the latest due moment
            if not any(s.created <= due for s in job.running_sessions()):
                self._new_session(job, due)
        return changed

    def run_schedules(self) -> Dict[str, List[str]]:
        """POST /_sim/run_schedules: start every job whose schedule is configured and
        enabled now (a running job is skipped), whatever its period."""
        now = self.tick()
        answer: Dict[str, List[str]] = {"started": [], "already_running": [], "schedule_disabled": [],
                                        "no_schedule": []}
        with self.lock:
            for job in self.nas_jobs():
                if not job.schedule_configured:
                    answer["no_schedule"].append(job.name)
                elif not job.schedule_enabled:
                    answer["schedule_disabled"].append(job.name)
                elif job.running_sessions():
                    answer["already_running"].append(job.name)
                else:
                    self._new_session(job, now)
                    answer["started"].append(job.name)
        return answer

    # ------------------------------------------------------------------ file shares
    def file_server(self, ident: str) -> Optional[FileServer]:
        return self.file_servers.get(ident.lower())

    @staticmethod
    def include(job: Job, ident: str) -> Optional[Include]:
        return next((i for i in job.includes if i.id == ident.lower()), None)

    # ------------------------------------------------------------------ ground truth
    def truth(self, include_all: bool = False) -> List[Dict[str, Any]]:
        """What /_sim/sessions reports: the sessions as they are now, newest first."""
        now = self.tick()
        with self.lock:
            chosen = [s for s in self.sessions if include_all or s.job.is_nas]
            chosen.sort(key=lambda s: s.created, reverse=True)
            return [{
                "id": s.id, "uid": s.uid, "name": s.name, "job_id": s.job.id, "job_name": s.job.name,
                "job_type": s.job.job_type, "state": s.state, "result": s.result,
                "progress": s.progress_at(now), "is_retry": s.is_retry,
                "creation_time": format_utc(s.created), "end_time": format_utc(s.ended) if s.ended else None,
                "failure_message": s.failure_message, "backup_server": s.job.server.name,
                "task_sessions": len(s.task_sessions),
            } for s in chosen]
