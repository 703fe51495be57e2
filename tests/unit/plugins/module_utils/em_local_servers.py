# -*- coding: utf-8 -*-
# Copyright (c) 2026, backupgate.veeam_em contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tiny local servers for the client's transport tests: a hostile HTTP server that
answers however a test says (slowly, trickling, never), a CONNECT proxy that counts
its tunnels, and the EM simulator started in-process."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os
import select
import socket
import sys
import threading

SIM_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "em_simulator")


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each socket to ``handle(sock, request_bytes)``."""

    def __init__(self, handle):
        self.handle = handle
        self.requests = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self._closing = False
        self._sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self._closing:
            try:
                sock, _address = self._listener.accept()
            except OSError:
                return
            self._sockets.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock):
        try:
            request = read_head(sock)
            self.requests.append(request)
            self.handle(sock, request)
        except OSError:
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def close(self):
        self._closing = True
        self._listener.close()
        for sock in self._sockets:
            try:
                sock.close()
            except OSError:
                pass


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class ConnectProxy(RawServer):
    """An HTTP CONNECT proxy: counts tunnels and pipes bytes both ways."""

    def __init__(self):
        self.tunnels = []
        super(ConnectProxy, self).__init__(self._tunnel)

    def _tunnel(self, sock, request):
        line = request.split(b"\r\n", 1)[0].decode("ascii")
        method, target = line.split(" ")[:2]
        if method != "CONNECT":
            sock.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        pair = {sock: upstream, upstream: sock}
        try:
            while True:
                ready, _w, _x = select.select(list(pair), [], [], 10)
                if not ready:
                    return
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    pair[source].sendall(data)
        finally:
            upstream.close()


def load_simulator():
    """The simulator package (tests/em_simulator), loaded from its path as in its own tests."""
    if "em_simulator" not in sys.modules:
        spec = importlib.util.spec_from_file_location("em_simulator", os.path.join(SIM_DIR, "__init__.py"),
                                                      submodule_search_locations=[SIM_DIR])
        module = importlib.util.module_from_spec(spec)
        sys.modules["em_simulator"] = module
        spec.loader.exec_module(module)
    from em_simulator.config import SimConfig  # pylint: disable=import-error
    from em_simulator.server import Simulator  # pylint: disable=import-error
    return Simulator, SimConfig
