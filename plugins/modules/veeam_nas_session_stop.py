#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: veeam_nas_session_stop
short_description: Stop a running file share (NAS) backup session of Veeam Backup Enterprise Manager
version_added: 1.0.0
description:
  - Stops one running file share (NAS) backup session through Veeam Backup Enterprise Manager (EM 10 to 13),
    named by O(session_id), or whatever session a job named by O(job_name) or O(job_id) is running.
  - The session is read first. When it is already C(Stopped), or the job runs nothing, the task reports no change
    and sends no request that changes anything, so a playbook can run it again safely.
  - The stop goes to C(POST /api/nas/jobs/<job>/stop), the documented file share route. Where EM refuses that route
    (answers 400, 404, 405 or 501), the session's own C(Stop) link is used instead.
  - EM answers a stop with a task. The module follows that task, with the same EM logon session, until it is done,
    and fails with EM's own message when the task reports no success, unless the session turns out to have
    ended by itself in the meantime, in which case nothing was stopped and the task reports no change.
  - With O(wait=true) the module then reads the session until EM reports it C(Stopped). O(wait_timeout) bounds all of
    this waiting in wall-clock time.
  - A session that is already C(Stopping) is not sent a second stop; with O(wait=true) the module waits for it.
author:
  - backupgate.veeam_em contributors (@backupgate)
seealso:
  - module: backupgate.veeam_em.veeam_nas_session_info
  - name: Enterprise Manager REST API, stopping a file share backup job
    description: The route the module uses first.
    link: https://helpcenter.veeam.com/docs/vbr/em_rest/post_nas_jobs_id_stop.html
extends_documentation_fragment:
  - backupgate.veeam_em._connection
  - backupgate.veeam_em._attributes
  - backupgate.veeam_em._attributes.action_group
attributes:
  check_mode:
    support: full
    details: In check mode the session is read and nothing is sent; RV(msg) says what would be stopped.
  diff_mode:
    support: full
    details: The diff shows the session state before and after the stop.
options:
  session_id:
    description:
      - The session to stop, as a GUID or C(urn:veeam:BackupJobSession:<guid>).
      - The task fails, naming the id, when EM has no such session.
      - Exactly one of O(session_id), O(job_name) and O(job_id) is required.
    type: str
  job_name:
    description:
      - Stop the session the file share backup job with exactly this name is running.
      - When the job runs nothing, RV(session) is its newest session (or null when it never ran) and nothing changes.
      - The task fails when EM knows no file share backup job of this name.
    type: str
  job_id:
    description:
      - Like O(job_name), for the job with this GUID, C(urn:veeam:Job:<guid>) or C(urn:veeam:NasJob:<guid>).
    type: str
  wait:
    description:
      - Wait until EM reports the session C(Stopped).
      - With V(false) the module returns once EM's stop task is done; the session is then often still C(Stopping).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds, counted on the wall clock from the logon, that the whole task may take (finding the session, the
        stop request, EM's stop task and, with O(wait=true), the session reaching C(Stopped)). Every request is given
        at most the time left (and at most O(timeout)).
      - When they pass, the task fails, naming the session and the state EM last reported; once EM had accepted
        the stop, the failure says C(changed=true).
    type: int
    default: 600
  poll_interval:
    description:
      - Seconds between two reads of the stop task or of the session while waiting.
    type: float
    default: 5
notes:
  - Stopping a session needs an EM account with the Portal Administrator role. EM answers 403 to other roles,
    and the task fails saying so.
  - A stopped session ends with the result C(Failed) in EM.
"""

EXAMPLES = r"""
- name: Stop a session by id and wait until EM reports it Stopped
  backupgate.veeam_em.veeam_nas_session_stop:
    url: https://em.example.com:9398
    username: CORP\svc-ansible
    password: "{{ vault_em_password }}"
    ca_path: /etc/pki/corp-root-ca.pem
    session_id: 821cc74e-9447-40b6-a2df-90aa47101233

- name: Stop whatever the job is running before a maintenance window
  hosts: localhost
  module_defaults:
    group/backupgate.veeam_em.veeam_em:
      url: https://em.example.com:9398
      username: CORP\svc-ansible
      password: "{{ vault_em_password }}"
  tasks:
    - name: Stop the running session of Archived Projects, waiting at most 5 minutes
      backupgate.veeam_em.veeam_nas_session_stop:
        job_name: Archived Projects
        wait_timeout: 300
        poll_interval: 10
      register: stop

    - name: Say what happened
      ansible.builtin.debug:
        msg: "{{ stop.msg }}"

- name: Ask EM to stop and move on without waiting for Stopped
  backupgate.veeam_em.veeam_nas_session_stop:
    job_id: urn:veeam:NasJob:70073b98-098b-4046-a097-43cbda67d58a
    wait: false
"""

RETURN = r"""
msg:
  description: What the module did, or in check mode what it would do.
  returned: always
  type: str
  sample: Would stop session Archived Projects@2026-11-21 22:00:03 of job Archived Projects (Working, 42%).
session:
  description:
    - The session as last read, with the keys of RV(backupgate.veeam_em.veeam_nas_session_info#module:sessions); its
      C(state) is C(Stopped) once stopped, C(Stopping) or a running state otherwise.
    - Null when O(job_name) or O(job_id) names a job that never ran.
    - On a failed stop task or a timeout it is in the failure result as well.
  returned: always
  type: dict
  sample:
    id: 821cc74e-9447-40b6-a2df-90aa47101233
    name: Archived Projects@2026-11-21 22:00:03
    job_name: Archived Projects
    state: Stopped
    result: Failed
    failure_message: Job session was stopped by user.
task:
  description:
    - EM's task for the stop request, as last read.
    - On a failed stop task or a timeout it is in the failure result as well.
  returned: when a stop was sent
  type: dict
  contains:
    id:
      description: Task id, valid only within the EM logon session of the task.
      type: str
      sample: task-1
    state:
      description: C(Finished) or C(OperationFinished) once done, C(Running) before (also when EM no longer showed
        the task after a new logon).
      type: str
      sample: Finished
    operation:
      description: C(StopNasJob) through the file share route, C(StopJobSession) through the session's link.
      type: str
      sample: StopNasJob
    success:
      description: Whether EM reports the stop as triggered; null while the task runs.
      type: bool
      sample: true
    message:
      description: EM's message for the task.
      type: str
      sample: Job "Archived Projects" triggered to stop.
diff:
  description: The session state before and after (in check mode, the state it would be left in).
  returned: in diff mode
  type: dict
  contains:
    before:
      description: C(state) as first read; empty when there is no session.
      type: dict
      sample: {state: Working}
    after:
      description: C(state) after the stop.
      type: dict
      sample: {state: Stopped}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.backupgate.veeam_em.plugins.module_utils._arguments import argument_spec
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._module_runner import ModuleRunner
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import find_sessions, get_session
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_jobs import list_nas_jobs
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import SessionQuery, session_guid
from ansible_collections.backupgate.veeam_em.plugins.module_utils._actions import (
    Action, Deadline, bind, check_timing, sessions_of_job,
)
from ansible_collections.backupgate.veeam_em.plugins.module_utils._stop import (
    STOPPED, STOPPING, is_stopped, is_stopping, stop_session, wait_until_stopped,
)

TARGET_OPTIONS = ("session_id", "job_name", "job_id")


class Target:
    """Which session to stop, checked before any request is sent."""

    def __init__(self, params):
        self.params = params
        self.guid = session_guid(params["session_id"]) if params["session_id"] else None
        self.running_query = self.newest_query = None
        if self.guid is None:
            jobs = dict(job_names=params["job_name"], job_ids=params["job_id"])
            self.running_query = SessionQuery(state="running", latest_per_job=True, **jobs)
            # Newest per job, not limit=1: EM's case-insensitive match may put another job's session first.
            self.newest_query = SessionQuery(latest_per_job=True, **jobs)

    def label(self):
        if self.params["job_name"] is not None:
            return "'%s'" % self.params["job_name"]
        return self.running_query.job_ids[0]

    def find(self, client):
        """The session to act on; None when the job never ran."""
        if self.guid:
            return get_session(client, self.guid)
        running, unknown = find_sessions(client, self.running_query)
        if unknown and not self._job_exists(client):
            raise EmError("EM knows no file share backup job %s." % self.label())
        running = self._exact(running)
        if running:
            return running[0]
        # Nothing runs: report the job's newest session, so the playbook sees how it ended.
        newest = self._exact(find_sessions(client, self.newest_query)[0])
        return newest[0] if newest else None

    def _job_exists(self, client):
        """A job without any session: does EM know it? Only /nas/jobs can tell (Portal Administrator)."""
        try:
            jobs = list_nas_jobs(client)
        except EmError as exc:
            if exc.status != 403:
                raise
            raise EmError("EM has no session of job %s at all: no such job exists, or it has never run "
                          "(only the Portal Administrator role may read the job list to tell which); "
                          "nothing to stop." % self.label(), status=403, url=exc.url)
        job_id = self.running_query.job_ids[0] if self.running_query.job_ids else None
        return any(job["name"] == self.params["job_name"] or job["id"] == job_id for job in jobs)

    def _exact(self, sessions):
        job_id = self.running_query.job_ids[0] if self.running_query.job_ids else None
        return sessions_of_job(sessions, job_name=self.params["job_name"], job_id=job_id)


def _about(session):
    return "session %s of job %s" % (session["name"], session["job_name"])


def _sentence(text):
    return text[:1].upper() + text[1:]


def _diff(session, after):
    if session is None:
        return dict(before={}, after={})
    return dict(before=dict(state=session["state"]), after=dict(state=after))


def _leave_alone(module, client, target, session, deadline):
    """Nothing to send: no session, already Stopped, or already Stopping."""
    if session is None:
        return dict(msg="Job %s has never run; nothing to stop." % target.label(), session=None)
    if is_stopped(session):
        return dict(msg="Nothing to stop: %s is already Stopped." % _about(session), session=session)
    if module.check_mode or not module.params["wait"]:
        return dict(msg=_sentence("%s is already Stopping; no stop was sent." % _about(session)), session=session)
    # Someone asked for this stop already: waiting for it keeps "wait" meaning "Stopped on return".
    session = wait_until_stopped(Action(client, "stop", deadline, module.params["poll_interval"]), session)
    return dict(msg=_sentence("%s was already Stopping; no stop was sent, and it is Stopped now." % _about(session)),
                session=session)


def _stop(module, client, session, deadline):
    """Stop a running session (or say what would be stopped) -> (result, state after)."""
    params = module.params
    if module.check_mode:
        msg = "Would stop %s (%s, %s%%)." % (_about(session), session["state"], session["progress"])
        return dict(msg=msg, session=session, changed=True), (STOPPED if params["wait"] else STOPPING)
    stopped, action = stop_session(client, session, params["wait"], deadline, params["poll_interval"])
    task = action.task
    if task["success"] is False:
        # EM refused the stop because the session had just ended by itself.
        msg = "Nothing was stopped: %s ended by itself before EM acted on the stop." % _about(stopped)
        return dict(msg=msg, session=stopped, task=task, changed=False), stopped["state"]
    if is_stopped(stopped):
        msg = "Stopped %s." % _about(stopped)
    else:
        msg = "EM accepted the stop of %s; it is %s now." % (_about(stopped), stopped["state"])
    msg += action.relogon_note("the session's state")
    return dict(msg=msg, session=stopped, task=task, changed=True), stopped["state"]


def run(module, client, target):
    """Read, decide, and (unless in check mode) stop -> the module result.

    One Deadline (wait_timeout) bounds the whole run: finding the session, the stop,
    its task and the wait for Stopped.
    """
    deadline = Deadline(module.params["wait_timeout"])
    client = bind(client, deadline)
    session = target.find(client)
    if session is None or is_stopped(session) or is_stopping(session):
        result = _leave_alone(module, client, target, session, deadline)
        result["changed"] = False
        after = (result["session"] or {}).get("state")
    else:
        result, after = _stop(module, client, session, deadline)
    if module._diff:
        result["diff"] = _diff(session, after)
    return result


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            session_id=dict(type="str"),
            job_name=dict(type="str"),
            job_id=dict(type="str"),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
            poll_interval=dict(type="float", default=5),
        ),
        mutually_exclusive=[TARGET_OPTIONS],
        required_one_of=[TARGET_OPTIONS],
        supports_check_mode=True,
    )
    runner = ModuleRunner(module)
    with runner.failures():
        # Everything the user gave is checked before the first request.
        check_timing(module.params["wait_timeout"], module.params["poll_interval"])
        target = Target(module.params)
        with runner.client() as client:
            result = run(module, client, target)
    runner.exit(**result)


if __name__ == "__main__":
    main()
