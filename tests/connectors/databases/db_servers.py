"""What the database tests share: a started server's address and account, and a free port."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

import pytest

__all__ = ["DatabaseServer", "free_port", "logged_text"]


@dataclass(frozen=True)
class DatabaseServer:
    """Where a started server listens and who may connect."""

    host: str
    port: int
    user: str
    password: str
    database: str

    def credential(self, **overrides: Any) -> dict[str, Any]:
        """The connector credential (host/port/database/username/password)."""
        base = {
            "host": self.host,
            "port": self.port,
            "database": self.database,
            "username": self.user,
            "password": self.password,
        }
        return {**base, **overrides}


def free_port() -> int:
    """A loopback port nothing listens on (also what the "server unavailable" tests dial)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured log record with all its fields, as the log pipeline would receive them."""
    return "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
