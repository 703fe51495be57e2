# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Which NAS sessions to return: shared by veeam_nas_session_info and the veeam_nas_sessions lookup."""

    DOCUMENTATION = r"""
options:
  job_id:
    description:
      - Only sessions of these jobs, each a job GUID, C(urn:veeam:Job:<guid>) or C(urn:veeam:NasJob:<guid>).
      - Given together with job names, a session must match both.
    type: list
    elements: str
  state:
    description:
      - V(running) returns sessions whose state is anything but C(Stopped) (C(Starting), C(Working), C(Stopping), ...).
      - V(stopped) returns finished sessions only.
    type: str
    default: any
    choices: [any, running, stopped]
  result:
    description:
      - Only sessions with one of these results.
      - V(None) means "no result yet", that is a session that is still running (its state is not C(Stopped)).
        EM documents only C(Success), C(Warning) and C(Failed) as values of its C(Result) filter, so V(None)
        is sent as C(State!=Stopped), OR-ed with the other results given.
    type: list
    elements: str
    choices: [Success, Warning, Failed, None]
  created_after:
    description:
      - Only sessions created at or after this time.
      - An ISO-8601 date-time (V(2026-11-21T22:00:00Z); without a zone it is UTC),
        or an age counted back from now such as V(90m), V(24h), V(7d) or V(2w).
    type: str
  created_before:
    description:
      - Only sessions created before this time; same forms as O(created_after).
    type: str
  latest_per_job:
    description:
      - Only the newest matching session of each job.
      - EM stops being read as soon as every requested job has its newest session.
    type: bool
    default: false
  limit:
    description:
      - At most this many sessions, newest first.
    type: int
  include_task_sessions:
    description:
      - Add a C(task_sessions) list to each session, fetched in batches through the query service.
    type: bool
    default: false
notes:
  - Filtering, sorting (newest first) and paging happen on EM through its query service
    (C(/api/query?type=BackupJobSession)); every page is read, up to 1,000 pages for one question
    (or the pages O(limit) can need), past which the task fails instead of reading on.
  - EM compares job names case-insensitively; its answer is then filtered to the exact names (and job ids) asked for,
    so the sessions of a job C(FINANCE) never count as those of C(finance).
  - A long list of jobs is split over several requests, each URL measured to stay under 7,500 bytes
    (EM's HTTP.sys refuses a request line plus headers over 16 KB); the answers are merged, de-duplicated and sorted
    newest first, and O(limit) and O(latest_per_job) apply to the merged list.
  - An answer that is not an EM query result (an empty body, C({}), no C(PagingInfo)) fails the task;
    it is never read as "no sessions".
  - A Portal User account is enough; a Restore Operator cannot read backup sessions.
"""
