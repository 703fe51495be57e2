# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import os

import pytest

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19 reads a module's arguments from basic._ANSIBLE_ARGS
    from unittest import mock

    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))):
            yield

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


@pytest.fixture
def fixture_json():
    """Load a canned EM payload from tests/unit/fixtures."""
    def _load(name):
        with open(os.path.join(FIXTURES, name), "rb") as handle:
            return json.loads(handle.read().decode("utf-8"))
    return _load


@pytest.fixture
def run_module(capsys):
    """Run a module's main() with these arguments; return (result dict, exit code)."""
    def _run(main, args, check_mode=False, diff=False):
        if check_mode:
            args = dict(args, _ansible_check_mode=True)
        if diff:
            args = dict(args, _ansible_diff=True)
        with patch_module_args(args):
            with pytest.raises(SystemExit) as exited:
                main()
        return json.loads(capsys.readouterr().out), exited.value.code
    return _run
