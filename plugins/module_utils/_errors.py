# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Error types shared by the modules and the lookup.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

The client never calls fail_json or raises Ansible errors itself: it raises
these, and each plugin turns them into its own kind of failure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class EmError(Exception):
    """A failure talking to Enterprise Manager.

    ``msg`` is one sentence for a person; ``status``, ``url`` and ``body``
    (EM's own message, never a secret) are there for playbooks to inspect.
    """

    def __init__(self, msg, status=None, url=None, body=None):
        super(EmError, self).__init__(msg)
        self.msg = msg
        self.status = status
        self.url = url
        self.body = body

    def details(self):
        """The keys a module adds to its failure result, besides ``msg``."""
        return dict(status=self.status, url=self.url, body=self.body)


class EmOptionError(EmError):
    """An option value the collection refuses before sending any request."""

    def __init__(self, option, value, expected):
        msg = "Option %s got %r: %s" % (option, value, expected)
        super(EmOptionError, self).__init__(msg)
        self.option = option
        self.value = value

    def details(self):
        return dict(option=self.option)
