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

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import job_filter, quote_value
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import (
    as_bool, find_link, format_timestamp, parse_timestamp, strip_urn,
)

# EM's default page is 100; larger pages mean fewer round trips for long histories.
PAGE_SIZE = 500
# Pages read past EM's page count while the last one came back full (see query_entities).
_EXTRA_PAGES = 3
# EM's HTTP.sys refuses a request line plus headers over 16 KB (reference 1.6): every
# request URL is measured against this budget, which keeps it under 8 KB with room to spare.
URL_BUDGET = 7500
# The most pages one question may take when nothing it asks bounds them: 1,000 pages of
# 500 sessions, far more history than an EM keeps for its file share jobs.
MAX_PAGES = 1000
# Sessions per page when asking whether a job has any session at all.
_PROBE_PAGE_SIZE = 100
NAS_JOB_TYPE = "NasBackup"


# -- normalising ---------------------------------------------------------------

def _times(entity):
    created = parse_timestamp(entity.get("creationtimeutc"))
    ended = parse_timestamp(entity.get("endtimeutc"))
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
        is_retry=as_bool(entity.get("isretry")),
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

_ENTITY_LISTS = {"BackupJobSession": "backupjobsessions", "BackupTaskSession": "backuptasksessions"}
_FORBIDDEN = ("EM refused this account access to backup sessions (403 to GET %s%s): reading sessions needs "
              "the Portal User or Portal Administrator role, which a Restore Operator does not have.")


def _denied(exc, path):
    """A 403 on a session read as one sentence about the account's role, else ``exc`` itself."""
    if exc.status != 403:
        return exc
    return EmError(_FORBIDDEN % (path, ": %s" % exc.body if exc.body else ""),
                   status=403, url=exc.url, body=exc.body)


def _query_params(query_type, expression, sort_desc, page_size, page_number):
    params = [("type", query_type), ("format", "Entities")]
    if sort_desc:
        params.append(("sortDesc", sort_desc))
    return params + [("pageSize", str(page_size)), ("page", str(page_number)), ("filter", expression)]


def _not_a_query_result(client, where, what):
    return EmError("EM answered GET %s with %s, not a QueryResult with PagingInfo: refusing to read it as "
                   "\"no sessions\"." % (where, what), status=200, url=client.url_for("query"))


def _query_page(client, query_type, expression, sort_desc, page_size, page_number):
    """One page of the query service: ``(entities, pages_count, page_size)``.

    Anything but an EM QueryResult is an error: an empty or foreign 200 (a proxy, a
    load balancer) must never read as "no sessions".
    """
    where = "/api/query?type=%s (page %d)" % (query_type, page_number)
    try:
        page = client.get("query", params=_query_params(query_type, expression, sort_desc, page_size, page_number))
    except EmError as exc:
        raise _denied(exc, "/api/query?type=%s" % query_type) from None
    if not isinstance(page, dict):
        raise _not_a_query_result(client, where, "an empty body" if page is None else "a JSON %s" % type(page).__name__)
    paging = page.get("paginginfo")
    count = paging.get("pagescount") if isinstance(paging, dict) else None
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise _not_a_query_result(client, where, "a body without a page count")
    entities = page.get("entities")
    inner = entities.get(_ENTITY_LISTS[query_type]) if isinstance(entities, dict) else None
    if isinstance(inner, dict):
        inner = inner.get(_ENTITY_LISTS[query_type])  # EM nests the list twice
    if inner is None and count and page_number <= count:
        raise _not_a_query_result(client, where, "a page of %d without its entity list" % count)
    if inner is not None and not isinstance(inner, list):
        raise _not_a_query_result(client, where, "an entity list that is not a list")
    size = paging.get("pagesize")
    return inner or [], count, size if isinstance(size, int) and size > 0 else page_size


def query_entities(client, query_type, expression, sort_desc=None, page_size=PAGE_SIZE,
                   max_pages=MAX_PAGES, bounded=False):
    """Yield every entity EM's query service returns, page by page, until the last page.

    At most ``max_pages`` pages are read. Unless the caller stops early by itself
    (``bounded``: a limit), a page count over ``max_pages`` is refused at once.
    """
    page_number = 1
    pages_count = None
    while True:
        if page_number > max_pages:
            raise EmError("EM kept sending pages for GET /api/query?type=%s past the %d this question can need: "
                          "refusing to read on." % (query_type, max_pages), url=client.url_for("query"))
        entities, count, size = _query_page(client, query_type, expression, sort_desc, page_size, page_number)
        if pages_count is None:
            # Counted once: sessions that arrive while we page must not make us loop for ever.
            pages_count = count
            if count > max_pages and not bounded:
                raise EmError("EM has %d pages of %d for GET /api/query?type=%s, more than the %d pages this "
                              "collection reads for one question: narrow it with job_name, created_after or limit."
                              % (count, size, query_type, max_pages), url=client.url_for("query"))
        yield from entities
        page_number += 1
        # A session that starts while we read pushes every later one down a place, so a
        # full last page may have pushed one onto a page EM did not count: read on a little.
        full = len(entities) >= size
        if page_number > pages_count and not (full and page_number <= pages_count + _EXTRA_PAGES):
            return


def _longest_fit(items, fits):
    """The length of the longest prefix of ``items`` that ``fits`` (monotone), by bisection."""
    low, high = 0, len(items)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(items[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def _split_to_budget(client, items, params_of, option, budget=URL_BUDGET):
    """``items`` in runs whose request URL (``params_of(run)``), measured, fits ``budget``."""
    def fits(run):
        return len(client.url_for("query", params_of(run))) <= budget

    runs, rest = [], list(items)
    while rest:
        size = _longest_fit(rest, fits)
        if size == 0:
            raise EmOptionError(option, rest[0], "too long for one request to EM (over %d bytes of URL)" % budget)
        runs.append(rest[:size])
        rest = rest[size:]
    return runs


def _job_runs(client, query, page_size):
    """``[(job_names, job_ids)]``: the query's job lists split so that every request URL fits.

    Names and ids are ANDed, so with both the runs are their cross product; the ids
    (fixed-length GUIDs) then get half the budget.
    """
    def params_of(names, ids):
        return _query_params("BackupJobSession", query.filter_expression(names, ids), "CreationTime",
                             page_size, MAX_PAGES)

    id_runs = [[]]
    if query.job_ids:
        id_runs = _split_to_budget(client, query.job_ids, lambda run: params_of([], run), "job_id",
                                   URL_BUDGET // 2 if query.job_names else URL_BUDGET)
    name_runs = [[]]
    if query.job_names:
        name_runs = _split_to_budget(client, query.job_names, lambda run: params_of(run, id_runs[0]), "job_name")
    return [(names, ids) for names in name_runs for ids in id_runs]


def _page_cap(query, page_size):
    """Pages a question can need: with a limit and nothing filtered out here, the pages
    that hold it (plus the pages reading past a shift may take); otherwise MAX_PAGES."""
    if query.limit and not query.latest_per_job and not query.names_jobs():
        return -(-query.limit // page_size) + _EXTRA_PAGES
    return MAX_PAGES


def _sessions_of_run(client, query, names, ids, page_size):
    """The sessions of one request of a (split) query, filtered to the exact names and ids.

    EM compares strings case-insensitively: ``JobName=="finance"`` also returns the
    sessions of a job ``FINANCE``, which must never count as the named job's.
    """
    wanted_names, wanted_ids = set(names), set(ids)
    found, uids, jobs, seen_names, seen_ids = [], set(), set(), set(), set()
    entities = query_entities(client, "BackupJobSession", query.filter_expression(names, ids), "CreationTime",
                              page_size, _page_cap(query, page_size), bounded=bool(query.limit))
    for entity in entities:
        session = normalise_session(entity)
        if (names and session["job_name"] not in wanted_names) or (ids and session["job_id"] not in wanted_ids):
            continue
        if session["uid"] in uids:
            continue  # pages shift when a new session starts while we read
        uids.add(session["uid"])
        job = session["job_id"] or session["job_name"]
        if query.latest_per_job and job in jobs:
            continue
        jobs.add(job)
        seen_names.add(session["job_name"])
        seen_ids.add(session["job_id"])
        found.append(session)
        if query.limit and len(found) >= query.limit:
            break
        if query.latest_per_job and (names or ids) and wanted_names <= seen_names and wanted_ids <= seen_ids:
            break  # every requested job has its newest session: no need to read further pages
    return found


# -- what the plugins call ----------------------------------------------------------------

def find_sessions(client, query):
    """NAS sessions matching a SessionQuery, newest first.

    Returns ``(sessions, unknown_jobs)``: the second lists the requested job names
    or ids of which EM has no NAS session at all (see ``_jobs_without_sessions``).
    A long job list is split over several requests (URL_BUDGET); their answers are
    merged here, so ``limit`` and ``latest_per_job`` apply to the whole.
    """
    page_size = min(query.limit, PAGE_SIZE) if (query.limit and not query.latest_per_job) else PAGE_SIZE
    sessions, uids = [], set()
    for names, ids in _job_runs(client, query, page_size):
        for session in _sessions_of_run(client, query, names, ids, page_size):
            if session["uid"] not in uids:
                uids.add(session["uid"])
                sessions.append(session)
    # Stable: the order EM gave is kept between sessions created in the same second.
    sessions.sort(key=lambda session: session["creation_time"] or "", reverse=True)
    unknown = _jobs_without_sessions(client, query, sessions)
    if query.latest_per_job:
        sessions = latest_per_job(sessions)
    if query.limit:
        sessions = sessions[:query.limit]
    if query.include_task_sessions:
        attach_task_sessions(client, sessions)
    return sessions, unknown


def _jobs_without_sessions(client, query, sessions):
    """The requested names and ids of which EM has no NAS session at all.

    Without GET /api/nas/jobs, which a Portal User may not call, "no such job" and
    "a job that has never run" look the same; both differ from "no session in this
    window", which one more query per name run, without the other filters, tells.
    """
    names, ids = set(s["job_name"] for s in sessions), set(s["job_id"] for s in sessions)
    missing_names = [name for name in query.job_names if name not in names]
    missing_ids = [guid for guid in query.job_ids if guid not in ids]
    return (_never_seen(client, missing_names, "job_name", lambda run: job_filter(run, ()))
            + _never_seen(client, missing_ids, "job_id", lambda run: job_filter((), run)))


def _never_seen(client, items, key, expression_of):
    """The ``items`` (values of a session's ``key``) that no NAS session of EM has.

    Each round asks one page for the items not seen yet; a page that is not full holds
    every session left, so what it lacks has none. A full page that adds none of the
    items (sessions of jobs whose names differ only in case) ends the search: those
    items are not reported, as EM may well know them.
    """
    def params_of(run):
        return _query_params("BackupJobSession", expression_of(run), None, _PROBE_PAGE_SIZE, 1)

    never = []
    for run in (_split_to_budget(client, items, params_of, key) if items else []):
        unseen = list(run)
        while unseen:
            entities, count, size = _query_page(client, "BackupJobSession", expression_of(unseen), None,
                                                _PROBE_PAGE_SIZE, 1)
            found = set(normalise_session(entity)[key] for entity in entities)
            left = [item for item in unseen if item not in found]
            if count <= 1 or len(entities) < size:
                never.extend(left)
                break
            if len(left) == len(unseen):
                break
            unseen = left
    return never


def get_session(client, guid):
    """One NAS session by GUID; EmError naming the id when EM has none."""
    try:
        entity = client.get("backupSessions/%s" % guid, params=[("format", "Entity")])
    except EmError as exc:
        if exc.status == 404:
            raise EmError("EM knows no backup session with id %s." % guid, status=404, url=exc.url, body=exc.body)
        raise _denied(exc, "/api/backupSessions/%s" % guid) from None
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

    def expression_of(run):
        return ",".join("JobSessionUid==%s" % quote_value(by_uid[uid]["uid"]) for uid in run)

    def params_of(run):
        return _query_params("BackupTaskSession", expression_of(run), "CreationTime", PAGE_SIZE, MAX_PAGES)

    for run in _split_to_budget(client, list(by_uid), params_of, "session_id") if by_uid else []:
        for entity in query_entities(client, "BackupTaskSession", expression_of(run), "CreationTime"):
            owner = by_uid.get(str(entity.get("jobsessionuid") or "").lower())
            if owner is not None:
                owner["task_sessions"].append(normalise_task_session(entity))
    for session in sessions:
        # Oldest first, as EM's own session log reads.
        session["task_sessions"].sort(key=lambda task: (task["creation_time"] or "", task["name"] or ""))
