# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._session_query import (
    SessionQuery, job_guid, parse_age, parse_point_in_time, quote_value, session_guid,
)

NOW = datetime(2026, 11, 22, 6, 0, 0, tzinfo=timezone.utc)
GUID = "821cc74e-9447-40b6-a2df-90aa47101233"


def test_quote_value_doubles_inner_quotes():
    assert quote_value('Q1 "Finance"; Share,=1 ü') == '"Q1 ""Finance""; Share,=1 ü"'


@pytest.mark.parametrize("text, delta", [
    ("90m", timedelta(minutes=90)), ("24h", timedelta(hours=24)), ("7d", timedelta(days=7)),
    ("2w", timedelta(weeks=2)), ("30s", timedelta(seconds=30)), (" 24H ", timedelta(hours=24)),
])
def test_parse_age(text, delta):
    assert parse_age(text) == delta


def test_parse_point_in_time_relative_and_absolute():
    assert parse_point_in_time("created_after", "24h", NOW) == NOW - timedelta(hours=24)
    assert parse_point_in_time("created_after", "2026-11-21T22:00:00", NOW) == datetime(2026, 11, 21, 22, tzinfo=timezone.utc)
    assert parse_point_in_time("created_after", None, NOW) is None


@pytest.mark.parametrize("value", ["yesterday", "24 hours", "-7d", "2026-13-45",
                                   u"\uff11\uff12h", u"\uff12\uff10\uff12\uff16-11-21T22:00:00Z"])
def test_parse_point_in_time_names_the_option_and_value(value):
    with pytest.raises(EmOptionError) as caught:
        parse_point_in_time("created_before", value, NOW)
    assert "created_before" in caught.value.msg
    assert repr(value) in caught.value.msg


def test_session_guid_accepts_bare_and_urn_forms():
    assert session_guid(GUID) == GUID
    assert session_guid("urn:veeam:BackupJobSession:" + GUID.upper()) == GUID
    with pytest.raises(EmOptionError, match="session_id"):
        session_guid("not-a-guid")


def test_job_guid_accepts_job_and_nas_job_urns():
    assert job_guid("urn:veeam:Job:" + GUID) == GUID
    assert job_guid("urn:veeam:NasJob:" + GUID) == GUID
    with pytest.raises(EmOptionError, match="job_id"):
        job_guid("urn:veeam:BackupJobSession:" + GUID)


def test_filter_expression_has_every_part_in_em_syntax():
    query = SessionQuery(job_names=["A", 'B "x"'], job_ids=[GUID], state="stopped",
                         results=["Success", "Warning"], created_after="24h",
                         created_before="2026-11-22T05:00:00Z", now=NOW)
    assert query.filter_expression() == (
        'JobType==NasBackup;(JobName=="A",JobName=="B ""x""");JobUid=="urn:veeam:Job:%s";'
        'State==Stopped;(Result==Success,Result==Warning);'
        'CreationTime>="2026-11-21T06:00:00Z";CreationTime<"2026-11-22T05:00:00Z"' % GUID)


def test_filter_expression_for_running_sessions():
    assert SessionQuery(state="running").filter_expression() == "JobType==NasBackup;State!=Stopped"


@pytest.mark.parametrize("kwargs, option", [
    (dict(state="paused"), "state"),
    (dict(results=["Succeeded"]), "result"),
    (dict(limit=0), "limit"),
    (dict(job_names=[""]), "job_name"),
    (dict(job_ids=["nope"]), "job_id"),
    (dict(created_after="2026-11-22T00:00:00Z", created_before="2026-11-21T00:00:00Z"), "created_before"),
])
def test_bad_input_names_the_option(kwargs, option):
    with pytest.raises(EmOptionError) as caught:
        SessionQuery(now=NOW, **kwargs)
    assert caught.value.option == option
    assert caught.value.msg.startswith("Option %s got " % option)


def test_from_options_reads_a_getter():
    options = dict(job_name=["A"], job_id=None, state="running", result=None, created_after="2h",
                   created_before=None, latest_per_job=True, limit=5, include_task_sessions=True)
    query = SessionQuery.from_options(options.get, now=NOW)
    assert query.job_names == ["A"] and query.latest_per_job and query.limit == 5
    assert query.include_task_sessions
    assert SessionQuery.from_options(options.get, job_names=["B"], now=NOW).job_names == ["B"]


@pytest.mark.parametrize("option", ["created_after", "created_before"])
@pytest.mark.parametrize("value", ["99999999d", "9999999999999999999999w", "5300000h"])
def test_an_age_past_any_date_is_one_sentence_naming_the_option(option, value):
    with pytest.raises(EmOptionError) as caught:
        SessionQuery(now=NOW, **{option: value})
    assert caught.value.msg == "Option %s got %r: expected an age of at most 100 years" % (option, value)


def test_full_width_digits_are_not_an_age():
    assert parse_age(u"\uff11\uff12h") is None
    with pytest.raises(EmOptionError) as caught:
        SessionQuery(created_after=u"\uff11\uff12h", now=NOW)
    assert caught.value.msg.startswith("Option created_after got ")
    assert caught.value.msg.endswith("expected an ISO-8601 date-time such as 2026-11-21T22:00:00Z "
                                     "or an age such as 90m, 24h, 7d or 2w")


@pytest.mark.parametrize("results, expected", [
    (["None"], "State!=Stopped"),
    (["Failed", "None"], "(Result==Failed,State!=Stopped)"),
    (["Success", "Warning"], "(Result==Success,Result==Warning)"),
])
def test_result_none_is_sent_as_not_stopped(results, expected):
    # EM documents only Success, Warning and Failed for Result (never Result==None).
    assert SessionQuery(results=results).filter_expression() == "JobType==NasBackup;" + expected


def test_a_filter_for_part_of_the_job_lists():
    query = SessionQuery(job_names=["A", "B"], job_ids=[GUID], state="stopped")
    assert query.filter_expression(["B"], []) == 'JobType==NasBackup;JobName=="B";State==Stopped'
