# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which NAS backup sessions a user asks for, checked and turned into an EM query filter.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

Every filter option is validated here, before any request is sent, and the
result is the ``filter=`` expression of EM's query service, so that EM does
the filtering, sorting and paging.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from datetime import timedelta

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import (
    format_timestamp, parse_timestamp, utc_now,
)

STATES = ("any", "running", "stopped")
RESULTS = ("Success", "Warning", "Failed", "None")

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
# ASCII digits only: Python's \d (and int()) would take full-width and other script digits.
_AGE = re.compile(r"^\s*([0-9]+)\s*([smhdw])\s*$", re.IGNORECASE | re.ASCII)
# An age further back than this is a typo, not a history EM can hold (and past it dates overflow).
MAX_AGE = timedelta(days=36500)
_MAX_AGE_TEXT = "100 years"
_AGE_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_SESSION_URN = "urn:veeam:BackupJobSession:"
_JOB_URN_PREFIXES = ("urn:veeam:Job:", "urn:veeam:NasJob:")


def quote_value(value):
    """A value as an EM filter literal: double quotes, inner quotes doubled.

    Quoting is what makes ``;``, ``,``, ``=``, parentheses and spaces in a job
    name part of the value instead of the grammar.
    """
    return '"%s"' % str(value).replace('"', '""')


def parse_age(text, option="age"):
    """``90m`` / ``24h`` / ``7d`` / ``2w`` -> timedelta, or None if ``text`` is not an age.

    An age over MAX_AGE is an EmOptionError naming ``option``.
    """
    match = _AGE.match(str(text))
    if not match:
        return None
    unit = _AGE_UNITS[match.group(2).lower()]
    amount = int(match.group(1))
    # Compared in the unit given, before timedelta() can overflow on a huge number.
    if amount > MAX_AGE.total_seconds() / timedelta(**{unit: 1}).total_seconds():
        raise EmOptionError(option, text, "expected an age of at most %s" % _MAX_AGE_TEXT)
    return timedelta(**{unit: amount})


def parse_point_in_time(option, value, now=None):
    """An ISO-8601 date-time (naive means UTC) or an age -> aware UTC datetime."""
    if value is None or value == "":
        return None
    age = parse_age(value, option)
    if age is not None:
        return (now or utc_now()) - age
    try:
        # Only ASCII: the timestamp parser would read full-width digits as a date.
        parsed = parse_timestamp(value) if str(value).isascii() else None
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise EmOptionError(option, value,
                            "expected an ISO-8601 date-time such as 2026-11-21T22:00:00Z "
                            "or an age such as 90m, 24h, 7d or 2w")
    return parsed


def session_guid(value, option="session_id"):
    """A bare session GUID or ``urn:veeam:BackupJobSession:<guid>`` -> the GUID."""
    text = str(value or "").strip()
    if text.lower().startswith(_SESSION_URN.lower()):
        text = text[len(_SESSION_URN):]
    if not _GUID.match(text):
        raise EmOptionError(option, value, "expected a session GUID or urn:veeam:BackupJobSession:<guid>")
    return text.lower()


def job_guid(value, option="job_id"):
    """A bare job GUID, ``urn:veeam:Job:<guid>`` or ``urn:veeam:NasJob:<guid>`` -> the GUID."""
    text = str(value or "").strip()
    for prefix in _JOB_URN_PREFIXES:
        if text.lower().startswith(prefix.lower()):
            text = text[len(prefix):]
            break
    if not _GUID.match(text):
        raise EmOptionError(option, value, "expected a job GUID, urn:veeam:Job:<guid> or urn:veeam:NasJob:<guid>")
    return text.lower()


def _as_list(option, value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = [value]
    for item in items:
        if item is None or str(item) == "":
            raise EmOptionError(option, value, "expected non-empty values")
    return [str(item) for item in items]


def _any_of(prop, literals):
    terms = ["%s==%s" % (prop, literal) for literal in literals]
    return terms[0] if len(terms) == 1 else "(%s)" % ",".join(terms)


class SessionQuery:
    """A validated request for NAS backup sessions."""

    def __init__(self, job_names=None, job_ids=None, state="any", results=None,
                 created_after=None, created_before=None, latest_per_job=False,
                 limit=None, include_task_sessions=False, now=None):
        now = now or utc_now()
        self.job_names = _as_list("job_name", job_names)
        self.job_ids = [job_guid(v) for v in _as_list("job_id", job_ids)]
        if state is None:
            state = "any"
        if state not in STATES:
            raise EmOptionError("state", state, "expected one of %s" % ", ".join(STATES))
        self.state = state
        self.results = _as_list("result", results)
        for result in self.results:
            if result not in RESULTS:
                raise EmOptionError("result", result, "expected one of %s" % ", ".join(RESULTS))
        self.created_after = parse_point_in_time("created_after", created_after, now)
        self.created_before = parse_point_in_time("created_before", created_before, now)
        if self.created_after and self.created_before and self.created_after >= self.created_before:
            raise EmOptionError("created_before", created_before,
                                "must be later than created_after (%s)" % format_timestamp(self.created_after))
        if limit is not None and int(limit) < 1:
            raise EmOptionError("limit", limit, "expected 1 or more")
        self.limit = int(limit) if limit is not None else None
        self.latest_per_job = bool(latest_per_job)
        self.include_task_sessions = bool(include_task_sessions)

    @classmethod
    def from_options(cls, get, job_names=None, now=None):
        """Build from an option getter (``module.params.get`` or a lookup's ``get_option``)."""
        return cls(
            job_names=job_names if job_names is not None else get("job_name"),
            job_ids=get("job_id"),
            state=get("state"),
            results=get("result"),
            created_after=get("created_after"),
            created_before=get("created_before"),
            latest_per_job=get("latest_per_job"),
            limit=get("limit"),
            include_task_sessions=get("include_task_sessions"),
            now=now,
        )

    def filter_expression(self, job_names=None, job_ids=None):
        """The EM query-service filter: ``;`` is AND, ``,`` is OR.

        ``job_names`` / ``job_ids`` replace the query's own lists, for one of the
        several requests a long list is split over (see _nas_sessions).
        """
        parts = [job_filter(self.job_names if job_names is None else job_names,
                            self.job_ids if job_ids is None else job_ids)]
        if self.state == "running":
            parts.append("State!=Stopped")
        elif self.state == "stopped":
            parts.append("State==Stopped")
        if self.results:
            parts.append(_result_filter(self.results))
        if self.created_after:
            parts.append("CreationTime>=%s" % quote_value(format_timestamp(self.created_after)))
        if self.created_before:
            parts.append("CreationTime<%s" % quote_value(format_timestamp(self.created_before)))
        return ";".join(parts)

    def names_jobs(self):
        return bool(self.job_names or self.job_ids)


def job_filter(job_names=(), job_ids=()):
    """NAS sessions of any of these job names and (AND) any of these job ids."""
    parts = ["JobType==NasBackup"]
    if job_names:
        parts.append(_any_of("JobName", [quote_value(n) for n in job_names]))
    if job_ids:
        parts.append(_any_of("JobUid", [quote_value("urn:veeam:Job:" + g) for g in job_ids]))
    return ";".join(parts)


def _result_filter(results):
    """EM documents only Success, Warning and Failed for Result: ``None`` ("no result
    yet") is sent as what it means, a session that has not stopped."""
    terms = ["Result==%s" % result for result in results if result != "None"]
    if "None" in results:
        terms.append("State!=Stopped")
    return terms[0] if len(terms) == 1 else "(%s)" % ",".join(terms)
