# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Property-based tests (hypothesis) of what users and servers can throw at the collection.

(a) invalid option values of the info and stop modules fail cleanly, naming the option,
    before any request; (b) any job name, quoted into a filter and sent in a URL, is
    parsed back by the simulator's filter grammar as exactly that equality; (c) payload
    variations real EMs send normalise to the same session.

Profiles: ``default`` (50 examples per test, what ``make units`` runs) and ``long``
(2,000 examples, ``make test-properties`` sets HYPOTHESIS_PROFILE=long). No example
database is written, so a run leaves nothing behind.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os
import re
from functools import partial
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import API_VERSIONS, EmClient
from ansible_collections.backupgate.veeam_em.plugins.module_utils._nas_sessions import normalise_session
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import RESULTS, STATES, SessionQuery
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import decode_json
from ansible_collections.backupgate.veeam_em.plugins.modules import veeam_nas_session_info as info_module
from ansible_collections.backupgate.veeam_em.plugins.modules import veeam_nas_session_stop as stop_module

settings.register_profile("default", max_examples=50, deadline=None, database=None)
settings.register_profile("long", max_examples=2000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The simulator's filter grammar, loaded by file path (it is standalone, stdlib only).
_QF_PATH = Path(__file__).resolve().parents[3] / "em_simulator" / "query_filter.py"
_QF_SPEC = importlib.util.spec_from_file_location("emsim_query_filter_properties", str(_QF_PATH))
qf = importlib.util.module_from_spec(_QF_SPEC)
_QF_SPEC.loader.exec_module(qf)

GUID = "821cc74e-9447-40b6-a2df-90aa47101233"
CONNECTION = dict(url="https://em.example.com:9398", username="svc", password="s3cret-Pa55")
_ANY_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# Function-scoped fixtures (capsys, monkeypatch) are fine here: each example reads its own output.
_FIXTURES_OK = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


# -- (a) invalid option values ---------------------------------------------------------------

# ansible-core 2.21 logs a module's arguments to syslog before the module validates them and
# fails on a NUL or a lone surrogate with its own message; a module cannot word that one, so
# neither is generated here (no playbook can pass a lone surrogate anyway: not valid UTF-8).
_text = partial(st.text, alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",)))


def _no_digits(text):
    return text.strip() != "" and not any(ch.isdigit() for ch in text)


_not_a_guid = _text(min_size=1).filter(lambda t: t.strip() != "" and not _ANY_GUID.search(t))
# An age or a date-time needs digits; a malformed date has them in impossible places.
_not_a_time = st.one_of(_text(min_size=1).filter(_no_digits),
                        st.from_regex(r"\A20\d\d-(1[3-9]|[2-9]\d)-\d\dT\d\d:\d\d\Z"),
                        st.from_regex(r"\A\d+[abcefgijklnopqrtuvxyz]\Z"))   # not an age unit: s m h d w
_not_a_url = _text().filter(lambda t: not t.strip().lower().startswith(("http://", "https://")))

INFO_CASES = {
    "session_id": _not_a_guid,
    "job_id": st.lists(_not_a_guid, min_size=1, max_size=3),
    "state": _text().filter(lambda t: t not in STATES),
    "result": st.lists(_text().filter(lambda t: t not in RESULTS), min_size=1, max_size=3),
    "created_after": _not_a_time,
    "created_before": _not_a_time,
    "limit": st.integers(max_value=0),
    "url": _not_a_url,
    "timeout": st.integers(max_value=0),
    "retries": st.integers(max_value=-1),
    "api_version": _text().filter(lambda t: t not in API_VERSIONS),
}
STOP_CASES = {
    "session_id": _not_a_guid,
    "job_id": _not_a_guid,
    "wait_timeout": st.integers(max_value=0),
    "poll_interval": st.floats(max_value=0, allow_nan=False, allow_infinity=False),
    "url": _not_a_url,
    "timeout": st.integers(max_value=0),
}


@pytest.fixture
def sent(monkeypatch):
    """Every request the client would send; none may be sent for bad input."""
    calls = []

    def _record(self, method, url, **kwargs):
        calls.append((method, url))
        raise AssertionError("a request was sent: %s %s" % (method, url))
    monkeypatch.setattr(EmClient, "_send", _record)
    return calls


def _assert_clean_failure(result, option, sent):
    assert result.get("failed") is True, result
    message = result["msg"]
    assert option in message, message
    assert "Traceback" not in message and "exception" not in result, result
    assert "Unexpected" not in message, message
    assert CONNECTION["password"] not in json.dumps(result)
    assert sent == []


def _target(option):
    # The stop needs one target; give a valid one unless the target itself is under test.
    return {} if option in ("session_id", "job_id") else {"session_id": GUID}


@pytest.mark.parametrize("option", sorted(INFO_CASES))
def test_info_refuses_invalid_values_before_any_request(option, run_module, sent):
    @_FIXTURES_OK
    @given(value=INFO_CASES[option])
    def check(value):
        del sent[:]  # one fixture for every example
        args = dict(CONNECTION, **{option: value})
        result, code = run_module(info_module.main, args)
        assert code == 1
        _assert_clean_failure(result, option, sent)
    check()


@pytest.mark.parametrize("option", sorted(STOP_CASES))
def test_stop_refuses_invalid_values_before_any_request(option, run_module, sent):
    @_FIXTURES_OK
    @given(value=STOP_CASES[option])
    def check(value):
        del sent[:]
        args = dict(CONNECTION, **_target(option))
        args[option] = value
        result, code = run_module(stop_module.main, args)
        assert code == 1
        _assert_clean_failure(result, option, sent)
    check()


@given(after=st.integers(min_value=1, max_value=10 ** 6), gap=st.integers(min_value=0, max_value=10 ** 6))
def test_a_window_that_ends_before_it_starts_names_created_before(after, gap):
    # created_after is `after` minutes ago, created_before at least as long ago: empty window.
    with pytest.raises(Exception) as refused:
        SessionQuery(created_after="%dm" % after, created_before="%dm" % (after + gap))
    assert type(refused.value).__name__ == "EmOptionError"
    assert refused.value.option == "created_before"


# -- (b) job names cannot inject into a filter -----------------------------------------------

_hostile_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1)
_grammar_soup = st.text(alphabet='"\';,=!<>() \t\\%+&#JobNameResultState==Success', min_size=1)
_job_names = st.one_of(_hostile_text, _grammar_soup)


def _sent_filter(query):
    """The filter as the simulator receives it: built into the client's URL, then decoded."""
    client = EmClient(CONNECTION["url"], "svc", "pw")
    url = client.url_for("query", [("type", "BackupJobSession"), ("filter", query.filter_expression())])
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))["filter"]


def _job_name_terms(node):
    """The JobName comparisons of a parsed ``JobType==NasBackup;<names>`` filter."""
    assert isinstance(node, qf.And), node
    assert [str(t) for t in node.terms[:1]] == ["JobType==NasBackup"], node
    assert len(node.terms) == 2, node
    names = node.terms[1]
    return list(names.terms) if isinstance(names, qf.Or) else [names]


@given(names=st.lists(_job_names, min_size=1, max_size=4))
def test_any_job_name_is_parsed_back_as_exactly_that_equality(names):
    node = qf.parse(_sent_filter(SessionQuery(job_names=names)))
    terms = _job_name_terms(node)
    assert [(t.prop, t.op, t.value, t.quoted) for t in terms] == [("JobName", "==", n, True) for n in names]


@given(name=_job_names, other=_job_names)
def test_a_job_name_matches_only_its_own_sessions(name, other):
    node = qf.parse(_sent_filter(SessionQuery(job_names=[name])))
    record = {"JobType": "NasBackup", "JobName": name}
    assert qf.evaluate(node, record)
    # EM compares case-insensitively (the collection filters exact names afterwards).
    if other.casefold() != name.casefold():
        assert not qf.evaluate(node, dict(record, JobName=other))


# -- (c) payload variations normalise to the same session ------------------------------------

BASE = {
    "UID": "urn:veeam:BackupJobSession:%s" % GUID,
    "Name": "Archived Projects@2025-09-24 20:00:09",
    "JobUid": "urn:veeam:Job:70073B98-098B-4046-A097-43CBDA67D58A",
    "JobName": 'Q1 "Finance"; Share,=1 ü',
    "JobType": "NasBackup",
    "State": "Stopped",
    "Result": "Warning",
    "Progress": 100,
    "IsRetry": False,
    "Href": "https://em.example.com:9398/api/backupSessions/%s" % GUID,
    "Links": [{"Rel": "Up", "Type": "BackupServerReference", "Name": "vbr01.corp.example",
               "Href": "https://em.example.com:9398/api/backupServers/1"}],
}
# (whole seconds, significant fraction digits): 20:00:09.0 and 20:35:41.25
CREATED, ENDED = ("2025-09-24T20:00:09", ""), ("2025-09-24T20:35:41", "25")
OPTIONAL_NULLS = ("FailureMessage", "Description", "SessionInfo")


def _recase(key, how):
    if how == "camel":
        return key[:3].lower() + key[3:] if key.startswith("UID") else key[:1].lower() + key[1:]
    return {"pascal": key, "upper": key.upper(), "lower": key.lower()}[how]


def _stamp(parts, digits):
    """The same instant written with ``digits`` fraction digits (padding with zeros)."""
    whole, fraction = parts
    assert digits >= len(fraction)
    return whole + ("." + fraction.ljust(digits, "0") if digits else "") + "Z"


@st.composite
def _payloads(draw):
    casing = draw(st.sampled_from(("pascal", "camel", "upper", "lower")))
    entity = dict(BASE)
    # The end has a .25 fraction: fewer than 2 digits would be another instant.
    entity["CreationTimeUTC"] = _stamp(CREATED, draw(st.integers(min_value=0, max_value=7)))
    entity["EndTimeUTC"] = _stamp(ENDED, draw(st.integers(min_value=2, max_value=7)))
    for key in OPTIONAL_NULLS:
        choice = draw(st.sampled_from(("missing", "null", "empty")))
        if choice != "missing":
            entity[key] = None if choice == "null" else ""
    entity["IsRetry"] = draw(st.sampled_from((False, "false", "False")))
    recased = dict((_recase(k, casing), v) for k, v in entity.items())
    recased[_recase("Links", casing)] = [dict((_recase(k, casing), v) for k, v in link.items())
                                         for link in entity["Links"]]
    page = {_recase("Entities", casing): {
        _recase("BackupJobSessions", casing): {_recase("BackupJobSessions", casing): [recased]},
        _recase("Jobs", casing): None, _recase("BackupTaskSessions", casing): None}}
    raw = json.dumps(page, ensure_ascii=draw(st.booleans())).encode("utf-8")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + raw


EXPECTED = dict(
    id=GUID, uid=BASE["UID"], name=BASE["Name"], job_id="70073b98-098b-4046-a097-43cbda67d58a",
    job_name=BASE["JobName"], job_type="NasBackup", state="Stopped", result="Warning", progress=100,
    is_retry=False, failure_message=None, backup_server="vbr01.corp.example", href=BASE["Href"],
    creation_time="2025-09-24T20:00:09Z", end_time="2025-09-24T20:35:41Z", duration_seconds=2132.25,
)


def _entities_of(page):
    """The session list of a QueryResult page (EM nests it twice)."""
    inner = page["entities"]["backupjobsessions"]
    return inner["backupjobsessions"] if isinstance(inner, dict) else inner


@given(raw=_payloads())
def test_payload_variations_normalise_to_the_same_session(raw):
    entities = _entities_of(decode_json(raw))
    assert len(entities) == 1
    assert normalise_session(entities[0]) == EXPECTED
