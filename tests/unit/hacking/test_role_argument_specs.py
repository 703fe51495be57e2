# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The roles' veeam_em_* options are what hacking/role_argument_specs.py generates from the connection options."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _script():
    spec = importlib.util.spec_from_file_location("role_argument_specs", os.path.join(ROOT, "hacking", "role_argument_specs.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def test_every_role_block_is_up_to_date():
    stale = SCRIPT.stale_files(ROOT)
    assert not stale, ("The veeam_em_* options of %s are out of date with plugins/doc_fragments/_connection.py: "
                       "run python hacking/role_argument_specs.py and commit the result." % ", ".join(stale))


def test_generated_options_match_the_lookup_variables_and_hide_the_password():
    for path in SCRIPT.ROLE_SPECS:
        with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
            options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
        ours = dict((name, spec) for name, spec in options.items() if name.startswith("veeam_em_"))
        assert sorted(ours) == ["veeam_em_ca_path", "veeam_em_password", "veeam_em_timeout", "veeam_em_url",
                                "veeam_em_username", "veeam_em_validate_certs"], path
        assert ours["veeam_em_password"]["no_log"] is True
        assert ours["veeam_em_timeout"]["type"] == "int"
        assert ours["veeam_em_validate_certs"]["type"] == "bool"
        # References to sibling module options are rewritten to the role's variables.
        assert "O(veeam_em_validate_certs=true)" in ours["veeam_em_ca_path"]["description"][0]
        assert "E(VEEAM_EM_TIMEOUT), else V(30)." in ours["veeam_em_timeout"]["description"][-1]


def test_a_hand_edit_is_detected_and_repaired(tmp_path):
    block = SCRIPT.render_block(ROOT)
    stale = block.replace("type: int", "type: str")
    text = "argument_specs:\n  main:\n    options:\n      other:\n        type: str\n" + stale + "      after:\n        type: int\n"
    repaired = SCRIPT.updated(text, block)
    assert repaired != text
    assert repaired == text.replace(stale, block)
    assert SCRIPT.updated(repaired, block) == repaired
