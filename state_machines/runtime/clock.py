"""Clocks for the runtime: real time, or a virtual clock tests advance by hand or automatically.

Every delay the runtime knows (Wait states, Retry intervals, TimeoutSeconds, HeartbeatSeconds)
goes through :class:`Clock.sleep_until`, so a :class:`VirtualClock` makes a day-long Wait take no
real time at all.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "RealClock", "VirtualClock"]


class Clock(Protocol):
    """What the runtime needs from a clock."""

    def now(self) -> datetime:
        """The current time (timezone-aware, UTC)."""
        ...

    async def sleep_until(self, when: datetime) -> None:
        """Return once ``now() >= when``."""
        ...


class RealClock:
    """Wall-clock time.

    Example:
        >>> RealClock().now().tzinfo is not None
        True
    """

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime) -> None:
        """Sleep for real until ``when``."""
        delay = (when - self.now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)


class VirtualClock:
    """A clock that moves only when told to, or by itself when nothing else can happen.

    With ``auto_advance=True`` the runtime jumps the clock to the next due timer whenever every
    running execution is blocked on timers only (not on a Lambda handler, a service call or a
    task token), so tests never sleep through a Wait or a retry interval.

    Example:
        >>> clock = VirtualClock(datetime(2026, 1, 1, tzinfo=UTC))
        >>> clock.advance(90)
        >>> clock.now().isoformat()
        '2026-01-01T00:01:30+00:00'
    """

    def __init__(self, start: datetime | None = None, auto_advance: bool = False) -> None:
        self._now = start or datetime.now(UTC)
        self.auto_advance = auto_advance
        self._lock = threading.Lock()
        self._timers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        """The virtual current time."""
        return self._now

    async def sleep_until(self, when: datetime) -> None:
        """Park until the virtual time reaches ``when``."""
        if when <= self._now:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        with self._lock:
            heapq.heappush(self._timers, (when, next(self._seq), future))
        for listener in self._listeners:
            listener()
        await future

    def add_timer_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (on the event loop) whenever a timer is set; used for auto-advance."""
        self._listeners.append(listener)

    def next_due(self) -> datetime | None:
        """When the earliest pending timer fires, or ``None`` without timers."""
        with self._lock:
            while self._timers and self._timers[0][2].done():
                heapq.heappop(self._timers)
            return self._timers[0][0] if self._timers else None

    def advance(self, seconds: float) -> None:
        """Move time forward and wake every timer that is now due (callable from any thread)."""
        self.advance_to(self._now + timedelta(seconds=seconds))

    def advance_to(self, when: datetime) -> None:
        """Move time forward to ``when`` (never backwards) and wake the timers now due."""
        with self._lock:
            self._now = max(self._now, when)
            due: list[asyncio.Future[None]] = []
            while self._timers and self._timers[0][0] <= self._now:
                due.append(heapq.heappop(self._timers)[2])
        for future in due:
            if not future.done():
                future.get_loop().call_soon_threadsafe(_wake, future)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
