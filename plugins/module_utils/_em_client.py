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
import os
import re
import signal
import socket
import ssl
import threading
import time
import traceback
import warnings

from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode, urlsplit, urlunsplit, quote

try:
    import requests
    from urllib3 import exceptions as urllib3_exceptions
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    requests = urllib3_exceptions = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.backupgate.veeam_em.plugins.module_utils._errors import EmError, EmOptionError
from ansible_collections.backupgate.veeam_em.plugins.module_utils._wire import decode_json, find_link

API_VERSIONS = ("latest", "v1_5", "v1_6", "v1_7")
TOKEN_HEADER = "X-RestSvcSessionId"
# Statuses after which an idempotent request is worth sending again.
RETRY_STATUSES = (502, 503, 504)
# No EM answer we read comes near this; a bigger body is not EM's (or not one to buffer).
MAX_BODY_BYTES = 64 * 1024 * 1024
HTTP_WARNING = ("url uses http://: the user name, password and EM session token travel in clear text; "
                "use https:// (EM listens on https://<host>:9398).")
_MAX_BACKOFF = 8.0
_CHUNK = 64 * 1024
_MASK = "********"
_USERINFO = re.compile(r"^(\s*(?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^/?#]*@")


def redact_url(url):
    """``url`` with any user information replaced by the mask (it may hold a password)."""
    text = "" if url is None else str(url)
    return _USERINFO.sub(lambda m: (m.group(1) or "") + _MASK + "@", text, count=1)


def normalise_base_url(url):
    """Any accepted form of ``url`` -> ``https://host:port/api/``."""
    text = (url or "").strip()
    if _USERINFO.match(text):
        # Never echo what came before the @: it may be a password.
        raise EmOptionError("url", redact_url(text),
                            "user information in the URL is refused; give the account in username and password")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EmOptionError("url", url, "expected the EM address such as https://em.example.com:9398")
    path = parts.path.rstrip("/")
    if path.lower().endswith("/api"):
        path = path[:-4]
    return urlunsplit((parts.scheme, parts.netloc, path + "/api/", "", ""))


def _check_ca_path(ca_path):
    """Refuse a ca_path that cannot be a CA bundle before any request, in words about ca_path."""
    if not os.path.exists(ca_path):
        raise EmOptionError("ca_path", ca_path, "no such file")
    if os.path.isdir(ca_path):
        raise EmOptionError("ca_path", ca_path, "expected a PEM file of CA certificates, not a directory")
    try:
        ssl.create_default_context(cafile=ca_path)
    except ssl.SSLError:
        raise EmOptionError("ca_path", ca_path, "the file holds no PEM certificate")
    except (OSError, ValueError) as exc:
        raise EmOptionError("ca_path", ca_path, "cannot read it (%s)" % (getattr(exc, "strerror", None) or exc))


class EmClient:
    """A logon session with Enterprise Manager.

    Logons are sent again only when they surely never reached EM (no connection
    could be made) or a gateway answered 502/503/504. A logon EM processed but
    whose answer was lost cannot be logged off: EM ends it after 15 idle minutes.
    """

    def __init__(self, url, username, password, validate_certs=True, ca_path=None,
                 timeout=30, api_version="latest", retries=3, session=None, sleep=time.sleep):
        self.base_url = normalise_base_url(url)
        if api_version not in API_VERSIONS:
            raise EmOptionError("api_version", api_version, "expected one of %s" % ", ".join(API_VERSIONS))
        if not username:
            raise EmOptionError("username", username, "a user name is required")
        if not password:
            raise EmOptionError("password", "", "a password is required")
        if timeout is None or int(timeout) <= 0:
            raise EmOptionError("timeout", timeout, "expected a number of seconds greater than 0")
        if retries is None or int(retries) < 0:
            raise EmOptionError("retries", retries, "expected 0 or more")
        if validate_certs and ca_path:
            _check_ca_path(ca_path)
        self.username = username
        self._password = password
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        if self.verify is True:
            # trust_env is off (see logon); keep the CA bundle variables requests documents.
            self.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self.timeout = int(timeout)
        self.api_version = api_version
        self.retries = int(retries)
        self.warnings = [HTTP_WARNING] if self.base_url.startswith("http://") else []
        self._session = session
        self._sleep = sleep
        self._token = None
        self._logoff_url = None
        self._bound = float(self.timeout)
        self._previous_sigterm = None

    # -- context manager: logon on enter, logoff on every exit ----------------

    def __enter__(self):
        self.logon()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.logoff()
        return False

    def logon(self, call_deadline=None):
        if not HAS_REQUESTS:
            raise EmError("The Python library requests is required to talk to Enterprise Manager.")
        if self._session is None:
            self._session = requests.Session()
        # Credentials come only from our options: no ~/.netrc, no environment auth.
        self._session.trust_env = False
        # EM lets a stale cookie win over the header, so never keep cookies.
        self._session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        credentials = ("%s:%s" % (self.username, self._password)).encode("utf-8")
        headers = {"Authorization": "Basic " + base64.b64encode(credentials).decode("ascii")}
        url = self.base_url + "sessionMngr/?v=" + self.api_version
        if call_deadline is None:
            self._bound = float(self.timeout)
        # Sent again only if it never left: a logon EM processed would stay open.
        response = self._send("POST", url, headers=headers, idempotent="connect", call_deadline=call_deadline)
        if response.status_code == 401:
            raise EmError(
                "EM refused the logon of user '%s' (401 Unauthorized): check username and password "
                "(EM expects DOMAIN\\user or user@domain)." % self.username,
                status=401, url=url, body=self._em_message(response))
        self._raise_for_status(response, "POST", url, expected=(200, 201))
        token = response.headers.get(TOKEN_HEADER)
        if not token:
            raise EmError("EM accepted the logon but sent no %s header." % TOKEN_HEADER,
                          status=response.status_code, url=url)
        self._token = token
        self._logoff_url = self._logoff_url_of(response)
        if self._logoff_url is None:
            self.warnings.append("EM did not say how to log off this session; it will expire when idle.")
        self._trap_sigterm()

    def _trap_sigterm(self):
        """While logged on in the main thread, SIGTERM unwinds (SystemExit) through
        ``__exit__`` so the logoff is sent; logoff restores the previous handler."""
        if self._previous_sigterm is not None or threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)
        if previous is signal.SIG_IGN or previous is None:
            return
        signal.signal(signal.SIGTERM, _raise_on_sigterm)
        self._previous_sigterm = previous

    def _release_sigterm(self):
        previous, self._previous_sigterm = self._previous_sigterm, None
        if previous is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)

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
            self._release_sigterm()
            return
        try:
            response = self._send("DELETE", url, token=token)
            if response.status_code not in (200, 202, 204, 401, 404):
                self.warnings.append("Logging off from EM answered %s for DELETE %s." % (response.status_code, _path_of(url)))
        except EmError as exc:
            self.warnings.append("Logging off from EM failed: %s" % exc.msg)
        finally:
            self._release_sigterm()

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

    def get(self, path, params=None, expected=(200,), timeout=None, document=False):
        """GET under /api/; see :meth:`request` for ``timeout`` and ``document``."""
        return self.request("GET", path, params=params, expected=expected, timeout=timeout, document=document)

    def post(self, path, params=None, expected=(202,), timeout=None, document=False):
        """POST an action; never sent twice. See :meth:`request`."""
        return self.request("POST", path, params=params, expected=expected, idempotent=False,
                            timeout=timeout, document=document)

    def request(self, method, path, params=None, expected=(200,), idempotent=True, timeout=None, document=False):
        """Send one request with our token; decoded JSON (lower-cased keys) or None.

        ``timeout`` (seconds, float) caps this whole call - connect, headers, body,
        retries, back-off and a re-logon - at min(option timeout, ``timeout``);
        without it each attempt is bounded by the option ``timeout``. When the time
        is used up the call raises EmError.

        ``document=True`` fails closed: the answer must be one JSON object (``{}``
        included); an empty body, ``null``, a list or a scalar raises EmError naming
        the path, so a proxy's empty 200 is never read as "nothing found".
        """
        if self._token is None:
            raise EmError("Not logged on to EM (use the client as a context manager).")
        url = self.url_for(path, params)
        call_deadline = None if timeout is None else _now() + max(float(timeout), 0.0)
        # What a timeout message names: the bound this call was given.
        self._bound = float(self.timeout) if timeout is None else min(float(self.timeout), max(float(timeout), 0.0))
        response = self._send(method, url, token=self._token, idempotent=idempotent, call_deadline=call_deadline)
        if response.status_code == 401:
            # Idle logon sessions expire on EM (15 minutes): log on again, once.
            self.logon(call_deadline=call_deadline)
            response = self._send(method, url, token=self._token, idempotent=idempotent, call_deadline=call_deadline)
        self._raise_for_status(response, method, url, expected)
        data = self._decode(response, method, url)
        if document and not isinstance(data, dict):
            raise EmError(
                "EM answered %s %s with %s where an EM document (a JSON object) was expected."
                % (method, _path_of(url), _kind_of(data)), status=response.status_code, url=url,
                body=self._scrub(_excerpt(response)))
        return data

    def _send(self, method, url, headers=None, token=None, idempotent=True, call_deadline=None):
        """One request, retried as ``idempotent`` allows; the response with its body read.

        ``idempotent`` is True (retry on transport errors and 502/503/504), False
        (never send twice) or ``"connect"`` (retry only when the request surely never
        left: the connection could not be made; and on 502/503/504, which a gateway
        answers without EM having acted).
        """
        all_headers = {"Accept": "application/json"}
        if headers:
            all_headers.update(headers)
        if token is not None:
            all_headers[TOKEN_HEADER] = token
        attempt = 0
        while True:
            attempt += 1
            deadline = _now() + self.timeout
            capped = call_deadline is not None and call_deadline < deadline
            if capped:
                deadline = call_deadline
            try:
                response = self._attempt(method, url, all_headers, deadline, capped)
            except _TransportError as exc:
                if exc.final:
                    raise exc.error
                if idempotent is True or (idempotent == "connect" and exc.not_sent):
                    if attempt <= self.retries and self._backoff(attempt, call_deadline):
                        continue
                raise exc.error
            retryable = idempotent and response.status_code in RETRY_STATUSES
            if retryable and attempt <= self.retries and self._backoff(attempt, call_deadline):
                continue
            return response

    def _attempt(self, method, url, headers, deadline, capped=False):
        """One exchange bounded by ``deadline`` (a monotonic time) from connect to the
        last byte of the body; raises _TransportError for anything that is not an answer."""
        left = deadline - _now()
        if left <= 0:
            raise _TransportError(self._timeout_error(method, url), not_sent=True)
        try:
            with warnings.catch_warnings():
                # validate_certs=false is the user's choice; the module warns once, not per request.
                warnings.simplefilter("ignore")
                # Socket timeouts are the time left, so connect and headers end by the deadline
                # unless a server trickles them; the body is read against the deadline below.
                response = self._session.request(method, url, headers=headers, timeout=left if capped else self.timeout,
                                                 verify=self.verify, allow_redirects=False, stream=True,
                                                 proxies=self._proxies_for(url))
        except requests.exceptions.SSLError as exc:
            raise _TransportError(EmError(
                "TLS verification of %s failed (%s): set ca_path to the CA that signed EM's certificate."
                % (_origin_of(url), self._scrub(_reason(exc))), url=url), not_sent=False, final=True)
        except requests.exceptions.ConnectTimeout:
            raise _TransportError(self._timeout_error(method, url), not_sent=True)
        except requests.exceptions.Timeout:
            raise _TransportError(self._timeout_error(method, url), not_sent=False)
        except requests.exceptions.RequestException as exc:
            error = EmError("Could not reach EM for %s %s: %s." % (method, _path_of(url), self._scrub(_reason(exc))), url=url)
            raise _TransportError(error, not_sent=_never_sent(exc))
        self._read_body(response, deadline, method, url)
        return response

    def _read_body(self, response, deadline, method, url):
        """Read the whole body in chunks, within ``deadline`` and MAX_BODY_BYTES.

        A watchdog shuts the socket down at the deadline: a socket timeout bounds
        one read, not a body trickling a byte at a time.
        """
        fired = []

        def _abort():
            fired.append(True)
            _shutdown(response)

        watchdog = threading.Timer(max(deadline - _now(), 0.0), _abort)
        watchdog.daemon = True
        watchdog.start()
        chunks = []
        size = 0
        try:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                raise self._too_large(method, url)
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise self._too_large(method, url)
                chunks.append(chunk)
                if fired or _now() > deadline:
                    raise _TransportError(self._timeout_error(method, url), not_sent=False)
        except (requests.exceptions.RequestException, OSError, ValueError) as exc:
            if fired or _now() > deadline:
                raise _TransportError(self._timeout_error(method, url), not_sent=False)
            raise _TransportError(EmError("EM's answer to %s %s broke off: %s."
                                          % (method, _path_of(url), self._scrub(_reason(exc))), url=url),
                                  not_sent=False)
        finally:
            watchdog.cancel()
            response.close()
        if fired:
            raise _TransportError(self._timeout_error(method, url), not_sent=False)
        # requests serves .content from here once the stream is consumed.
        response._content = b"".join(chunks)  # pylint: disable=protected-access
        response._content_consumed = True  # pylint: disable=protected-access

    def _timeout_error(self, method, url):
        return EmError("EM did not answer %s %s within %s seconds." % (method, _path_of(url), _seconds(self._bound)),
                       url=url)

    @staticmethod
    def _too_large(method, url):
        return _TransportError(EmError(
            "EM's answer to %s %s is larger than %d MiB; refusing to read it."
            % (method, _path_of(url), MAX_BODY_BYTES // (1024 * 1024)), url=url), not_sent=False, final=True)

    def _backoff(self, attempt, call_deadline):
        """Pause before another attempt; False when the call's time is used up."""
        pause = min(0.5 * (2 ** (attempt - 1)), _MAX_BACKOFF)
        if call_deadline is not None:
            left = call_deadline - _now()
            if left <= 0:
                return False
            pause = min(pause, left)
        self._sleep(pause)
        return call_deadline is None or call_deadline - _now() > 0

    def _proxies_for(self, url):
        """Proxies from the environment (HTTPS_PROXY, NO_PROXY...) for this URL.

        trust_env is off so that ~/.netrc never replaces our credentials; this
        keeps the one part of the environment that must still work.
        """
        return requests.utils.get_environ_proxies(url)

    def _raise_for_status(self, response, method, url, expected):
        if response.status_code in expected:
            return
        message = self._em_message(response)
        text = "EM answered %s to %s %s" % (response.status_code, method, _path_of(url))
        if response.status_code == 404:
            text += " (not found)"
        if message:
            text += ": " + message
        if not text.endswith("."):
            text += "."
        if response.status_code == 403:
            text += " " + _role_hint(method, url)
        raise EmError(text, status=response.status_code, url=url, body=message)

    def _decode(self, response, method, url):
        if response.status_code == 204 or not response.content:
            return None
        try:
            return decode_json(response.content)
        except ValueError:
            raise EmError(
                "EM answered %s %s with a body that is not JSON (%s bytes, Content-Type %s)."
                % (method, _path_of(url), len(response.content), response.headers.get("Content-Type")),
                status=response.status_code, url=url, body=self._scrub(_excerpt(response)))

    def _em_message(self, response):
        """EM's own error message from an Error body (JSON or not), or a short excerpt;
        scrubbed of our token and cut to a readable length."""
        try:
            body = decode_json(response.content)
        except ValueError:
            return self._scrub(_excerpt(response)) or None
        if isinstance(body, dict):
            for key in ("message", "firstchanceexceptionmessage"):
                if body.get(key):
                    return self._scrub(str(body[key]))
        return None

    def _scrub(self, text, limit=500):
        """Server or transport text made safe to show: no token, no password, no user
        information, at most ``limit`` characters."""
        if not text:
            return text
        for secret in (self._token, self._password):
            if secret:
                text = text.replace(secret, _MASK)
        return _shorten(redact_url(text), limit)


def _role_hint(method, url):
    """What a 403 most likely means for this request (EM's role table, section 1.5)."""
    path = urlsplit(url).path.lower()
    if method != "GET" or ("/nas/jobs" in path and "/backupsessions" not in path):
        return "The EM account needs the Portal Administrator role for this."
    return ("Reading backup sessions and tasks needs Portal User or Portal Administrator "
            "(Restore Operators cannot read backup sessions).")


def _raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def _now():
    return time.monotonic()


def _seconds(value):
    return ("%.1f" % value).rstrip("0").rstrip(".")


def _kind_of(data):
    if data is None:
        return "an empty body"
    if isinstance(data, list):
        return "a JSON list"
    return "a JSON %s" % type(data).__name__


def _never_sent(exc):
    """True when the transport error happened before a byte of the request left."""
    cause = exc
    for _depth in range(8):
        if isinstance(cause, (urllib3_exceptions.NewConnectionError, urllib3_exceptions.ConnectTimeoutError,
                              requests.exceptions.ConnectTimeout)):
            return True
        inner = getattr(cause, "reason", None)
        if not isinstance(inner, BaseException) and cause.args and isinstance(cause.args[0], BaseException):
            inner = cause.args[0]
        if not isinstance(inner, BaseException) or inner is cause:
            return False
        cause = inner
    return False


def _shutdown(response):
    """Cut the connection under a streamed response (called from the watchdog thread)."""
    connection = getattr(response.raw, "connection", None) or getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _TransportError(Exception):
    """No usable answer: ``error`` to raise, ``not_sent`` if the request never left,
    ``final`` when sending again cannot help (TLS refused, body too large)."""

    def __init__(self, error, not_sent, final=False):
        super(_TransportError, self).__init__(error.msg)
        self.error = error
        self.not_sent = not_sent
        self.final = final


def _excerpt(response):
    text = response.content[:300].decode("utf-8", "replace").lstrip(u"\ufeff").strip()
    return " ".join(text.split())


def _shorten(text, limit):
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _path_of(url):
    """The path and query of ``url`` for a message, cut to a readable length."""
    parts = urlsplit(url)
    return _shorten(parts.path + ("?" + parts.query if parts.query else ""), 200)


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
