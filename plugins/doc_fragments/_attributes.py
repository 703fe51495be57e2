# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Attributes of the collection's modules."""

    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
"""

    INFO_MODULE = r"""
attributes:
  check_mode:
    support: full
    details: This module only reads from Enterprise Manager; it runs the same in check mode.
  diff_mode:
    support: N/A
    details: This module does not change anything.
"""

    ACTION_GROUP = r"""
attributes:
  action_group:
    description: Use C(group/backupgate.veeam_em.veeam_em) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - backupgate.veeam_em.veeam_em
"""
