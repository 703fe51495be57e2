# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The query filter grammar (tests/em_simulator/query_filter.py), loaded by file path the
way the collection's own tests can load it."""

import importlib.util
from datetime import datetime, timezone
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "em_simulator" / "query_filter.py"
_SPEC = importlib.util.spec_from_file_location("emsim_query_filter_standalone", _PATH)
qf = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(qf)

HOSTILE = 'Q1 "Finance"; Share,=1 ü'
UTC = timezone.utc


def quote(value):
    return '"%s"' % value.replace('"', '""')


def session(**overrides):
    record = {
        "UID": "urn:veeam:BackupJobSession:821cc74e-9447-40b6-a2df-90aa47101233",
        "Name": "Archived Projects@2025-08-15 06:00:00",
        "JobType": "NasBackup", "JobUid": "urn:veeam:Job:70073b98-098b-4046-a097-43cbda67d58a",
        "JobName": "Archived Projects", "CreationTime": datetime(2025, 8, 15, 6, 0, 0, tzinfo=UTC),
        "EndTime": datetime(2025, 8, 15, 6, 35, 0, tzinfo=UTC), "State": "Stopped", "Result": "Warning",
        "IsRetry": False, "BackupServerUid": "urn:veeam:BackupServer:7905ba33-78a5-4a34-9b3c-16bf216fdd68",
        "BackupServerName": "vbr01",
    }
    record.update(overrides)
    return record


def matches(expr, **overrides):
    return qf.evaluate(qf.parse(expr), session(**overrides))


class TestOperators:
    @pytest.mark.parametrize("expr, expected", [
        ("Result==Warning", True), ("Result!=Warning", False),
        ("Result<Failed", True), ("Result>Success", True), ("Result>Warning", False),
        ("Result<=Warning", True), ("Result>=Warning", True), ("Result>=Failed", False),
        ("Result<Success", False), ("Result>Failed", False),
    ])
    def test_enum_result_by_index(self, expr, expected):
        # Success < Warning < Failed < None: by position, not alphabetically (F < S < W).
        assert matches(expr) is expected

    @pytest.mark.parametrize("state, expr, expected", [
        ("Working", "State<Stopped", True), ("Working", "State>Stopping", True), ("Working", "State>Pausing", False),
        ("Starting", "State<=Starting", True), ("Resuming", "State>=Pausing", True), ("Stopped", "State!=Stopped", False),
    ])
    def test_enum_state_by_index(self, state, expr, expected):
        assert matches(expr, State=state) is expected

    def test_enum_orders_in_one_place(self):
        assert qf.STATE_ORDER == ("Starting", "Stopping", "Working", "Pausing", "Resuming", "Stopped")
        assert qf.RESULT_ORDER == ("Success", "Warning", "Failed", "None")

    @pytest.mark.parametrize("expr", ["Result==None", "Result!=none", "Result<None", "Result==Running"])
    def test_result_filter_takes_only_documented_values(self, expr):
        # EM documents Success, Warning, Failed only; a running session is found by State.
        with pytest.raises(qf.FilterValueError, match="expected one of: Success, Warning, Failed$"):
            matches(expr)

    def test_running_session_result_still_orders_last(self):
        assert matches("Result>Failed", Result="None") is True
        assert matches("Result==Failed", Result="None") is False

    def test_unknown_enum_value_is_an_error(self):
        with pytest.raises(qf.FilterValueError, match="Bogus"):
            matches("Result==Bogus")

    @pytest.mark.parametrize("expr, expected", [
        ('JobName=="Archived Projects"', True), ('JobName=="archived projects"', True),
        ('JobName!="Archived Projects"', False), ('JobName<"B"', True), ('JobName>"B"', False),
        ('JobName<="Archived Projects"', True), ('JobName>="Archived Projects"', True),
    ])
    def test_strings(self, expr, expected):
        assert matches(expr) is expected

    def test_booleans(self):
        assert matches("IsRetry==false") and matches("IsRetry==FALSE") and not matches("IsRetry==true")
        assert matches("IsRetry==true", IsRetry=True)
        with pytest.raises(qf.FilterValueError):
            matches("IsRetry==maybe")


class TestPrecedence:
    def test_and_binds_tighter_than_or(self):
        # a,b;c == a,(b;c): true because a is true
        assert matches("JobType==NasBackup,Result==Failed;IsRetry==true")
        # (a,b);c is false because c is false
        assert not matches("(JobType==NasBackup,Result==Failed);IsRetry==true")
        tree = qf.parse("A==1,B==2;C==3")
        assert isinstance(tree, qf.Or) and isinstance(tree.terms[1], qf.And)

    def test_nested_parentheses_and_whitespace(self):
        expr = ' ( (Result == Failed , Result == Warning) ; ( JobType == NasBackup ) ) , Name == "x" '
        assert matches(expr)
        assert not matches(expr, JobType="Backup")

    def test_documented_example_grouping(self):
        expr = "(jobtype==replica;scheduleconfigured==false),(jobtype==backup;scheduleconfigured==true)"
        record = {"JobType": "Backup", "ScheduleConfigured": True}
        assert qf.evaluate(qf.parse(expr), record)
        assert not qf.evaluate(qf.parse(expr), dict(record, ScheduleConfigured=False))


class TestValues:
    def test_quoted_value_with_doubled_quotes_round_trips(self):
        expr = "JobName==%s" % quote(HOSTILE)
        tree = qf.parse(expr)
        assert tree.value == HOSTILE and tree.quoted
        assert qf.evaluate(tree, session(JobName=HOSTILE))
        assert not qf.evaluate(tree, session(JobName='Q1 "Finance"'))
        assert str(tree) == expr

    @pytest.mark.parametrize("name", [HOSTILE, '"', '""', "a;b", "a,b", "(x)", "a==b", " lead", "trail ", "", "ü€😀"])
    def test_any_name_survives_quoting(self, name):
        pred = qf.parse("JobType==NasBackup;(JobName==%s,JobName==%s)" % (quote(name), quote("other")))
        assert qf.evaluate(pred, session(JobName=name))
        assert not qf.evaluate(pred, session(JobName=name + "x"))

    def test_unquoted_value_spaces_are_ignored(self):
        assert matches("JobName==Archived Projects", JobName="ArchivedProjects")
        assert not matches("JobName==Archived Projects")

    def test_unquoted_value_stops_at_separators(self):
        tree = qf.parse("JobType==NasBackup;Result==Failed")
        assert [t.value for t in tree.terms] == ["NasBackup", "Failed"]

    def test_property_names_are_case_insensitive(self):
        assert matches("jobname==\"Archived Projects\";RESULT==warning;jobTYPE==nasbackup")


class TestDates:
    @pytest.mark.parametrize("expr, expected", [
        ('CreationTime>="2025-08-15T06:00:00Z"', True),
        ('CreationTime>"2025-08-15T06:00:00Z"', False),
        ("CreationTime>=2025-08-15T06:00:00", True),                 # unquoted, no Z
        ('CreationTime>"2025-08-15"', True),                         # date only = midnight UTC
        ('CreationTime<"2025-08-16"', True),
        ('CreationTime=="2025-08-15T06:00:00.0000000Z"', True),      # 7 fractional digits
        ('CreationTime<"2025-08-15T06:00:00.001Z"', True),
        ('CreationTime=="2025-08-15T06:00:00+00:00"', True),
    ])
    def test_utc_forms(self, expr, expected):
        assert matches(expr) is expected

    def test_entity_strings_and_utc_suffix(self):
        record = {"CreationTimeUTC": "2025-08-15T06:00:00.607Z", "Result": "Success"}
        assert qf.evaluate(qf.parse('CreationTime>"2025-08-15T06:00:00Z";Result==Success'), record)

    def test_non_utc_offset_refused(self):
        with pytest.raises(qf.FilterValueError, match="UTC"):
            matches('CreationTime>"2025-08-15T06:00:00+02:00"')

    def test_bad_date(self):
        with pytest.raises(qf.FilterValueError, match="EndTime"):
            matches('EndTime>"yesterday"')

    def test_null_end_time_only_satisfies_not_equal(self):
        assert not matches('EndTime>"2000-01-01"', EndTime=None)
        assert not matches('EndTime<"2100-01-01"', EndTime=None)
        assert matches('EndTime!="2000-01-01"', EndTime=None)


class TestErrors:
    @pytest.mark.parametrize("expr, fragment", [
        ("", "empty"),
        ("JobType", "comparison operator"),
        ("JobType=NasBackup", "'=' is not an operator"),
        ("JobType==", "missing value"),
        ('JobName=="unterminated', "not closed"),
        ("(JobType==NasBackup", "is not closed"),
        ("JobType==NasBackup)", "')' without a matching '('"),
        ("JobType==NasBackup;", "expected a property name"),
        (",JobType==NasBackup", "expected a property name"),
        ('JobName=="a"b', "expected ';', ','"),
        ('JobName==a"b"', "inside an unquoted value"),
        ("==x", "expected a property name"),
    ])
    def test_syntax_errors_name_the_problem(self, expr, fragment):
        with pytest.raises(qf.FilterSyntaxError) as info:
            qf.parse(expr)
        assert fragment in str(info.value)
        assert "position" in str(info.value)

    def test_unknown_property(self):
        with pytest.raises(qf.FilterValueError, match="Progress"):
            qf.bind(qf.parse("Progress>10"), "BackupJobSession")


def test_bind_prekeyed_matches_evaluate():
    pred = qf.parse('JobType==NasBackup;Result>Success;CreationTime>="2025-08-15"')
    record = session()
    keyed = qf.record_keys("BackupJobSession", record)
    assert qf.bind(pred, "BackupJobSession", prekeyed=True)(keyed) is qf.evaluate(pred, record) is True
