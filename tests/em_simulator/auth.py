# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Users and logon sessions: Basic-auth logon, opaque tokens, idle expiry."""

import base64
import binascii
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

from .model import User


@dataclass(eq=False)
class LogonSession:
    id: str
    token: str
    user: User
    last_used: float = field(default=0.0)


def parse_basic(header: Optional[str]) -> Optional[tuple]:
    """``Basic base64(user:password)`` -> (user, password), or None when absent/unreadable."""
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if ":" not in decoded:
        return None
    user, dummy, password = decoded.partition(":")
    return user, password


class LogonRegistry:
    """The live logon sessions. A token unused for ``idle_timeout`` seconds is gone (401)."""

    def __init__(self, users: Sequence[User], idle_timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.users = list(users)
        self.idle_timeout = idle_timeout
        self.clock = clock
        self._lock = threading.Lock()
        self._by_token: Dict[str, LogonSession] = {}

    def check_credentials(self, username: str, password: str) -> Optional[User]:
        # Windows account names are case-insensitive; passwords are not.
        for user in self.users:
            if user.username.casefold() == username.casefold() and user.password == password:
                return user
        return None

    def create(self, user: User) -> LogonSession:
        # The token is opaque: base64 of 16 random bytes, unrelated to the SessionId, so a
        # client that rebuilds it from the SessionId (as some scripts do) fails here.
        session = LogonSession(str(uuid.uuid4()), base64.b64encode(os.urandom(16)).decode("ascii"), user, self.clock())
        with self._lock:
            self._by_token[session.token] = session
        return session

    def _expired(self, session: LogonSession, now: float) -> bool:
        return now - session.last_used > self.idle_timeout

    def resolve(self, token: Optional[str]) -> Optional[LogonSession]:
        """The live session for ``token`` (and mark it used), or None."""
        if not token:
            return None
        now = self.clock()
        with self._lock:
            session = self._by_token.get(token)
            if session is None:
                return None
            if self._expired(session, now):
                del self._by_token[token]
                return None
            session.last_used = now
            return session

    def remove(self, session_id: str) -> bool:
        with self._lock:
            for token, session in list(self._by_token.items()):
                if session.id == session_id.lower():
                    del self._by_token[token]
                    return True
        return False

    def expire_all(self) -> int:
        with self._lock:
            count = len(self._by_token)
            self._by_token.clear()
            return count

    def _prune(self) -> None:
        now = self.clock()
        for token, session in list(self._by_token.items()):
            if self._expired(session, now):
                del self._by_token[token]

    def live(self) -> List[LogonSession]:
        with self._lock:
            self._prune()
            return list(self._by_token.values())
