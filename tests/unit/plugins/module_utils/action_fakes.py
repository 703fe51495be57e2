# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A fake clock and a scripted EM client for the tests of actions (stop, start, retry, toggle)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from ansible_collections.backupgate.veeam_em.plugins.module_utils._actions import Clock, Deadline
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import lower_keys


class FakeClock:
    """Time moves only when the code under test sleeps (or a fake request takes time)."""

    def __init__(self):
        self.time = 1000.0
        self.sleeps = []

    def now(self):
        return self.time

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.time += seconds

    def clock(self):
        return Clock(now=self.now, sleep=self.sleep)

    def deadline(self, seconds):
        """The run's wait_timeout bound, on this clock."""
        return Deadline(seconds, self.clock())


class FakeClient:
    """Answers from scripted sequences per path (the last answer repeats) and records
    every request with the timeout it was given.

    An answer may be an EmError (raised), or a callable taking the timeout (a request
    that takes time on the fake clock and answers, or raises).
    """

    timeout = 30

    def __init__(self, gets=None, posts=None):
        self.gets = dict((path, list(answers)) for path, answers in (gets or {}).items())
        self.posts = posts or {}
        self.calls = []
        self.timeouts = []

    def _answer(self, answer, timeout):
        if callable(answer):
            answer = answer(timeout)
        if isinstance(answer, EmError):
            raise answer
        return lower_keys(answer)

    def get(self, path, params=None, expected=(200,), timeout=None):
        self.calls.append(("GET", path))
        self.timeouts.append(timeout)
        answers = self.gets[path]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return self._answer(answer, timeout)

    def post(self, path, params=None, expected=(202,), timeout=None):
        self.calls.append(("POST", path))
        self.timeouts.append(timeout)
        return self._answer(self.posts[path], timeout)

    def url_for(self, path, params=None):
        # The query logic measures whole URLs against its size budget, so params count too.
        query = "&".join("%s=%s" % (key, quote(str(value), safe="")) for key, value in params or [])
        return "https://em/api/" + path + ("?" + query if query else "")

    def posted(self):
        return [path for method, path in self.calls if method == "POST"]


def task(state="Running", success=None, message=None, task_id="task-1", href=True, operation="StopNasJob"):
    body = {"TaskId": task_id, "State": state, "Operation": operation, "Type": "Task"}
    if href:
        body["Href"] = "https://localhost:9398/api/tasks/" + task_id
    if success is not None:
        body["Result"] = {"Success": success, "Message": message}
    return body


def refused(status):
    return EmError("EM answered %s" % status, status=status, url="u", body="no")


def hangs(clock, seconds=None):
    """A request that hangs until its timeout (or ``seconds``) passes on the fake clock, then times out."""
    def _request(timeout):
        clock.time += timeout if seconds is None else min(seconds, timeout)
        return EmError("EM did not answer GET /api/x within %s seconds." % timeout)
    return _request
