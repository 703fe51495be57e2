# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTPS transport and life cycle: a ThreadingHTTPServer speaking HTTP/1.1 with keep-alive,
TLS handshakes done in the worker threads, ``sim.json`` once ready, and a lifetime limit
so that a crashed test never leaks a server.

In-process use (what the unit tests do)::

    with Simulator(SimConfig(state_dir=tmp, scenario="basic")) as sim:
        requests.get(sim.url + "/api/", verify=sim.ca_path)
"""

import json
import os
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Optional, Set, TextIO, Tuple

from . import scenario as scenario_mod
from .app import Response, SimApp
from .config import SimConfig
from .times import utc_now
from .tls import ensure_tls_files, server_context

SIM_JSON = "sim.json"
#: How long a request line the server reads (http.server's own limit is 65,536): far
#: beyond HTTP.sys's 16 KB, so that an over-long request gets HTTP.sys's 414 from the app
#: rather than a transport error. Past this, 414 too, and the connection is closed.
_MAX_LINE_READ = 1 << 20


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"           # keep-alive; every answer has Content-Length
    server_version = "Microsoft-HTTPAPI/2.0"
    sys_version = ""
    timeout = 120                           # idle keep-alive connections are closed after this
    server: "_TlsHttpServer"

    def version_string(self) -> str:
        return self.server_version

    def handle_one_request(self) -> None:
        """http.server's loop with a longer request-line limit (see ``_MAX_LINE_READ``)."""
        try:
            self.raw_requestline = self.rfile.readline(_MAX_LINE_READ + 1)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > _MAX_LINE_READ:
                self.command, self.path, self.request_version = "GET", "/", "HTTP/1.1"
                self.requestline = "(request line over %d bytes)" % _MAX_LINE_READ
                self._send(self.server.app.handle("GET", "/", {}, b"", (len(self.raw_requestline),) * 2))
                self.close_connection = True
                return
            if not self.parse_request():
                return
            handler = getattr(self, "do_" + self.command, None)
            if handler is None:
                self.send_error(501, "Unsupported method (%r)" % self.command)
                return
            handler()
            self.wfile.flush()
        except TimeoutError as exc:
            self.log_error("Request timed out: %r", exc)
            self.close_connection = True

    def _size(self) -> Tuple[int, int]:
        """(request line bytes, request line plus headers bytes) as received."""
        line = len(self.raw_requestline.rstrip(b"\r\n"))
        fields = sum(len(name) + len(value) + 4 for name, value in self.headers.items())
        return line, len(self.raw_requestline) + fields + 2

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.send_error(400, "Bad Content-Length")
            return
        body = self.rfile.read(length) if length else b""
        self._send(self.server.app.handle(self.command, self.path, self.headers, body, self._size()))

    def _send(self, response: Response) -> None:
        if response.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        if response.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        length = max(len(response.body), response.pad_to)
        self.send_header("Content-Length", str(length))
        self._headers_buffer.append(b"\r\n")
        if self.command == "HEAD":
            self.flush_headers()
        elif response.trickle_bps or response.pad_to:
            self.flush_headers()
            self._stream(response, length)
        else:
            # Head and body leave in one write (one TLS record): two small writes would meet
            # Nagle's algorithm and the client's delayed ACK, 40 ms per request.
            self._headers_buffer.append(response.body)
            self.flush_headers()
        if response.after is not None:
            response.after()

    def _stream(self, response: Response, length: int) -> None:
        """The body (padded with spaces to ``length``: still the same JSON or XML document)
        in pieces, at ``trickle_bps`` bytes per second when set. A client that gives up
        ends it."""
        chunk = max(1, response.trickle_bps // 10) if response.trickle_bps else 1 << 16
        padding = b" " * chunk
        sent = 0
        try:
            while sent < length:
                if sent < len(response.body):
                    piece = response.body[sent:sent + chunk]
                else:
                    piece = padding[:min(chunk, length - sent)]
                self.wfile.write(piece)
                sent += len(piece)
                if response.trickle_bps:
                    time.sleep(len(piece) / response.trickle_bps)
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:   # noqa: A002 - the base class's name
        self.server.log("%s %s" % (self.address_string(), format % args))


class _TlsHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, address, app: Optional[SimApp], context: ssl.SSLContext, log: Optional[TextIO]) -> None:
        self.app = app
        self.context = context
        self.log_stream = log
        self._log_lock = threading.Lock()
        self._open: Set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def log(self, line: str) -> None:
        if self.log_stream is not None:
            with self._log_lock:
                self.log_stream.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), line))
                self.log_stream.flush()

    def close_log(self) -> None:
        with self._log_lock:
            if self.log_stream is not None:
                self.log_stream.close()
                self.log_stream = None

    def finish_request(self, request, client_address) -> None:
        # The handshake happens here, in the connection's own thread, so a slow or broken
        # client cannot stall the accept loop.
        request.settimeout(10)
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            conn = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.log("TLS handshake with %s failed: %s" % (client_address[0], exc))
            request.close()
            return
        with self._open_lock:
            self._open.add(conn)
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            with self._open_lock:
                self._open.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def handle_error(self, request, client_address) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError)):
            self.log("error while serving %s: %r" % (client_address[0], exc))

    def close_connections(self) -> None:
        with self._open_lock:
            conns = list(self._open)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Simulator:
    """One simulator instance: ``start()``, then ``url``/``ca_path``; ``stop()`` when done."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.app: Optional[SimApp] = None
        self._server: Optional[_TlsHttpServer] = None
        self._thread: Optional[threading.Thread] = None
        self._lifetime_timer: Optional[threading.Timer] = None
        self._stopped = threading.Event()
        self._stop_lock = threading.Lock()
        self.info: Dict[str, Any] = {}
        self.startup_seconds = 0.0

    @property
    def state_dir(self) -> Path:
        return self.config.state_dir

    @property
    def url(self) -> str:
        return self.info["url"]

    @property
    def ca_path(self) -> str:
        return self.info["ca_path"]

    @property
    def control_url(self) -> str:
        return self.info["control_url"]

    def start(self) -> "Simulator":
        began = time.monotonic()
        config = self.config
        config.state_dir.mkdir(parents=True, exist_ok=True)
        data = scenario_mod.load(config.scenario, utc_now(), config.seed)
        tls_files = ensure_tls_files(config.state_dir)
        log = open(config.log_file, "a", encoding="utf-8") if config.log_file is not None else None  # closed in stop()
        server = _TlsHttpServer((config.host, config.port), None, server_context(tls_files), log)
        port = server.server_address[1]
        base = "https://%s:%d" % (config.host, port)
        self.app = app = SimApp(config, data, base)
        server.app = app
        app.shutdown_hook = self.stop_soon
        admin = next((u for u in data.users if u.may_act), None)
        self.info = {
            "url": base, "port": port, "ca_path": str(tls_files.ca_cert), "control_url": base + "/_sim",
            "pid": os.getpid(), "state_dir": str(config.state_dir), "em_version": config.em_version,
            "casing": config.effective_casing, "scenario": data.name,
            "username": admin.username if admin else None, "password": admin.password if admin else None,
        }
        app.info_extra = dict(self.info)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="em-simulator", daemon=True)
        self._thread.start()
        if config.lifetime and config.lifetime > 0:
            self._lifetime_timer = threading.Timer(config.lifetime, self.stop)
            self._lifetime_timer.daemon = True
            self._lifetime_timer.start()
        self._write_sim_json()
        self.startup_seconds = time.monotonic() - began
        server.log("listening on %s (scenario %s, EM %s, %d sessions, ready in %.3f s)"
                   % (base, data.name, config.em_version, len(app.store.sessions), self.startup_seconds))
        return self

    def _write_sim_json(self) -> None:
        path = self.state_dir / SIM_JSON
        tmp = path.with_name(SIM_JSON + ".tmp")
        tmp.write_text(json.dumps(self.info, indent=2) + "\n", encoding="utf-8")
        os.replace(str(tmp), str(path))

    def _remove_sim_json(self) -> None:
        path = self.state_dir / SIM_JSON
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
            if (current.get("pid"), current.get("port")) == (os.getpid(), self.info.get("port")):
                path.unlink()      # only our own: a newer instance may have replaced it
        except (OSError, ValueError):
            pass

    def stop_soon(self) -> None:
        """Stop from inside a request (after its answer is sent), without blocking it."""
        threading.Thread(target=self.stop, name="em-simulator-stop", daemon=True).start()

    def stop(self) -> None:
        with self._stop_lock:
            if self._stopped.is_set() or self._server is None:
                self._stopped.set()
                return
            if self._lifetime_timer is not None:
                self._lifetime_timer.cancel()
            self._remove_sim_json()
            self._server.shutdown()
            self._server.server_close()
            self._server.close_connections()
            self._server.log("stopped")
            self._server.close_log()
            self._stopped.set()

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until stopped (by stop(), /_sim/shutdown or the lifetime); True if stopped."""
        return self._stopped.wait(timeout)

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def __enter__(self) -> "Simulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
