"""The local EventBridge Scheduler: fires the schedules kept in moto, as AWS would.

moto stores schedules but never fires them. This loop does, with the semantics of
``functions.shared.schedules`` (the same cron, rate and at expressions, time zones included): on
each tick it lists the enabled schedules, works out which times fell since the last tick, fills in
``<aws.scheduler.scheduled-time>`` and invokes the target function in-process. Like AWS, times
missed while the platform was stopped are not made up. Tests call ``tick(now)`` with the times
they choose, so nothing sleeps.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from functions.shared.scheduler import SCHEDULED_TIME
from functions.shared.schedules import ScheduleExpressionError, fire_times

__all__ = ["LocalScheduler"]


class LocalScheduler:
    """Fires due schedules of one Scheduler group by calling ``invoke(event)``.

    Example:
        >>> scheduler = LocalScheduler(scheduler_client, "default", invoke)  # doctest: +SKIP
        >>> scheduler.tick(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # doctest: +SKIP
        [('wfaib-local-acme-report-dev', datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.timezone.utc))]
    """

    def __init__(
        self,
        client: Any,
        group: str,
        invoke: Callable[[dict[str, Any]], Any],
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client = client
        self._group = group
        self._invoke = invoke
        self._now = now
        self._last = now()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def tick(
        self, now: datetime | None = None, *, since: datetime | None = None
    ) -> list[tuple[str, datetime]]:
        """Fire every schedule time in (``since`` or the last tick, ``now``]; the (schedule, time) fired."""
        with self._lock:
            now = now or self._now()
            since, self._last = since or self._last, now
            fired: list[tuple[str, datetime]] = []
            for schedule in self._schedules():
                try:
                    times = fire_times(
                        schedule["ScheduleExpression"],
                        schedule.get("ScheduleExpressionTimezone") or "UTC",
                        since,
                        now,
                    )
                except ScheduleExpressionError:
                    continue  # AWS would have refused to create it
                for moment in times:
                    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                    self._invoke(json.loads(schedule["Target"]["Input"].replace(SCHEDULED_TIME, stamp)))
                    fired.append((schedule["Name"], moment))
            return fired

    def _schedules(self) -> list[dict[str, Any]]:
        found = []
        for page in self._client.get_paginator("list_schedules").paginate(GroupName=self._group):
            for summary in page["Schedules"]:
                if summary.get("State") == "ENABLED":
                    found.append(self._client.get_schedule(Name=summary["Name"], GroupName=self._group))
        return found

    def start(self, interval: float = 1.0) -> LocalScheduler:
        """Tick every ``interval`` seconds in a daemon thread."""

        def loop() -> None:
            while not self._stopping.wait(interval):
                self.tick()

        self._thread = threading.Thread(target=loop, name="wfaib-scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
