# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from datetime import datetime, timezone

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import (
    decode_json, find_link, format_timestamp, parse_timestamp, strip_urn,
)


def test_decode_json_takes_a_byte_order_mark_and_lowers_every_key():
    raw = b"\xef\xbb\xbf" + b'{"PagingInfo": {"PagesCount": 3}, "Refs": [{"UID": "x", "Links": [{"Rel": "Up"}]}]}'
    assert decode_json(raw) == {"paginginfo": {"pagescount": 3}, "refs": [{"uid": "x", "links": [{"rel": "Up"}]}]}


def test_decode_json_reads_camel_case_to_the_same_keys():
    pascal = decode_json(b'{"CreationTimeUTC": 1, "UID": 2, "PagingInfo": 3}')
    camel = decode_json(b'{"creationTimeUTC": 1, "uid": 2, "pagingInfo": 3}')
    assert pascal == camel


def test_decode_json_of_an_empty_body_is_none():
    assert decode_json(b"") is None
    assert decode_json(b"\xef\xbb\xbf  ") is None


def test_decode_json_rejects_garbage():
    with pytest.raises(ValueError):
        decode_json(b'{"Refs": [')


@pytest.mark.parametrize("text, expected", [
    ("2019-07-01T04:00:16Z", datetime(2019, 7, 1, 4, 0, 16, tzinfo=timezone.utc)),
    ("2025-09-24T20:00:09.6Z", datetime(2025, 9, 24, 20, 0, 9, 600000, tzinfo=timezone.utc)),
    ("2025-09-24T20:00:09.607Z", datetime(2025, 9, 24, 20, 0, 9, 607000, tzinfo=timezone.utc)),
    ("2025-08-16T05:17:38.22142Z", datetime(2025, 8, 16, 5, 17, 38, 221420, tzinfo=timezone.utc)),
    ("2025-08-16T05:17:38.2214299Z", datetime(2025, 8, 16, 5, 17, 38, 221429, tzinfo=timezone.utc)),
    ("2025-08-16T05:17:38", datetime(2025, 8, 16, 5, 17, 38, tzinfo=timezone.utc)),
    ("2025-08-16T07:17:38+02:00", datetime(2025, 8, 16, 5, 17, 38, tzinfo=timezone.utc)),
    ("2025-08-16T00:17:38-0500", datetime(2025, 8, 16, 5, 17, 38, tzinfo=timezone.utc)),
])
def test_parse_timestamp_takes_zero_to_seven_fraction_digits_and_offsets(text, expected):
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", [None, "", "0001-01-01T00:00:00", "1900-01-01T00:00:00Z"])
def test_parse_timestamp_treats_null_and_placeholders_as_none(text):
    assert parse_timestamp(text) is None


def test_parse_timestamp_rejects_other_text():
    with pytest.raises(ValueError):
        parse_timestamp("yesterday")


def test_format_timestamp_is_fixed_width_utc():
    assert format_timestamp(datetime(2026, 11, 21, 22, 0, 3, 999999, tzinfo=timezone.utc)) == "2026-11-21T22:00:03Z"


def test_strip_urn():
    assert strip_urn("urn:veeam:BackupJobSession:821cc74e-9447-40b6-a2df-90aa47101233") == "821cc74e-9447-40b6-a2df-90aa47101233"
    assert strip_urn("821cc74e") == "821cc74e"
    assert strip_urn(None) is None


def test_find_link_matches_rel_and_type_in_any_case():
    entity = {"links": [{"rel": "Up", "type": "JobReference", "name": "job"},
                        {"rel": "up", "type": "BackupServerReference", "name": "vbr"}]}
    assert find_link(entity, "Up", "BackupServerReference")["name"] == "vbr"
    assert find_link(entity, "UP")["name"] == "job"
    assert find_link(entity, "Stop") is None
    assert find_link({"links": {"links": [{"rel": "Delete", "href": "h"}]}}, "delete")["href"] == "h"
