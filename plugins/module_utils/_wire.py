# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How EM's JSON looks on the wire, and how we read it.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

EM v10-v12 answer PascalCase keys (``CreationTimeUTC``, ``PagingInfo``), EM v13
camelCase (``creationTimeUTC``, ``pagingInfo``, ``uid``), and some servers put a
UTF-8 byte-order mark before the JSON. We lower-case every key once at decode
time so that the rest of the code reads one spelling: ``creationtimeutc``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
from datetime import datetime, timedelta, timezone

_UTC = timezone.utc
_EPOCH_FLOOR = datetime(1971, 1, 1, tzinfo=_UTC)

# 2025-09-24T20:00:09.6071234Z : 0 to 7 fractional digits (.NET ticks), Z or an offset.
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)


def decode_json(raw):
    """Bytes from EM -> Python data with lower-cased keys; ValueError if not JSON."""
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.lstrip(u"\ufeff")
    if not text.strip():
        return None
    return lower_keys(json.loads(text))


def lower_keys(data):
    """Lower-case every dict key, recursively (PascalCase and camelCase alike)."""
    if isinstance(data, dict):
        return dict((str(k).lower(), lower_keys(v)) for k, v in data.items())
    if isinstance(data, list):
        return [lower_keys(v) for v in data]
    return data


def parse_timestamp(value):
    """An EM timestamp -> aware UTC datetime, or None for null, empty or placeholder values."""
    if value is None or value == "":
        return None
    match = _TIMESTAMP.match(str(value).strip())
    if not match:
        raise ValueError("not an ISO-8601 timestamp: %r" % (value,))
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0").ljust(7, "0")[:6])
    parsed = datetime(int(year), int(month), int(day), int(hour), int(minute),
                      int(second or 0), micro, tzinfo=_UTC)
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        parsed -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    # .NET servers write 0001-01-01 (or 1900-01-01) for "no end yet".
    if parsed < _EPOCH_FLOOR:
        return None
    return parsed


def format_timestamp(value):
    """Aware datetime -> ``YYYY-MM-DDTHH:MM:SSZ`` (fixed width, so strings sort as times)."""
    return value.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now():
    return datetime.now(_UTC)


def strip_urn(uid):
    """``urn:veeam:BackupJobSession:<guid>`` -> ``<guid>``; a bare value is returned as is."""
    if uid is None:
        return None
    return str(uid).rsplit(":", 1)[-1]


def find_link(entity, rel, link_type=None):
    """The first link of an entity with this Rel (and Type), or None."""
    links = entity.get("links") or []
    if isinstance(links, dict):  # some serialisers wrap the list once more
        links = links.get("links") or []
    for link in links:
        if not isinstance(link, dict):
            continue
        if str(link.get("rel", "")).lower() != rel.lower():
            continue
        if link_type is not None and str(link.get("type") or "").lower() != link_type.lower():
            continue
        return link
    return None


def as_bool(value):
    """EM sends booleans as JSON booleans or, from some versions, as the strings "True"/"False"."""
    if value is None or isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"
