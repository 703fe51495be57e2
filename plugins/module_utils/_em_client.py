# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one Enterprise Manager REST client of the collection.

FOR INTERNAL COLLECTION USE ONLY: this file may change without notice.

It takes plain values, knows nothing of AnsibleModule or LookupBase, and raises
only EmError. Use it as a context manager: entering logs on, leaving logs off,
on every path.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import re
import time
import traceback
import warnings

try:
    from urllib.parse import urlencode, urlsplit, urlunsplit, quote
    from http.cookiejar import DefaultCookiePolicy
except ImportError:  # pragma: no cover - Python 2 is not supported by the collection
    urlencode = urlsplit = urlunsplit = quote = DefaultCookiePolicy = None

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import decode_json, find_link

API_VERSIONS = ("latest", "v1_5", "v1_6", "v1_7")
TOKEN_HEADER = "X-RestSvcSessionId"
# Statuses after which an idempotent request is worth sending again.
RETRY_STATUSES = (502, 503, 504)
_MAX_BACKOFF = 8.0


def normalise_base_url(url):
    """Any accepted form of ``url`` -> ``https://host:port/api/``."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EmOptionError("url", url, "expected the EM address such as https://em.example.com:9398")
    path = parts.path.rstrip("/")
    if path.lower().endswith("/api"):
        path = path[:-4]
    return urlunsplit((parts.scheme, parts.netloc, path + "/api/", "", ""))


class EmClient:
    """A logon session with Enterprise Manager."""

    def __init__(self, url, username, password, validate_certs=True, ca_path=None,
                 timeout=30, api_version="latest", retries=3, session=None, sleep=time.sleep):
        self.base_url = normalise_base_url(url)
        if api_version not in API_VERSIONS:
            raise EmOptionError("api_version", api_version, "expected one of %s" % ", ".join(API_VERSIONS))
        if not username:
            raise EmOptionError("username", username, "a user name is required")
        if not password:
            raise EmOptionError("password", "********", "a password is required")
        if timeout is None or int(timeout) <= 0:
            raise EmOptionError("timeout", timeout, "expected a number of seconds greater than 0")
        if retries is None or int(retries) < 0:
            raise EmOptionError("retries", retries, "expected 0 or more")
        self.username = username
        self._password = password
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self.timeout = int(timeout)
        self.api_version = api_version
        self.retries = int(retries)
        self.warnings = []
        self._session = session
        self._sleep = sleep
        self._token = None
        self._logoff_url = None

    # -- context manager: logon on enter, logoff on every exit ----------------

    def __enter__(self):
        self.logon()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.logoff()
        return False

    def logon(self):
        if not HAS_REQUESTS:
            raise EmError("The Python library requests is required to talk to Enterprise Manager.")
        if self._session is None:
            self._session = requests.Session()
        # EM lets a stale cookie win over the header, so never keep cookies.
        self._session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        credentials = ("%s:%s" % (self.username, self._password)).encode("utf-8")
        headers = {"Authorization": "Basic " + base64.b64encode(credentials).decode("ascii")}
        url = self.base_url + "sessionMngr/?v=" + self.api_version
        # A logon is safe to send again: one whose answer was lost only idles out on EM.
        response = self._send("POST", url, headers=headers)
        if response.status_code == 401:
            raise EmError(
                "EM refused the logon of user '%s' (401 Unauthorized): check username and password "
                "(EM expects DOMAIN\\user or user@domain)." % self.username,
                status=401, url=url, body=_em_message(response))
        self._raise_for_status(response, "POST", url, expected=(200, 201))
        token = response.headers.get(TOKEN_HEADER)
        if not token:
            raise EmError("EM accepted the logon but sent no %s header." % TOKEN_HEADER,
                          status=response.status_code, url=url)
        self._token = token
        self._logoff_url = self._logoff_url_of(response)
        if self._logoff_url is None:
            self.warnings.append("EM did not say how to log off this session; it will expire when idle.")

    def _logoff_url_of(self, response):
        """Where to DELETE this logon session: the body's Delete link, the Location of
        the created session, or its SessionId. Nothing else in the body is needed,
        so a body we cannot read must not keep us from logging off."""
        try:
            body = decode_json(response.content)
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else {}
        link = find_link(body, "Delete")
        if link and link.get("href"):
            return self.url_for(link["href"])
        if response.headers.get("Location"):
            return self.url_for(response.headers["Location"])
        if body.get("sessionid"):
            return self.base_url + "logonSessions/" + quote(str(body["sessionid"]))
        return None

    def logoff(self):
        """End the logon session. Never raises: a failed logoff becomes a warning."""
        token, url = self._token, self._logoff_url
        self._token = None
        if token is None or url is None:
            return
        try:
            response = self._send("DELETE", url, token=token)
            if response.status_code not in (200, 202, 204, 401, 404):
                self.warnings.append("Logging off from EM answered %s for DELETE %s." % (response.status_code, _path_of(url)))
        except EmError as exc:
            self.warnings.append("Logging off from EM failed: %s" % exc.msg)

    # -- requests -------------------------------------------------------------

    def url_for(self, path_or_href, params=None):
        """A path under /api/ or an EM Href -> a URL on *our* base.

        EM often writes hrefs with a host name that is not the one we reach it
        by (``https://localhost:9398/...``), and the token must never go to
        another host, so only the path and query of an href are kept.
        """
        text = str(path_or_href)
        parts = urlsplit(text)
        base = urlsplit(self.base_url)
        if parts.scheme:
            path, query = parts.path, parts.query
        else:
            relative = text.lstrip("/")
            if relative.lower().startswith("api/") or relative.lower() == "api":
                relative = relative[3:].lstrip("/")
            relative_parts = urlsplit(relative)
            path = base.path + relative_parts.path
            query = relative_parts.query
        if params:
            extra = urlencode([(k, v) for k, v in params if v is not None], quote_via=quote, safe="")
            query = query + "&" + extra if query else extra
        return urlunsplit((base.scheme, base.netloc, path, query, ""))

    def get(self, path, params=None, expected=(200,)):
        return self.request("GET", path, params=params, expected=expected)

    def post(self, path, params=None, expected=(202,)):
        return self.request("POST", path, params=params, expected=expected, idempotent=False)

    def request(self, method, path, params=None, expected=(200,), idempotent=True):
        """Send one request with our token; decoded JSON (lower-cased keys) or None."""
        if self._token is None:
            raise EmError("Not logged on to EM (use the client as a context manager).")
        url = self.url_for(path, params)
        response = self._send(method, url, token=self._token, idempotent=idempotent)
        if response.status_code == 401:
            # Idle logon sessions expire on EM (15 minutes): log on again, once.
            self.logon()
            response = self._send(method, url, token=self._token, idempotent=idempotent)
        self._raise_for_status(response, method, url, expected)
        return self._decode(response, method, url)

    def _send(self, method, url, headers=None, token=None, idempotent=True):
        all_headers = {"Accept": "application/json"}
        if headers:
            all_headers.update(headers)
        if token is not None:
            all_headers[TOKEN_HEADER] = token
        attempt = 0
        while True:
            attempt += 1
            try:
                with warnings.catch_warnings():
                    # validate_certs=false is the user's choice; the module warns once, not per request.
                    warnings.simplefilter("ignore")
                    response = self._session.request(method, url, headers=all_headers, timeout=self.timeout,
                                                     verify=self.verify, allow_redirects=False)
            except requests.exceptions.SSLError as exc:
                raise EmError(
                    "TLS verification of %s failed (%s): set ca_path to the CA that signed EM's certificate."
                    % (_origin_of(url), _reason(exc)), url=url)
            except requests.exceptions.Timeout:
                if idempotent and attempt <= self.retries:
                    self._backoff(attempt)
                    continue
                raise EmError("EM did not answer %s %s within %s seconds." % (method, _path_of(url), self.timeout), url=url)
            except requests.exceptions.RequestException as exc:
                if idempotent and attempt <= self.retries:
                    self._backoff(attempt)
                    continue
                raise EmError("Could not reach EM for %s %s: %s." % (method, _path_of(url), _reason(exc)), url=url)
            retryable = idempotent and response.status_code in RETRY_STATUSES
            if retryable and attempt <= self.retries:
                self._backoff(attempt)
                continue
            return response

    def _backoff(self, attempt):
        self._sleep(min(0.5 * (2 ** (attempt - 1)), _MAX_BACKOFF))

    @staticmethod
    def _raise_for_status(response, method, url, expected):
        if response.status_code in expected:
            return
        message = _em_message(response)
        text = "EM answered %s to %s %s" % (response.status_code, method, _path_of(url))
        if response.status_code == 404:
            text += " (not found)"
        if message:
            text += ": " + message
        if not text.endswith("."):
            text += "."
        if response.status_code == 403:
            text += " The EM account needs the Portal Administrator role for this."
        raise EmError(text, status=response.status_code, url=url, body=message)

    @staticmethod
    def _decode(response, method, url):
        if response.status_code == 204 or not response.content:
            return None
        try:
            return decode_json(response.content)
        except ValueError:
            raise EmError(
                "EM answered %s %s with a body that is not JSON (%s bytes, Content-Type %s)."
                % (method, _path_of(url), len(response.content), response.headers.get("Content-Type")),
                status=response.status_code, url=url, body=_excerpt(response))


def _em_message(response):
    """EM's own error message from an Error body (JSON or not), or a short excerpt."""
    try:
        body = decode_json(response.content)
    except ValueError:
        return _excerpt(response) or None
    if isinstance(body, dict):
        for key in ("message", "firstchanceexceptionmessage"):
            if body.get(key):
                return str(body[key])
    return None


def _excerpt(response):
    text = response.content[:300].decode("utf-8", "replace").lstrip(u"\ufeff").strip()
    return " ".join(text.split())


def _path_of(url):
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _origin_of(url):
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc)


def _reason(exc):
    """The innermost cause of a transport error, without urllib3's wrapping.

    ``HTTPSConnectionPool(...): Max retries exceeded ... (Caused by SSLError(...))``
    becomes ``certificate verify failed: self-signed certificate in certificate chain``.
    """
    cause = exc
    for _depth in range(8):
        inner = getattr(cause, "reason", None)
        if not isinstance(inner, BaseException) and cause.args and isinstance(cause.args[0], BaseException):
            inner = cause.args[0]
        if not isinstance(inner, BaseException) or inner is cause:
            break
        cause = inner
    if getattr(cause, "verify_message", None):
        return "certificate verify failed: %s" % cause.verify_message
    text = str(cause).strip()
    # urllib3 prefixes the connection object's repr: keep what the OS said.
    text = re.sub(r"^((<[^>]*>|\w+\([^)]*\)):\s*)+", "", text)
    text = re.sub(r"\s*\(_ssl\.c:\d+\)$", "", text)
    lines = text.splitlines()
    return lines[0] if lines else cause.__class__.__name__
