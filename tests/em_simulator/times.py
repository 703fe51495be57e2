# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Durations, scenario times (relative to the simulator's start) and EM's time formats."""

import re
from datetime import date, datetime, timedelta, timezone
from typing import Union

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)", re.IGNORECASE)
_WHOLE = re.compile(r"^(?:\s*\d+(?:\.\d+)?\s*(?:ms|s|m|h|d|w)\s*)+$", re.IGNORECASE)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def parse_duration(value: Union[str, int, float]) -> float:
    """``35m``, ``1h30m``, ``90s``, ``2d``, ``500ms`` or a number of seconds -> seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 35m, got %r" % (value,))
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    if not _WHOLE.match(text):
        raise ValueError("expected a duration such as 90s, 35m, 1h30m, 2d or 1w, got %r" % (value,))
    return sum(float(n) * _UNITS[u.lower()] for n, u in _PART.findall(text))


def parse_when(value: Union[str, datetime, date], start: datetime) -> datetime:
    """A scenario time: ``-26h`` / ``+30s`` relative to ``start``, ``now``, or absolute ISO (naive = UTC)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    text = str(value).strip()
    if text.lower() == "now":
        return start
    if text[:1] in "+-" and len(text) > 1:
        seconds = parse_duration(text[1:])
        return start + timedelta(seconds=seconds if text[0] == "+" else -seconds)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError("expected a relative time such as -26h or an ISO date-time, got %r" % (value,)) from None
    return parse_when(parsed, start)


def format_utc(moment: datetime) -> str:
    """EM's timestamp style: ``2025-09-24T20:00:09.607Z`` (fraction trimmed, none when zero)."""
    moment = moment.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += "." + ("%06d" % moment.microsecond).rstrip("0")
    return text + "Z"


def format_name_time(moment: datetime) -> str:
    """The timestamp in a session Name: ``Job@2025-09-24 20:00:09``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
