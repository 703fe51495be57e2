# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""NAS (file share) backup jobs: the job by exact name or id, its schedule switch, and
starting or retrying it (what veeam_nas_job decides and does).

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

Pure logic over a logged-on EmClient; the sending and following of each action is the
shared Action of _actions.py, as for the stop.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import timedelta

from urllib.parse import quote

from ansible_collections.backupgate.veeam_em.plugins.module_utils._actions import (
    Action, ActionError, Deadline, bind, check_timing, sessions_of_job,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import (
    find_sessions, get_session,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import SessionQuery, job_guid
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import as_bool, format_timestamp, strip_urn, utc_now

STATES = ("started", "retried")
STOPPED = "Stopped"
# The session a start created is looked for among sessions created since the request,
# less this margin for a controller clock ahead of EM's (the session we knew before is excluded).
CLOCK_SKEW = timedelta(minutes=5)


def list_nas_jobs(client):
    """Every file share backup job EM knows: ``[{id, uid, name}]`` (needs Portal Administrator)."""
    body = client.get("nas/jobs") or {}
    refs = body.get("refs")
    if isinstance(refs, dict):
        refs = refs.get("refs")
    return [dict(id=strip_urn(ref.get("uid")).lower(), uid=ref.get("uid"), name=ref.get("name"))
            for ref in refs or [] if isinstance(ref, dict)]


def _job_path(guid, action=None):
    path = "nas/jobs/%s" % quote(guid, safe="")
    return path + "/" + action if action else path


def _about(session):
    return "session %s (%s, %s)" % (session["name"], session["state"], session["result"])


class JobRequest:
    """What the user asked of one job, checked before any request is sent."""

    def __init__(self, job_name=None, job_id=None, state=None, schedule_enabled=None, wait=False,
                 wait_timeout=3600, poll_interval=15):
        if job_name is not None and job_name == "":
            raise EmOptionError("job_name", job_name, "expected the exact name of a file share backup job")
        self.job_name = job_name
        self.job_id = job_guid(job_id) if job_id is not None else None
        if (self.job_name is None) == (self.job_id is None):
            raise EmOptionError("job_name", job_name, "give exactly one of job_name and job_id")
        if state is not None and state not in STATES:
            raise EmOptionError("state", state, "expected one of %s" % ", ".join(STATES))
        if state is None and schedule_enabled is None:
            raise EmOptionError("state", state, "give state, schedule_enabled or both")
        check_timing(wait_timeout, poll_interval)
        self.state = state
        self.schedule_enabled = schedule_enabled
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.poll_interval = poll_interval

    def label(self):
        return "'%s'" % self.job_name if self.job_name is not None else self.job_id


# -- the job ---------------------------------------------------------------------------------

def normalise_job(entity):
    """A NASJob entity (lower-cased keys) -> ``{id, uid, name, schedule_enabled}``."""
    uid = entity.get("uid") or ""
    return dict(id=strip_urn(uid).lower(), uid=uid, name=entity.get("name"),
                schedule_enabled=as_bool(entity.get("scheduleenabled")))


def get_job(client, guid):
    """One NAS job entity by GUID; EmError naming the id when EM has none."""
    try:
        entity = client.get(_job_path(guid), params=[("format", "Entity")])
    except EmError as exc:
        if exc.status == 404:
            raise EmError("EM knows no file share backup job with id %s." % guid, status=404, url=exc.url, body=exc.body)
        raise
    return normalise_job(entity or {})


def resolve_job(client, request):
    """The job the request names: by id, or by exactly its name among GET /nas/jobs."""
    if request.job_id:
        return get_job(client, request.job_id)
    jobs = list_nas_jobs(client)
    exact = [job for job in jobs if job["name"] == request.job_name]
    if len(exact) > 1:
        raise EmError("EM has %d file share backup jobs named %s; name one with job_id (%s)."
                      % (len(exact), request.label(), ", ".join(job["id"] for job in exact)))
    if not exact:
        # EM compares names case-insensitively; the collection acts only on the exact name.
        alike = sorted(job["name"] for job in jobs if (job["name"] or "").lower() == request.job_name.lower())
        if alike:
            raise EmError("EM has no file share backup job named exactly %s, only %s; job names are compared exactly."
                          % (request.label(), " and ".join("'%s'" % name for name in alike)))
        raise EmError("EM knows no file share backup job %s." % request.label())
    return get_job(client, exact[0]["id"])


def _newest_sessions(client, job, count=1, created_after=None):
    query = SessionQuery(job_ids=[job["id"]], limit=count,
                         created_after=format_timestamp(created_after) if created_after else None)
    return sessions_of_job(find_sessions(client, query)[0], job_id=job["id"])


# -- the run ----------------------------------------------------------------------------------

class JobRun:
    """One task run of veeam_nas_job -> ``result()``. ActionError when an action failed.

    One Deadline (wait_timeout) starts here and bounds every request and pause of the run:
    reading the job, the schedule toggle, the start or retry, their tasks and the sessions.
    """

    def __init__(self, client, request, check_mode=False, clock=None, now=utc_now):
        self.deadline = Deadline(request.wait_timeout, clock)
        self.client = bind(client, self.deadline)
        self.request = request
        self.check_mode = check_mode
        self.now = now
        self.job = None
        self.changed = False
        self.session = None
        self.task = None
        self.messages = []
        self.before = {}
        self.after = {}

    def result(self):
        try:
            self.job = resolve_job(self.client, self.request)
            if self.request.schedule_enabled is not None:
                self._schedule()
            if self.request.state:
                self._state()
        except EmError as exc:
            raise self._failure(exc)
        result = dict(changed=self.changed, msg=" ".join(self.messages), job=self._job_view())
        if self.request.state:
            result["session"] = self.session
        if self.task is not None:
            result["task"] = self.task
        result["diff"] = dict(before=self.before, after=self.after)
        return result

    def _job_view(self):
        return None if self.job is None else dict(
            id=self.job["id"], name=self.job["name"], schedule_enabled=self.job["schedule_enabled"])

    def _failure(self, exc):
        """Any failure carries the job, session and task known so far, and whether something changed."""
        known = dict(job=self._job_view(), session=self.session, task=self.task)
        if isinstance(exc, ActionError):
            known.update((key, value) for key, value in exc.known.items() if value is not None)
            changed = exc.changed or self.changed
        else:
            changed = self.changed
        return ActionError(exc.msg, changed=changed, status=exc.status, url=exc.url, body=exc.body, **known)

    def _action(self, name):
        return Action(self.client, name, self.deadline, self.request.poll_interval)

    # -- schedule_enabled ------------------------------------------------------------------

    def _schedule(self):
        wanted = self.request.schedule_enabled
        word = "enabled" if wanted else "disabled"
        self.before["schedule_enabled"] = self.job["schedule_enabled"]
        self.after["schedule_enabled"] = wanted
        if self.job["schedule_enabled"] == wanted:
            self.messages.append("The schedule of job %s is already %s." % (self.job["name"], word))
            return
        if self.check_mode:
            self.changed = True
            self.messages.append("Would have %s the schedule of job %s." % (word, self.job["name"]))
            self.job = dict(self.job, schedule_enabled=wanted)
            return
        # EM's action flips the switch: sent only because it differs from what we want.
        action = self._action("schedule toggle")
        try:
            action.send(_job_path(self.job["id"], "toggleScheduleEnabled"))
            self.task = action.follow_task("job %s" % self.job["name"], job=self._job_view())
            self._refuse_failed_task(action, "change the schedule of")
            self.changed = True
            job, done = action.follow(lambda: get_job(action.client, self.job["id"]),
                                      lambda job: job["schedule_enabled"] == wanted)
        except EmError as exc:
            raise action.failure(exc, job=self._job_view())
        self.task = action.task
        self.job = job or self.job
        if not done:
            raise action.failure("EM accepted the schedule change of job %s but still reports it %s after %g seconds "
                                 "(wait_timeout)." % (self.job["name"], "disabled" if wanted else "enabled",
                                                      self.request.wait_timeout), job=self._job_view())
        note = action.relogon_note("the job's schedule")
        self.messages.append("%s the schedule of job %s.%s" % (word.capitalize(), self.job["name"], note))

    def _refuse_failed_task(self, action, what):
        task = action.task
        if not action.task_gone and task["success"] is False:
            raise action.failure("EM could not %s job %s: %s" % (what, self.job["name"], task["message"] or
                                                                 "the task failed without a message."),
                                 changed=False, job=self._job_view())

    # -- state: started / retried -------------------------------------------------------------

    def _state(self):
        newest = (_newest_sessions(self.client, self.job) or [None])[0]
        running = newest is not None and newest["state"] != STOPPED
        self.before["running"] = running
        self.session = newest
        name = self.job["name"]
        if running:
            self.after["running"] = True
            self.messages.append("Job %s is already running %s." % (name, _about(newest)))
            return self._wait(self._action("wait"))
        if self.request.state == "retried" and (newest is None or newest["result"] != "Failed"):
            self.after["running"] = False
            self.messages.append("Nothing to retry: job %s %s." % (
                name, "has never run" if newest is None else "ended its newest %s" % _about(newest)))
            return None
        verb = "retry" if self.request.state == "retried" else "start"
        self.after["running"] = True
        if self.check_mode:
            self.changed = True
            self.messages.append("Would %s job %s." % (verb, name))
            return None
        return self._start(verb, newest)

    def _start(self, verb, before):
        action = self._action(verb)
        name = self.job["name"]
        requested_at = self.now().replace(microsecond=0) - CLOCK_SKEW
        try:
            action.send(_job_path(self.job["id"], verb))
            self.task = action.follow_task("job %s" % name, job=self._job_view())
            self._refuse_failed_task(action, verb)
            self.changed = True

            def started():
                fresh = _newest_sessions(action.client, self.job, 2, requested_at)
                return next((s for s in fresh if before is None or s["id"] != before["id"]), None)

            session, found = action.follow(started, lambda session: session is not None)
        except EmError as exc:
            raise action.failure(exc, job=self._job_view())
        self.task = action.task
        if not found:
            raise action.failure("EM accepted the %s of job %s but no new session of it appeared within %g seconds "
                                 "(wait_timeout)." % (verb, name, self.request.wait_timeout), job=self._job_view())
        self.session = session
        past = "Retried" if verb == "retry" else "Started"
        self.messages.append("%s job %s: %s.%s" % (past, name, _about(session), action.relogon_note("its new session")))
        return self._wait(action)

    def _wait(self, action):
        """With wait: follow the session to its end; a Failed end fails with EM's message."""
        if not self.request.wait:
            return
        session = self.session
        try:
            current, done = action.follow(lambda: get_session(action.client, session["id"]),
                                          lambda s: s["state"] == STOPPED)
        except EmError as exc:
            raise action.failure(exc, job=self._job_view(), session=session)
        self.session = current = current or session
        if not done:
            raise action.failure("Session %s of job %s was still %s after %g seconds (wait_timeout)."
                                 % (current["name"], self.job["name"], current["state"], self.request.wait_timeout),
                                 job=self._job_view(), session=current)
        if current["result"] == "Failed":
            raise action.failure("Session %s of job %s ended Failed: %s" % (
                current["name"], self.job["name"], current["failure_message"] or "EM gave no failure message."),
                job=self._job_view(), session=current)
        self.messages.append("It ended %s at %s." % (current["result"], current["end_time"]))
