# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What an EM account may do: the server's API versions, the account EM logged on,
and read-only probes of the role (the logic behind ``veeam_em_info``).

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

EM has no "who am I, what may I do" call, so each capability is found by the
cheapest request that needs it: a query of one page of one item whose filter
matches nothing. EM checks the role before it looks at the filter, so a 403
means "not allowed" and any answer means "allowed".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from urllib.parse import urlsplit, urlunsplit

from ansible_collections.backupgate.veeam_em.plugins.module_utils._em_client import requests
from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import decode_json

LOGON_PATH = "/sessionmngr/"
_VERSION_NAME = re.compile(r"^v(\d+)_(\d+)$", re.IGNORECASE)
_VERSION_IN_HREF = re.compile(r"[?&]v=(v\d+_\d+)(?:&|$)", re.IGNORECASE)
_NIL_GUID = "00000000-0000-0000-0000-000000000000"

# Query types and the UID prefix that matches nothing in them. BackupJobSession is
# readable by Portal User and Portal Administrator; NasJob by Portal Administrator only
# (reference section 1.5), the same role EM asks for to start, stop or retry a job.
PROBES = (
    ("read_sessions", "BackupJobSession", "urn:veeam:BackupJobSession:"),
    ("read_jobs", "NasJob", "urn:veeam:NasJob:"),
)


class LogonRecorder:
    """A ``requests`` response hook that keeps EM's answer to the logon.

    The client reads the LogonSession body only for its logoff link; the account
    name EM logged on is in the same body (``UserName``), so we keep the response
    and read its (by then fully read) body after the logon.
    """

    def __init__(self):
        self.response = None

    def session(self):
        """A new ``requests`` session for the client, with the hook in place."""
        session = requests.Session()
        session.hooks["response"].append(self._keep)
        return session

    def _keep(self, response, *args, **kwargs):
        request = getattr(response, "request", None)
        if request is not None and request.method == "POST" and LOGON_PATH in str(request.url).lower():
            self.response = response
        return response

    def user_name(self):
        """``UserName`` of the last LogonSession EM sent, or None."""
        if self.response is None:
            return None
        try:
            body = decode_json(self.response.content)
        except ValueError:
            return None
        if isinstance(body, dict) and body.get("username"):
            return str(body["username"])
        return None


def offered_versions(root):
    """API version names of EM's ``GET /api/`` document, oldest first.

    Read from ``SupportedVersions`` (one list, or the list wrapped once more, as
    EM's JSON nests collections), else from the ``?v=`` of its logon links.
    """
    root = root if isinstance(root, dict) else {}
    block = root.get("supportedversions")
    if isinstance(block, dict):
        block = block.get("supportedversions")
    names = set()
    for item in block if isinstance(block, list) else []:
        name = str(item.get("name") or "") if isinstance(item, dict) else ""
        if _VERSION_NAME.match(name):
            names.add(name.lower())
    if not names:
        for href in _hrefs(root):
            match = _VERSION_IN_HREF.search(href)
            if match:
                names.add(match.group(1).lower())
    return sorted(names, key=lambda name: tuple(int(n) for n in _VERSION_NAME.match(name).groups()))


def _hrefs(data):
    """Every ``href`` anywhere in a decoded document."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "href" and isinstance(value, str):
                yield value
            else:
                yield from _hrefs(value)
    elif isinstance(data, list):
        for value in data:
            yield from _hrefs(value)


def negotiated_version(requested, offered):
    """The version a logon with ``?v=requested`` got: EM accepts a pinned version or
    refuses the logon, and ``latest`` means the newest version it offers."""
    if requested != "latest":
        return requested
    return offered[-1] if offered else None


def public_url(base_url):
    """The EM address without any user information (it may hold a password)."""
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def probe(client, query_type, uid_prefix):
    """True when the account may query ``query_type``, False when EM answers 403."""
    params = [("type", query_type), ("format", "References"), ("pageSize", "1"), ("page", "1"),
              ("filter", 'UID=="%s%s"' % (uid_prefix, _NIL_GUID))]
    try:
        client.get("query", params=params)
    except EmError as exc:
        if exc.status == 403:
            return False
        raise
    return True


def describe(client, recorder, requested_version):
    """Server, account and capabilities of a logged-on client; ``warnings`` for the module."""
    warnings = []
    versions = offered_versions(client.get(""))
    version = negotiated_version(requested_version, versions)
    if version is None:
        warnings.append("EM's GET /api/ listed no API version, so the version the logon negotiated is unknown.")
    user_name = recorder.user_name()
    if user_name is None:
        warnings.append("EM's logon answer did not name the account (no UserName in the LogonSession).")
    can = dict((name, probe(client, query_type, prefix)) for name, query_type, prefix in PROBES)
    # Starting, stopping and retrying jobs need the same role as reading them (Portal Administrator).
    can["control_jobs"] = can["read_jobs"]
    result = dict(
        server=dict(url=public_url(client.base_url), api_versions=versions, api_version=version,
                    api_version_requested=requested_version),
        account=dict(username=user_name),
        can=can,
    )
    return result, warnings
