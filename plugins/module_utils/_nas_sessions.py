# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""NAS (file share) backup sessions: fetched through EM's query service and
normalised into the one schema every module, the lookup and the roles return.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import quote_value
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import (
    find_link, format_timestamp, parse_timestamp, strip_urn,
)

# EM's default page is 100; larger pages mean fewer round trips for long histories.
PAGE_SIZE = 500
# Pages read past EM's page count while the last one came back full (see query_entities).
_EXTRA_PAGES = 3
# Session UIDs per task-session query, to keep the URL of one request short.
_TASK_QUERY_CHUNK = 40
NAS_JOB_TYPE = "NasBackup"


# -- normalising ---------------------------------------------------------------

def _times(entity):
    created = parse_timestamp(entity.get("creationtimeutc") or entity.get("creationtime"))
    ended = parse_timestamp(entity.get("endtimeutc") or entity.get("endtime"))
    if created is not None and ended is not None and ended < created:
        ended = None  # a placeholder end time on a session that is still running
    duration = round((ended - created).total_seconds(), 3) if (created and ended) else None
    return dict(
        creation_time=format_timestamp(created) if created else None,
        end_time=format_timestamp(ended) if ended else None,
        duration_seconds=duration,
    )


def _text_or_none(value):
    return None if value is None or str(value) == "" else str(value)


def normalise_session(entity):
    """One BackupJobSession entity (lower-cased keys) -> the collection's session schema."""
    uid = entity.get("uid") or ""
    server = find_link(entity, "Up", "BackupServerReference")
    session = dict(
        id=strip_urn(uid).lower(),
        uid=uid,
        name=entity.get("name"),
        job_id=(strip_urn(entity.get("jobuid")) or "").lower() or None,
        job_name=entity.get("jobname"),
        job_type=entity.get("jobtype"),
        state=entity.get("state"),
        result=_text_or_none(entity.get("result")) or "None",
        progress=int(entity.get("progress") or 0),
        is_retry=_as_bool(entity.get("isretry")),
        failure_message=_text_or_none(entity.get("failuremessage")),
        backup_server=server.get("name") if server else None,
        href=entity.get("href"),
    )
    session.update(_times(entity))
    return session


def normalise_task_session(entity):
    """One BackupTaskSession entity -> a task session dict (inside ``task_sessions``)."""
    task = dict(
        id=strip_urn(entity.get("uid")),
        name=entity.get("name"),
        object_name=entity.get("vmdisplayname") or entity.get("name"),
        state=entity.get("state"),
        result=_text_or_none(entity.get("result")) or "None",
        reason=_text_or_none(entity.get("reason")),
        total_size=int(entity.get("totalsize") or 0),
    )
    task.update(_times(entity))
    return task


def _as_bool(value):
    if isinstance(value, bool):
        return value
    return str(value).lower() == "true"


def latest_per_job(sessions):
    """The first (newest) session of each job, from a newest-first list."""
    seen = set()
    newest = []
    for session in sessions:
        key = session.get("job_id") or session.get("job_name")
        if key not in seen:
            seen.add(key)
            newest.append(session)
    return newest


# -- the query service ------------------------------------------------------------

def _entities_of(page):
    """The entity list of a QueryResult page, whatever it is called.

    EM nests it twice (``Entities.BackupJobSessions.BackupJobSessions[]``) and
    sends every other entity list of the schema as null.
    """
    entities = page.get("entities") if isinstance(page, dict) else None
    if not isinstance(entities, dict):
        return []
    for value in entities.values():
        if isinstance(value, dict):
            for inner in value.values():
                if isinstance(inner, list):
                    return inner
        elif isinstance(value, list) and value:
            return value
    return []


def query_entities(client, query_type, filter_expression, sort_desc=None, page_size=PAGE_SIZE):
    """Yield every entity EM's query service returns, page by page, until the last page."""
    page_number = 1
    pages_count = None
    while True:
        params = [("type", query_type), ("format", "Entities")]
        if sort_desc:
            params.append(("sortDesc", sort_desc))
        params += [("pageSize", str(page_size)), ("page", str(page_number)), ("filter", filter_expression)]
        page = client.get("query", params=params) or {}
        entities = _entities_of(page)
        yield from entities
        paging = page.get("paginginfo") or {}
        if pages_count is None:
            # Counted once: sessions that arrive while we page must not make us loop for ever.
            pages_count = int(paging.get("pagescount") or 1)
        page_number += 1
        # A session that starts while we read pushes every later one down a place, so a
        # full last page may have pushed one onto a page EM did not count: read on a little.
        full = len(entities) >= int(paging.get("pagesize") or page_size)
        if page_number > pages_count and not (full and page_number <= pages_count + _EXTRA_PAGES):
            return


# -- what the plugins call ----------------------------------------------------------------

def find_sessions(client, query):
    """NAS sessions matching a SessionQuery, newest first.

    Returns ``(sessions, unknown_jobs)``: the second lists the requested job
    names or ids for which EM knows no NAS job at all.
    """
    page_size = min(query.limit, PAGE_SIZE) if (query.limit and not query.latest_per_job) else PAGE_SIZE
    wanted = set(query.job_ids) | set(query.job_names) if query.latest_per_job else None
    sessions = []
    seen_uids = set()
    seen_jobs = set()
    for entity in query_entities(client, "BackupJobSession", query.filter_expression(), "CreationTime", page_size):
        session = normalise_session(entity)
        if session["uid"] in seen_uids:
            continue  # pages shift when a new session starts while we read
        seen_uids.add(session["uid"])
        job_keys = (session["job_id"], session["job_name"])
        if query.latest_per_job and (job_keys[0] in seen_jobs or job_keys[1] in seen_jobs):
            continue
        seen_jobs.update(job_keys)
        sessions.append(session)
        if query.limit and len(sessions) >= query.limit:
            break
        if wanted and wanted <= seen_jobs:
            break  # every requested job has its newest session: no need to read further pages
    if query.include_task_sessions:
        attach_task_sessions(client, sessions)
    return sessions, _unknown_jobs(client, query, seen_jobs)


def _unknown_jobs(client, query, seen_jobs):
    missing_names = [n for n in query.job_names if n not in seen_jobs]
    missing_ids = [g for g in query.job_ids if g not in seen_jobs]
    if not (missing_names or missing_ids):
        return []
    # Only now is the job list worth a request: to tell "no session" from "no such job".
    jobs = list_nas_jobs(client)
    names = set(job["name"] for job in jobs)
    ids = set(job["id"] for job in jobs)
    return [n for n in missing_names if n not in names] + [g for g in missing_ids if g not in ids]


def list_nas_jobs(client):
    """Every file share backup job EM knows: ``[{id, uid, name}]``."""
    body = client.get("nas/jobs") or {}
    refs = body.get("refs")
    if isinstance(refs, dict):
        refs = refs.get("refs")
    return [dict(id=strip_urn(ref.get("uid")).lower(), uid=ref.get("uid"), name=ref.get("name"))
            for ref in refs or [] if isinstance(ref, dict)]


def get_session(client, guid):
    """One NAS session by GUID; EmError naming the id when EM has none."""
    try:
        entity = client.get("backupSessions/%s" % guid, params=[("format", "Entity")])
    except EmError as exc:
        if exc.status == 404:
            raise EmError("EM knows no backup session with id %s." % guid, status=404, url=exc.url, body=exc.body)
        raise
    session = normalise_session(entity or {})
    if session["job_type"] != NAS_JOB_TYPE:
        raise EmError("Session %s is a %s session, not a file share (NasBackup) backup session."
                      % (guid, session["job_type"]), url=client.url_for("backupSessions/%s" % guid))
    return session


def attach_task_sessions(client, sessions):
    """Add ``task_sessions`` to each session, with one query per chunk of sessions."""
    by_uid = {}
    for session in sessions:
        session["task_sessions"] = []
        by_uid[session["uid"].lower()] = session
    uids = list(by_uid)
    for start in range(0, len(uids), _TASK_QUERY_CHUNK):
        chunk = uids[start:start + _TASK_QUERY_CHUNK]
        expression = ",".join("JobSessionUid==%s" % quote_value(by_uid[uid]["uid"]) for uid in chunk)
        for entity in query_entities(client, "BackupTaskSession", expression, "CreationTime"):
            owner = by_uid.get(str(entity.get("jobsessionuid") or "").lower())
            if owner is not None:
                owner["task_sessions"].append(normalise_task_session(entity))
    for session in sessions:
        # Oldest first, as EM's own session log reads.
        session["task_sessions"].sort(key=lambda task: (task["creation_time"] or "", task["name"] or ""))
