# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Stopping a NAS backup session: the stop request, its Task, and the wait for Stopped.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

Pure logic: it takes a logged-on EmClient (anything with ``get``/``post``) and a
Clock, and knows nothing of AnsibleModule, so tests drive the polling with a
fake clock and never sleep.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2 is not supported by the collection
    quote = None

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import get_session
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import find_link

STOPPED = "Stopped"
STOPPING = "Stopping"
# A Task is done once the backup server has finished the operation
# (OperationFinished), whether or not EM has collected the result yet (Finished).
TASK_DONE_STATES = ("finished", "operationfinished")
# How an EM says "no such route here" to POST nas/jobs/{id}/stop (older builds,
# proxies, jobs the NAS service does not own). 403 is not among them: it is the
# user who is refused, and another route would be refused too.
NAS_ROUTE_REFUSALS = (400, 404, 405, 501)
# Actions answer 202 + Task; 200 with the same body is accepted as well.
ACTION_ACCEPTED = (200, 202)


class Clock:
    """Monotonic time and sleep, injectable so that tests never really sleep."""

    def __init__(self, now=time.monotonic, sleep=time.sleep):
        self.now = now
        self.sleep = sleep


class Deadline:
    """A wall-clock bound shared by every poll of one stop."""

    def __init__(self, seconds, clock):
        self.seconds = seconds
        self.clock = clock
        self._end = clock.now() + seconds

    def remaining(self):
        return self._end - self.clock.now()

    def pause(self, interval):
        """Sleep one poll interval, but never past the deadline."""
        self.clock.sleep(max(0.0, min(interval, self.remaining())))


class StopError(EmError):
    """A stop EM's Task reported as failed, or one that did not finish in time.

    The failure result carries the session and the task as last read, so a
    playbook can see how far the stop got.
    """

    def __init__(self, msg, session=None, task=None):
        super(StopError, self).__init__(msg)
        self.session = session
        self.task = task

    def details(self):
        return dict(session=self.session, task=self.task)


def check_timing(wait_timeout, poll_interval):
    """Refuse bounds that would never poll or never end, before any request."""
    if wait_timeout is None or wait_timeout <= 0:
        raise EmOptionError("wait_timeout", wait_timeout, "expected a number of seconds greater than 0")
    if poll_interval is None or poll_interval <= 0:
        raise EmOptionError("poll_interval", poll_interval, "expected a number of seconds greater than 0")


def poll(fetch, done, deadline, interval, value=None):
    """Call ``fetch()`` until ``done(value)`` or the deadline passes -> ``(value, done)``.

    ``value`` is a first answer already in hand (no fetch for it). The last
    fetch happens at the deadline, so a timeout reports the freshest state.
    """
    if value is None:
        value = fetch()
    while not done(value):
        if deadline.remaining() <= 0:
            return value, False
        deadline.pause(interval)
        value = fetch()
    return value, True


# -- sessions -------------------------------------------------------------------

def is_stopped(session):
    return bool(session) and session.get("state") == STOPPED


def is_stopping(session):
    """A stop was already asked for (by us earlier, or by someone else)."""
    return bool(session) and session.get("state") == STOPPING


def describe(session):
    return "%s (%s)" % (session.get("name"), session.get("id"))


def wait_until_stopped(client, session, deadline, interval, task=None):
    """Re-read the session until EM reports it Stopped -> the session as last read."""
    guid = session["id"]
    session, done = poll(lambda: get_session(client, guid), is_stopped, deadline, interval)
    if not done:
        raise StopError(
            "Session %s was still %s after %g seconds (wait_timeout); EM has not confirmed the stop."
            % (describe(session), session.get("state"), deadline.seconds),
            session=session, task=task)
    return session


# -- tasks ------------------------------------------------------------------------

def _as_bool(value):
    if value is None or isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


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
        success=_as_bool(result.get("success")),
        message=None if message is None else str(message),
    )


def is_task_done(entity):
    return str((entity or {}).get("state") or "").lower() in TASK_DONE_STATES


def task_path(entity):
    """Where to read a Task again: its Href, else ``tasks/{TaskId}``."""
    if entity.get("href"):
        return entity["href"]
    if not entity.get("taskid"):
        raise EmError("EM accepted the stop but its answer names no task to follow.")
    return "tasks/%s" % quote(str(entity["taskid"]), safe="")


def wait_for_task(client, entity, session, deadline, interval):
    """Follow the stop's Task (tasks belong to this logon session) until it is done.

    -> the normalised task; StopError when it fails or is not done in time.
    """
    path = task_path(entity or {})
    entity, done = poll(lambda: client.get(path) or {}, is_task_done, deadline, interval, entity)
    task = normalise_task(entity)
    if not done:
        raise StopError(
            "The stop task %s of session %s was still %s after %g seconds (wait_timeout)."
            % (task["id"], describe(session), task["state"], deadline.seconds),
            session=session, task=task)
    if task["success"] is False:
        raise StopError(
            "EM could not stop session %s: %s" % (describe(session), task["message"] or "the task failed without a message."),
            session=session, task=task)
    return task


# -- the stop request -------------------------------------------------------------------

def _session_stop_path(client, session):
    """The session's own Stop link, or the documented path when EM shows none."""
    entity = client.get("backupSessions/%s" % session["id"], params=[("format", "Entity")]) or {}
    link = find_link(entity, "Stop")
    if link and link.get("href"):
        return link["href"]
    return "backupSessions/%s?action=stop" % session["id"]


def send_stop(client, session):
    """POST the stop -> the Task entity EM answered with.

    The documented NAS route stops whatever the job runs; where EM refuses that
    route, the session's own Stop link does the same. Anything else (403 for a
    role without the right, 5xx) is raised as it is.
    """
    if session.get("job_id"):
        try:
            return client.post("nas/jobs/%s/stop" % quote(session["job_id"], safe=""), expected=ACTION_ACCEPTED) or {}
        except EmError as exc:
            if exc.status not in NAS_ROUTE_REFUSALS:
                raise
    return client.post(_session_stop_path(client, session), expected=ACTION_ACCEPTED) or {}


def stop_session(client, session, wait, wait_timeout, poll_interval, clock=None):
    """Stop a running session and confirm it -> ``(session as last read, task)``.

    One wall-clock deadline bounds the task polling and the wait for Stopped.
    """
    deadline = Deadline(wait_timeout, clock or Clock())
    entity = send_stop(client, session)
    try:
        task = wait_for_task(client, entity, session, deadline, poll_interval)
    except StopError as exc:
        # The session may have ended on its own between our read and the POST:
        # EM then refuses the stop, but the session is where the user wants it.
        current = get_session(client, session["id"]) if (exc.task or {}).get("success") is False else None
        if is_stopped(current):
            return current, exc.task
        raise
    if wait:
        return wait_until_stopped(client, session, deadline, poll_interval, task), task
    return get_session(client, session["id"]), task
