# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.backupgate.veeam_em.plugins.modules import veeam_nas_session_info


@pytest.mark.parametrize("url", ["https://someone:hunter2@em.example.com:9398", "https://hunter2@em.example.com:9398"])
def test_user_information_in_url_never_reaches_the_result_even_at_vvv(capsys, requests_mock, url):
    args = dict(url=url, username="svc", password="pw", _ansible_verbosity=3)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            veeam_nas_session_info.main()
    out = capsys.readouterr().out
    result = json.loads(out)
    assert result["failed"] and result["msg"].startswith("Option url got 'https://********@em.example.com:9398'")
    assert "invocation" in result and "hunter2" not in out
    assert requests_mock.call_count == 0
