# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One request in, one response out: counters, faults, content negotiation, rendering.

Transport-free (server.py owns sockets and TLS), so the whole EM surface can also be
driven in-process.
"""

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import parse_qsl, unquote, urlsplit

from .auth import LogonRegistry
from .config import SimConfig
from .control import Control, Counters, Faults
from .entities.build import Builder
from .entities.node import Obj
from .entities.serialise import to_json, to_xml
from .errors import ApiError
from .routes import Api, ApiRequest, token_from
from .scenario import ScenarioData
from .store import StopFaults, Store
from .times import utc_now

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
#: HTTP.sys's default MaxRequestBytes (request line plus headers, reference section 1.6):
#: a longer request never reaches EM.
MAX_REQUEST_BYTES = 16384
#: HTTP.sys's own answer page for it. The wording is the HTTP.sys error page as commonly
#: seen; that EM's port answers exactly this (and 414 rather than 400) is an inference.
URL_TOO_LONG_HTML = (
    b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
    b'<HTML><HEAD><TITLE>Request URL Too Long</TITLE>\r\n'
    b'<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n'
    b'<BODY><h2>Request URL Too Long</h2>\r\n'
    b'<hr><p>HTTP Error 414. The request URL is too long.</p>\r\n'
    b'</BODY></HTML>\r\n')


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: Optional[str] = None
    headers: List[Tuple[str, str]] = field(default_factory=list)
    drop: bool = False                              # close the connection, answer nothing
    close: bool = False                             # answer, then close the connection
    trickle_bps: int = 0                            # send the body at this rate (fault)
    pad_to: int = 0                                 # pad the body with whitespace to this size (fault)
    after: Optional[Callable[[], None]] = None      # run once the response is sent


def wants_json(accept: Optional[str]) -> bool:
    """JSON only when asked for by name; ``*/*`` or no Accept gets XML, as on EM. (EM also
    picks JSON when application/json is anywhere in a multi-value Accept.)"""
    return "application/json" in (accept or "").lower()


def head_size(method: str, target: str, headers: Mapping[str, str]) -> Tuple[int, int]:
    """(request line bytes, request line plus headers bytes) as they travel on the wire,
    CRLFs included in the second; for in-process callers that have no raw request."""
    line = len(("%s %s HTTP/1.1" % (method, target)).encode("utf-8"))
    fields = sum(len(("%s: %s\r\n" % (name, value)).encode("utf-8")) for name, value in headers.items())
    return line, line + 2 + fields + 2


def query_params(query: str) -> Dict[str, str]:
    """Query-string parameters, percent-decoded, names case-folded (first one wins)."""
    params: Dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(name.casefold(), value)
    return params


class SimApp:
    """``clock``/``monotonic`` are injectable so that tests can move time by hand."""

    def __init__(self, config: SimConfig, data: ScenarioData, base_url: str,
                 clock: Callable[[], datetime] = utc_now, monotonic: Callable[[], float] = time.monotonic) -> None:
        settings = data.settings
        self.config = config
        self.data = data
        self.api_versions = config.api_versions
        self.casing = config.effective_casing
        self.store = Store(
            data,
            task_seconds=settings.task_seconds if config.task_seconds is None else config.task_seconds,
            stopping_seconds=settings.stopping_seconds if config.stopping_seconds is None else config.stopping_seconds,
            start_duration=settings.start_duration, clock=clock)
        self.logons = LogonRegistry(data.users, config.idle_timeout, clock=monotonic)
        self.builder = Builder(base_url, failure_message_absent=config.em_version == "v11")
        self.counters = Counters()
        self.faults = Faults(StopFaults(ignored=settings.stop_behaviour == "ignored",
                                        task_fails=settings.stop_behaviour == "task_fails"))
        self.api = Api(self)
        self.control = Control(self)
        self.info_extra: Dict[str, Any] = {}
        self.shutdown_hook: Optional[Callable[[], None]] = None

    # ------------------------------------------------------------------ helpers for control
    def info(self) -> Dict[str, Any]:
        return dict(self.info_extra, em_version=self.config.em_version, casing=self.casing, bom=self.config.bom,
                    api_versions=list(self.api_versions), scenario=self.data.name,
                    started_at=self.data.start.isoformat().replace("+00:00", "Z"),
                    sessions=len(self.store.sessions), jobs=len(self.store.jobs))

    def request_shutdown(self) -> None:
        if self.shutdown_hook is not None:
            self.shutdown_hook()

    # ------------------------------------------------------------------ entry point
    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes,
               size: Optional[Tuple[int, int]] = None) -> Response:
        """``size``: (request line bytes, request line plus headers bytes) as received;
        computed from the arguments when the caller has no raw request."""
        line_bytes, head_bytes = size if size is not None else head_size(method, target, headers)
        parts = urlsplit(target)
        path = unquote(parts.path) or "/"
        is_control = path == "/_sim" or path.startswith("/_sim/")
        if not is_control:
            self.counters.request_line(line_bytes)
        if head_bytes > MAX_REQUEST_BYTES:
            # HTTP.sys refuses it before any routing or authentication.
            self.counters.bump("refused_414")
            return Response(414, URL_TOO_LONG_HTML, "text/html; charset=us-ascii", close=True)
        params = query_params(parts.query)
        if is_control:
            status, payload, after = self.control.handle(method, path, params, body)
            return Response(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                            "application/json; charset=utf-8", after=after)
        as_json = wants_json(headers.get("Accept"))
        if path == "/api" or path.startswith("/api/"):
            return self._api(method, path, params, headers, body, as_json)
        return self.render(404, self.builder.error(404, "Resource not found: %s" % path), as_json)

    def _api(self, method: str, path: str, params: Dict[str, str], headers: Mapping[str, str], body: bytes,
             as_json: bool) -> Response:
        is_logon = path.rstrip("/").lower() == "/api/sessionmngr"
        self.counters.request(method, path, is_logon)
        faults = self.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000.0)
        if faults.take("drop"):
            return Response(0, drop=True)
        if faults.take("fail_503"):
            message = self._error_message("The service is temporarily unavailable (simulated).", headers)
            return self.render(503, self.builder.error(503, message), as_json)
        if method == "GET":
            hostile = self._hostile_body()
            if hostile is not None:
                return hostile
        req = ApiRequest(method, path, params, headers, body, self.store.tick())
        try:
            status, obj, extra = self.api.dispatch(req)
        except ApiError as exc:
            message = self._error_message(exc.message, headers)
            status, obj, extra = exc.status, self.builder.error(exc.status, message), exc.headers
        except Exception as exc:  # pylint: disable=broad-exception-caught  # a simulator bug: still answer
            message = "Internal simulator error: %s: %s" % (type(exc).__name__, exc)
            status, obj, extra = 500, self.builder.error(500, message), {}
        response = self.render(status, obj, as_json, extra)
        if is_logon:
            if status == 201 and faults.slow_logon_ms:
                # The logon session exists already: a client that gives up now leaves it open.
                time.sleep(faults.slow_logon_ms / 1000.0)
            return response
        if response.body:
            response.trickle_bps = faults.take_trickle()
            response.pad_to = faults.take_huge_body()
        return response

    def _hostile_body(self) -> Optional[Response]:
        """What a proxy or a broken balancer may answer instead of EM (faults)."""
        for name, body in (("empty_200", b""), ("empty_object", b"{}"), ("wrong_type", b"[]")):
            if self.faults.take(name):
                return Response(200, body, JSON_TYPE)
        return None

    def _error_message(self, message: str, headers: Mapping[str, str]) -> str:
        """With the ``echo_token`` fault, the caller's token appears in error messages (some
        servers echo request headers): clients must scrub it."""
        token = token_from(headers) if self.faults.echo_token else None
        return "%s (X-RestSvcSessionId: %s)" % (message, token) if token else message

    def render(self, status: int, obj: Optional[Obj], as_json: bool, headers: Optional[Dict[str, str]] = None) -> Response:
        extra = list((headers or {}).items())
        if obj is None:
            return Response(status, b"", None, extra)
        if not as_json:
            return Response(status, to_xml(obj), XML_TYPE, extra)
        body = to_json(obj, self.casing, self.config.bom)
        if self.faults.take("malformed"):
            body = body[:max(1, len(body) // 2)]       # cut mid-document: not parseable JSON
        return Response(status, body, JSON_TYPE, extra)
