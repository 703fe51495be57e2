# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils.common.parameters import PASS_VARS

from ansible_collections.backupgate.veeam_em.plugins.modules import veeam_nas_session_info


@pytest.mark.parametrize("url", ["https://someone:hunter2@em.example.com:9398", "https://hunter2@em.example.com:9398"])
def test_user_information_in_url_never_reaches_the_result_even_at_vvv(run_module, requests_mock, url):
    args = dict(url=url, username="svc", password="pw", _ansible_verbosity=3)
    if "inject_invocation" in PASS_VARS:  # from ansible-core 2.21 the controller asks for the invocation
        args["_ansible_inject_invocation"] = True
    result = run_module(veeam_nas_session_info.main, args)[0]
    assert result["failed"] and result["msg"].startswith("Option url got 'https://********@em.example.com:9398'")
    assert "invocation" in result and "hunter2" not in repr(result)
    assert requests_mock.call_count == 0
