# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An action sent to EM and followed to its end: the POST, its Task, then the state of
what it acted on (a session or a job).

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

Shared by veeam_nas_session_stop and veeam_nas_job. Pure logic: it takes a logged-on
EmClient (anything with ``get``/``post``) and a Clock, and knows nothing of
AnsibleModule, so tests drive the waits with a fake clock and never sleep.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from urllib.parse import quote

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import as_bool

# A Task is done once the backup server has finished the operation
# (OperationFinished), whether or not EM has collected the result yet (Finished).
TASK_DONE_STATES = ("finished", "operationfinished")
# Actions answer 202 + Task; 200 with the same body is accepted as well.
ACTION_ACCEPTED = (200, 202)


class Clock:
    """Monotonic time and sleep, injectable so that tests never really sleep."""

    def __init__(self, now=time.monotonic, sleep=time.sleep):
        self.now = now
        self.sleep = sleep


class Deadline:
    """A wall-clock bound shared by every request and every pause of one module run
    (wait_timeout): one Deadline per run, handed to each of its Actions, never one per action."""

    def __init__(self, seconds, clock=None):
        self.seconds = seconds
        self.clock = clock or Clock()
        self._end = self.clock.now() + seconds

    def remaining(self):
        return self._end - self.clock.now()

    def pause(self, interval):
        """Sleep one poll interval, but never past the deadline."""
        self.clock.sleep(max(0.0, min(interval, self.remaining())))


class ActionError(EmError):
    """An action that failed, or did not finish within wait_timeout.

    ``changed`` is true once EM has accepted the action: from then on the failure result
    says so, with what is known (``session``, ``task``, ``job``) as last read.
    """

    def __init__(self, msg, changed=False, status=None, url=None, body=None, **known):
        super(ActionError, self).__init__(msg, status=status, url=url, body=body)
        self.changed = changed
        self.known = known

    def details(self):
        details = super(ActionError, self).details()
        details.update(self.known)
        details["changed"] = self.changed
        return details


class DeadlineReached(EmError):
    """wait_timeout ran out before or during a request (the request was cut short)."""


def check_timing(wait_timeout, poll_interval):
    """Refuse bounds that would never poll or never end, before any request."""
    if wait_timeout is None or wait_timeout <= 0:
        raise EmOptionError("wait_timeout", wait_timeout, "expected a number of seconds greater than 0")
    if poll_interval is None or poll_interval <= 0:
        raise EmOptionError("poll_interval", poll_interval, "expected a number of seconds greater than 0")


class BoundClient:
    """The client, with every request's timeout capped at the time left before the deadline.

    Code that takes a client (reading a session, the query service) gets this one, so
    wait_timeout bounds the requests in flight too, not only the pauses between them.
    """

    def __init__(self, client, deadline):
        self._client = client
        self.deadline = deadline

    def get(self, path, params=None, expected=(200,)):
        return self._call(self._client.get, "read", path, params=params, expected=expected)

    def post(self, path, params=None, expected=ACTION_ACCEPTED):
        return self._call(self._client.post, "sent", path, params=params, expected=expected)

    def _call(self, method, done, path, **kwargs):
        left = self.deadline.remaining()
        if left <= 0:
            raise DeadlineReached("wait_timeout (%g seconds) passed before %s could be %s."
                                  % (self.deadline.seconds, path, done))
        try:
            return method(path, timeout=min(float(self._client.timeout), left), **kwargs)
        except EmError as exc:
            if self.deadline.remaining() <= 0 and not isinstance(exc, DeadlineReached):
                raise DeadlineReached("%s wait_timeout (%g seconds) has passed." % (exc.msg, self.deadline.seconds),
                                      status=exc.status, url=exc.url, body=exc.body)
            raise

    def __getattr__(self, name):
        return getattr(self._client, name)


def sessions_of_job(sessions, job_name=None, job_id=None):
    """Only the sessions of exactly this job.

    EM's filters compare strings case-insensitively (SQL Server's collation), so a query
    for ``finance`` also answers sessions of ``FINANCE``: never act on those.
    """
    return [s for s in sessions
            if (job_name is None or s.get("job_name") == job_name) and (job_id is None or s.get("job_id") == job_id)]


def poll(fetch, done, deadline, interval, value=None):
    """Call ``fetch()`` until ``done(value)`` or the deadline passes -> ``(value, done)``.

    ``value`` is a first answer already in hand (no fetch for it). The last fetch happens
    at the deadline, so a timeout reports the freshest state; a fetch the deadline cuts
    short leaves the last value read.
    """
    try:
        if value is None:
            value = fetch()
        while not done(value):
            if deadline.remaining() <= 0:
                return value, False
            deadline.pause(interval)
            value = fetch()
    except DeadlineReached:
        return value, False
    return value, True


# -- tasks ------------------------------------------------------------------------

def normalise_task(entity):
    """A Task entity (lower-cased keys) -> ``{id, state, operation, success, message}``.

    ``success`` and ``message`` are null while the task runs (EM sends no Result then).
    """
    entity = entity or {}
    result = entity.get("result")
    if not isinstance(result, dict):
        result = {}
    message = result.get("message")
    return dict(
        id=entity.get("taskid"),
        state=entity.get("state"),
        operation=entity.get("operation"),
        success=as_bool(result.get("success")),
        message=None if message is None else str(message),
    )


def is_task_done(entity):
    return str((entity or {}).get("state") or "").lower() in TASK_DONE_STATES


def _task_path(entity, action):
    """Where to read a Task again: its Href, else ``tasks/{TaskId}``."""
    if entity.get("href"):
        return entity["href"]
    if not entity.get("taskid"):
        raise EmError("EM accepted the %s but its answer names no task to follow." % action)
    return "tasks/%s" % quote(str(entity["taskid"]), safe="")


def bind(client, deadline):
    """``client`` with every request capped at the time ``deadline`` leaves (never bound twice)."""
    if isinstance(client, BoundClient) and client.deadline is deadline:
        return client
    return BoundClient(client, deadline)


class Action:
    """One action (``stop``, ``start``, ``retry``, ``schedule toggle``) of one task run.

    ``send`` POSTs it; ``follow_task`` follows EM's Task; ``follow`` reads what it acts on
    until it reaches the wanted state. ``deadline`` is the run's Deadline, shared with the
    reads before the action and with the other actions of the run, so wait_timeout bounds
    the whole run, requests included. After EM accepted the action, ``accepted`` is true
    and every failure is an ActionError with ``changed: true`` (see ``failure``).
    """

    def __init__(self, client, name, deadline, poll_interval):
        self.name = name
        self.deadline = deadline
        self.client = bind(client, deadline)
        self.interval = poll_interval
        self.entity = None
        self.accepted = False
        self.task_gone = False

    @property
    def task(self):
        """The task as last read (normalised), or None before EM accepted the action."""
        return normalise_task(self.entity) if self.accepted else None

    def send(self, path):
        """POST the action -> the Task entity EM answered with."""
        self.entity = self.client.post(path, expected=ACTION_ACCEPTED) or {}
        self.accepted = True
        return self.entity

    def follow_task(self, subject, **known):
        """Follow the Task until it is done -> the normalised task, or None when it is gone.

        ``subject`` names what the action acts on in a timeout message; ``known`` goes
        into the failure result.

        Tasks belong to the logon session that created them: after the client logged on
        again (an expired logon answers 401), EM answers 404 for the task. The action is
        then under way all the same, and the caller follows its subject's state instead.
        """
        path = _task_path(self.entity, self.name)

        def fetch():
            try:
                return self.client.get(path) or {}
            except EmError as exc:
                if exc.status == 404:
                    raise _TaskGone()
                raise

        try:
            self.entity, done = poll(fetch, is_task_done, self.deadline, self.interval, self.entity)
        except _TaskGone:
            self.task_gone = True
            return None
        task = self.task
        if not done:
            raise self.failure("The %s task %s of %s was still %s after %g seconds (wait_timeout)."
                               % (self.name, task["id"], subject, task["state"], self.deadline.seconds), **known)
        return task

    def relogon_note(self, followed):
        """The sentence a result adds when the task vanished with a re-logon ('' otherwise)."""
        if not self.task_gone:
            return ""
        return (" EM logged the module on again while the %s ran, which ends the %s's task on EM;"
                " %s was followed instead." % (self.name, self.name, followed))

    def follow(self, fetch, done, value=None):
        """Read with ``fetch()`` until ``done(value)`` -> ``(value, done)``; never past the deadline."""
        return poll(fetch, done, self.deadline, self.interval, value)

    def failure(self, msg_or_error, changed=None, **known):
        """An ActionError with what is known: the task as last read, ``known``, and ``changed``
        (by default: whether EM accepted the action). An ActionError is already complete."""
        if isinstance(msg_or_error, ActionError):
            return msg_or_error
        merged = dict(task=self.task)
        merged.update(known)
        if changed is None:
            changed = self.accepted
        if not isinstance(msg_or_error, EmError):
            return ActionError(msg_or_error, changed=changed, **merged)
        error = msg_or_error
        return ActionError(error.msg, changed=changed, status=error.status, url=error.url, body=error.body, **merged)


class _TaskGone(Exception):
    """GET of the task answered 404: it belonged to an earlier logon session."""
