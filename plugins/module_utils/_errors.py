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


_MASK = "********"
# Options whose value is never echoed: Ansible's no_log masking only finds the
# exact string, so a quoted or escaped password would slip through.
_SECRET_WORDS = ("password", "secret", "token", "passphrase")
_URL_LIMIT = 200


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
        url = self.url
        if url and len(url) > _URL_LIMIT:
            url = url[:_URL_LIMIT - 3] + "..."
        return dict(status=self.status, url=url, body=self.body)


class EmOptionError(EmError):
    """An option value the collection refuses before sending any request.

    The value is echoed as written (strings in plain quotes, never ``repr``),
    and masked when the option could hold a secret.
    """

    def __init__(self, option, value, expected):
        shown = _MASK if is_secret_option(option) else plain(value)
        msg = "Option %s got %s: %s" % (option, shown, expected)
        super(EmOptionError, self).__init__(msg)
        self.option = option
        self.value = _MASK if is_secret_option(option) else value

    def details(self):
        return dict(option=self.option)


def is_secret_option(option):
    """True for an option whose value must never be shown."""
    name = str(option).lower()
    return any(word in name for word in _SECRET_WORDS)


def plain(value):
    """A value for a message as the user wrote it: no escaping, so no_log masking still matches."""
    if isinstance(value, str):
        return "'%s'" % value
    if isinstance(value, (list, tuple)):
        return "[%s]" % ", ".join(plain(item) for item in value)
    if isinstance(value, dict):
        return "{%s}" % ", ".join("%s: %s" % (plain(k), plain(v)) for k, v in value.items())
    return str(value)
