# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Stopping a NAS backup session: the stop request, its Task, and the wait for Stopped.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

The sending and following is the shared Action of _actions.py; this file knows what a
stop is (which route, when a session counts as stopped).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from ansible_collections.backupgate.veeam_em.plugins.module_utils._actions import Action, ActionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import get_session
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import find_link

STOPPED = "Stopped"
STOPPING = "Stopping"
# How an EM says "no such route here" to POST nas/jobs/{id}/stop (older builds,
# proxies, jobs the NAS service does not own). 403 is not among them: it is the
# user who is refused, and another route would be refused too.
NAS_ROUTE_REFUSALS = (400, 404, 405, 501)


def is_stopped(session):
    return bool(session) and session.get("state") == STOPPED


def is_stopping(session):
    """A stop was already asked for (by us earlier, or by someone else)."""
    return bool(session) and session.get("state") == STOPPING


def _stop_under_way(session):
    return is_stopping(session) or is_stopped(session)


def describe(session):
    return "%s (%s)" % (session.get("name"), session.get("id"))


def wait_until_stopped(action, session, until=is_stopped):
    """Re-read the session until ``until(session)`` (EM reports it Stopped) -> the session as last read."""
    guid = session["id"]
    current, done = action.follow(lambda: get_session(action.client, guid), until)
    current = current or session
    if not done:
        raise action.failure(
            "Session %s was still %s after %g seconds (wait_timeout); EM has not confirmed the stop."
            % (describe(current), current.get("state"), action.deadline.seconds), session=current)
    return current


# -- the stop request -------------------------------------------------------------------

def _session_stop_path(client, session):
    """The session's own Stop link, or the documented path when EM shows none."""
    entity = client.get("backupSessions/%s" % session["id"], params=[("format", "Entity")]) or {}
    link = find_link(entity, "Stop")
    if link and link.get("href"):
        return link["href"]
    return "backupSessions/%s?action=stop" % session["id"]


def send_stop(action, session):
    """POST the stop -> the Task entity EM answered with.

    The documented NAS route stops whatever the job runs; where EM refuses that
    route, the session's own Stop link does the same. Anything else (403 for a
    role without the right, 5xx) is raised as it is.
    """
    if session.get("job_id"):
        try:
            return action.send("nas/jobs/%s/stop" % quote(session["job_id"], safe=""))
        except EmError as exc:
            if exc.status not in NAS_ROUTE_REFUSALS:
                raise
    return action.send(_session_stop_path(action.client, session))


def stop_session(client, session, wait, deadline, poll_interval):
    """Stop a running session and confirm it -> ``(session as last read, action)``.

    ``deadline`` is the run's Deadline (wait_timeout): it already bounded finding the
    session, and bounds the stop request, the task polling and the wait for Stopped,
    requests in flight included. Once EM accepted the stop, any failure says
    ``changed: true`` and carries the session and task as last read. ``action.task``
    is the task; ``action.task_gone`` says it vanished with a re-logon.
    """
    action = Action(client, "stop", deadline, poll_interval)
    try:
        send_stop(action, session)
        task = action.follow_task(describe(session), session=session)
        if task is not None and task["success"] is False:
            # The session may have ended on its own between our read and the POST:
            # EM then refuses the stop, but the session is where the user wants it.
            current = get_session(action.client, session["id"])
            if is_stopped(current):
                return current, action
            raise action.failure("EM could not stop session %s: %s"
                                 % (describe(session), task["message"] or "the task failed without a message."),
                                 changed=False, session=current)
        if wait or task is None:
            # Without its task (gone with a re-logon) the session's state is the only witness.
            return wait_until_stopped(action, session, is_stopped if wait else _stop_under_way), action
        return get_session(action.client, session["id"]), action
    except ActionError:
        raise
    except EmError as exc:
        raise action.failure(exc, session=session)
