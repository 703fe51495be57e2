# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``GET /api/query``: type, format, filter, sortAsc/sortDesc, pageSize/page.

A (type, filter, sort) result is computed once per data version and cached, so reading
all pages of a 12,000-session answer filters and sorts once.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from . import query_filter
from .entities.build import Builder
from .entities.node import Obj
from .errors import ACCESS_DENIED, ApiError
from .model import ACCESS_ADMIN, Job, Session, TaskSession
from .store import Store


@dataclass(frozen=True)
class PageInfo:
    page: int
    page_size: int
    pages_count: int
    start: int          # slice of the full result shown on this page
    stop: int


def paginate(total: int, page_size: int, page: int) -> PageInfo:
    """Pages count from 1; a page past the end is empty. No results -> PagesCount 0
    (EM's value for that case is not documented; an inference)."""
    if page_size < 1 or page < 1:
        raise ValueError("page_size and page must be positive")
    pages_count = (total + page_size - 1) // page_size
    start = min(total, (page - 1) * page_size)
    return PageInfo(page, page_size, pages_count, start, min(total, start + page_size))


@dataclass(frozen=True)
class QueryType:
    name: str
    entities_key: str
    items: Callable[[Store], Sequence[Any]]
    record: Callable[[Any], Dict[str, Any]]
    ref: Callable[[Builder, Any], Obj]
    entity: Callable[[Builder, Any, datetime], Obj]


QUERY_TYPES: Dict[str, QueryType] = {t.name.casefold(): t for t in (
    QueryType("BackupJobSession", "BackupJobSessions", lambda st: st.sessions, Session.record,
              Builder.session_ref, Builder.session_entity),
    QueryType("NasJob", "NASJobs", lambda st: st.nas_jobs(), Job.record,
              Builder.nas_job_ref, lambda b, job, now: b.nas_job_entity(job)),
    QueryType("BackupTaskSession", "BackupTaskSessions",
              lambda st: [t for s in st.sessions for t in s.task_sessions], TaskSession.record,
              Builder.task_session_ref, lambda b, task, now: b.task_session_entity(task)),
)}


#: Query types only a Portal Administrator may use (reference section 1.5); every other
#: type needs read access, which the /api/query route already checked.
ADMIN_QUERY_TYPES = frozenset(("nasjob", "nasobject", "job"))


def dotnet_url_encode(text: str) -> str:
    """Percent-encode the way EM echoes a filter in PagingInfo links (.NET style: lower-case
    hex, space as ``+``, ``-_.!*()`` and alphanumerics kept)."""
    safe = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!*()")
    out = []
    for char in text:
        if char in safe:
            out.append(char)
        elif char == " ":
            out.append("+")
        else:
            out.extend("%%%02x" % b for b in char.encode("utf-8"))
    return "".join(out)


def _positive_int(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name.casefold())
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ApiError(400, "Invalid %s value '%s': expected an integer greater than 0." % (name, raw))
    return value


def _sort_key(value: Any) -> Tuple[bool, Any]:
    return (value is not None, value)       # nulls first when ascending


def run_query(store: Store, builder: Builder, params: Mapping[str, str], page_size_default: int,
              now: datetime, page_size_max: Optional[int] = None,
              may: Callable[[str], bool] = lambda access: True) -> Obj:
    """``params``: query-string parameters with case-folded names (EM's are case-insensitive);
    ``may``: the caller's role check (403 for a type the role may not query)."""
    type_text = params.get("type")
    if not type_text:
        raise ApiError(400, "The query type is missing: add type=<QueryType>, e.g. type=BackupJobSession.")
    if type_text.strip().casefold() in ADMIN_QUERY_TYPES and not may(ACCESS_ADMIN):
        raise ApiError(403, ACCESS_DENIED)
    qtype = QUERY_TYPES.get(type_text.casefold())
    if qtype is None:
        raise ApiError(400, "Query type '%s' is not supported by this server (supported: %s)."
                       % (type_text, ", ".join(t.name for t in QUERY_TYPES.values())))
    format_text = params.get("format") or "References"
    if format_text.casefold() not in ("references", "entities"):
        raise ApiError(400, "Invalid format '%s': expected References or Entities." % format_text)
    as_entities = format_text.casefold() == "entities"

    schema = query_filter.SCHEMAS[qtype.name]
    sort: Optional[Tuple[str, bool]] = None
    sort_param = None
    for param, descending in (("sortAsc", False), ("sortDesc", True)):
        prop = params.get(param.casefold())
        if prop:
            name = query_filter.canonical_property(schema, prop.strip())
            if name is None:
                raise ApiError(400, "Cannot sort by '%s': %s has no such property (known: %s)."
                               % (prop, qtype.name, ", ".join(schema)))
            sort, sort_param = (name, descending), (param, prop)
            break

    filter_text = params.get("filter")
    predicate = None
    if filter_text is not None and filter_text.strip():
        try:
            predicate = query_filter.bind(query_filter.parse(filter_text), schema, prekeyed=True)
        except query_filter.FilterError as exc:
            raise ApiError(400, str(exc)) from None

    page_size = _positive_int(params, "pageSize", page_size_default)
    if page_size_max is not None:
        # No EM documents a maximum pageSize; a server that caps it reports the
        # size it used in PagingInfo, and clients must follow PagesCount.
        page_size = min(page_size, page_size_max)
    page = _positive_int(params, "page", 1)

    def compute() -> List[Any]:
        items = qtype.items(store)
        if predicate is not None:
            items = [it for it in items if predicate(qtype.record(it))]
        if sort is not None:
            prop, descending = sort
            items = sorted(items, key=lambda it: _sort_key(qtype.record(it)[prop]), reverse=descending)
        return list(items)

    matches = store.cached((qtype.name, filter_text if predicate else None, sort), compute)
    info = paginate(len(matches), page_size, page)
    chosen = matches[info.start:info.stop]

    def href(target_page: int) -> str:
        parts = ["type=%s" % dotnet_url_encode(type_text)]
        if params.get("format"):
            parts.append("format=%s" % dotnet_url_encode(format_text))
        if sort_param:
            parts.append("%s=%s" % (sort_param[0], dotnet_url_encode(sort_param[1])))
        parts.append("pageSize=%d" % page_size)
        parts.append("page=%d" % target_page)
        if predicate is not None:
            parts.append("filter=%s" % dotnet_url_encode(filter_text))
        return "%s/query?%s" % (builder.api, "&".join(parts))

    last = max(1, info.pages_count)
    links = [builder.link("First", href(1))]
    if page > 1:
        links.append(builder.link("Previous", href(min(page - 1, last))))
    if page < info.pages_count:
        links.append(builder.link("Next", href(page + 1)))
    links.append(builder.link("Last", href(last)))
    paging = builder.paging_info(info.page, info.page_size, info.pages_count, links)
    if as_entities:
        return builder.query_result(paging, entities_key=qtype.entities_key,
                                    entities=[qtype.entity(builder, it, now) for it in chosen])
    return builder.query_result(paging, refs=[qtype.ref(builder, it) for it in chosen])


#: PagesCount of the ``huge_pages_count`` fault.
HUGE_PAGES_COUNT = 1000000000


def without_paging(result: Obj) -> Obj:
    """The ``no_paging`` fault: the answer lacks the PagingInfo EM always sends."""
    result.props = [prop for prop in result.props if prop[0] != "PagingInfo"]
    return result


def with_huge_pages_count(result: Obj, builder: Builder) -> Obj:
    """The ``huge_pages_count`` fault: PagesCount 1e9, with Next/Last links to match, so a
    client that trusts the server would page (almost) forever."""
    paging = next(value for name, value, dummy in result.props if name == "PagingInfo")
    props = dict((name, value) for name, value, dummy in paging.props)
    first = next(link for link in props["Links"] if dict((n, v) for n, v, d in link.props)["Rel"] == "First")
    href = dict((n, v) for n, v, d in first.props)["Href"]
    page = props["PageNum"]

    def to_page(number: int) -> str:
        return re.sub(r"([?&]page=)1(?=&|$)", r"\g<1>%d" % number, href)

    links = [first, builder.link("Next", to_page(page + 1)), builder.link("Last", to_page(HUGE_PAGES_COUNT))]
    fresh = builder.paging_info(page, props["PageSize"], HUGE_PAGES_COUNT, links)
    result.props = [(name, fresh if name == "PagingInfo" else value, kind) for name, value, kind in result.props]
    return result
