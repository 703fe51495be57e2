# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleError, AnsibleFilterError

from ansible_collections.backupgate.veeam_em.tests.unit.plugins.filter.templating import render
from ansible_collections.backupgate.veeam_em.plugins.filter.nas_backup_gate_plan import (
    FilterModule as PlanFilters, nas_backup_gate_plan,
)
from ansible_collections.backupgate.veeam_em.plugins.filter.nas_backup_gate_verdict import (
    FilterModule as VerdictFilters, nas_backup_gate_verdict,
)
from ansible_collections.backupgate.veeam_em.plugins.filter.nas_backup_gate_fresh_jobs import (
    FilterModule as FreshFilters, nas_backup_gate_fresh_jobs,
)

NOW = "2026-11-22T06:00:00Z"
HOSTVARS = {
    "fs01": {"_nas_backup_gate_settings": {"veeam_nas_jobs": ["Archived Projects", "Finance Share"],
                                           "nas_backup_gate_max_age": "24h"}},
    "fs02": {"_nas_backup_gate_settings": {"nas_backup_gate_jobs": ["Finance Share"], "nas_backup_gate_max_age": "2d",
                                           "nas_backup_gate_lookback": "1d"}},
}
SESSIONS = [
    {"id": "a1", "job_name": "Archived Projects", "state": "Stopped", "result": "Failed",
     "creation_time": "2026-11-21T22:00:03Z", "failure_message": "Access is denied"},
    {"id": "f1", "job_name": "Finance Share", "state": "Stopped", "result": "Success",
     "creation_time": "2026-11-20T22:00:00Z", "failure_message": None},
]


def test_the_files_register_their_filters():
    assert PlanFilters().filters() == {"nas_backup_gate_plan": nas_backup_gate_plan}
    assert VerdictFilters().filters() == {"nas_backup_gate_verdict": nas_backup_gate_verdict}
    assert FreshFilters().filters() == {"nas_backup_gate_fresh_jobs": nas_backup_gate_fresh_jobs}


def test_plan_then_verdict_through_jinja():
    plan = render("{{ hosts | backupgate.veeam_em.nas_backup_gate_plan(hostvars, now=now, scope='r1', "
                  "fresh={'mode': 'when_needed'}) }}", hosts=["fs01", "fs02"], hostvars=HOSTVARS, now=NOW)
    assert plan["job_names"] == ["Archived Projects", "Finance Share"]
    assert plan["window"] == "7d" and plan["created_after"] == "2026-11-15T06:00:00Z" and plan["query"] is True
    answer = dict(plan, sessions=SESSIONS, unknown_jobs=[])
    fs01 = render("{{ answer | backupgate.veeam_em.nas_backup_gate_verdict(jobs=jobs) }}",
                  answer=answer, jobs=plan["by_host"]["fs01"]["jobs"])
    assert fs01["passed"] is False
    assert fs01["jobs"][0]["reason"] == ("Archived Projects: newest finished session failed at "
                                         "2026-11-21T22:00:03Z: Access is denied")
    assert fs01["jobs"][1]["reason"] == ("Finance Share: no finished session in the last 24h "
                                         "(newest finished: 2026-11-20T22:00:00Z, 1d 8h ago)")
    fs02 = render("{{ answer | backupgate.veeam_em.nas_backup_gate_verdict(jobs=['Finance Share'], max_age='2d') }}",
                  answer=answer)
    assert fs02["passed"] is True
    assert render("{{ answer | backupgate.veeam_em.nas_backup_gate_fresh_jobs }}", answer=answer) == [
        "Archived Projects", "Finance Share"]


def test_bad_settings_become_filter_errors_with_one_sentence():
    with pytest.raises(AnsibleFilterError) as caught:
        nas_backup_gate_plan(["fs01"], HOSTVARS, fresh={"mode": "soon"})
    assert caught.value.message == ("Option nas_backup_gate_fresh_backup got 'soon': "
                                    "expected one of never, when_needed, always")
    bad = {"fs01": {"_nas_backup_gate_settings": {"veeam_nas_jobs": ["A"], "nas_backup_gate_max_age": "soon"}}}
    assert nas_backup_gate_plan(["fs01"], bad)["errors"] == {
        "fs01": "Option nas_backup_gate_max_age got 'soon': expected an age such as 90m, 24h, 7d or 2w"}
    with pytest.raises(AnsibleFilterError) as caught:
        nas_backup_gate_verdict({"sessions": []}, ["A"], accept_results=["Great"])
    assert caught.value.message.startswith("Option nas_backup_gate_accept_results got 'Great'")


def test_an_answer_that_does_not_cover_the_host_is_an_error_not_a_verdict():
    answer = {"job_names": ["A"], "window": "7d", "window_seconds": 604800, "checked_at": NOW,
              "sessions": [], "unknown_jobs": []}
    with pytest.raises(AnsibleFilterError) as caught:
        nas_backup_gate_verdict(answer, ["A", "B"])
    assert caught.value.message == ("Cannot judge the NAS backups of this host: "
                                    "the answer from EM was not asked for these jobs: B.")


def test_filter_errors_reach_the_template_user():
    with pytest.raises(AnsibleError, match="Option nas_backup_gate_fresh_backup_timeout got '0d'"):
        render("{{ ['fs01'] | backupgate.veeam_em.nas_backup_gate_plan(hostvars, fresh={'timeout': '0d'}) }}",
               hostvars=HOSTVARS)
    with pytest.raises(AnsibleError, match="the answer is not the gate's"):
        render("{{ {'fresh_mode': 'when_needed'} | backupgate.veeam_em.nas_backup_gate_fresh_jobs }}")
