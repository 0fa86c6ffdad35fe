"""EventBridge Scheduler expressions: ``rate(...)``, ``cron(...)``, ``at(...)``, with time zones.

In AWS, EventBridge Scheduler evaluates them; locally the platform's scheduler loop uses
``fire_times`` with the same semantics. Cron fields are EventBridge's six (minutes, hours,
day-of-month, month, day-of-week, year; one of the day fields is ``?``; day-of-week 1-7 is
SUN-SAT); croniter computes the times after they are translated to its five fields.

Example:
    >>> from datetime import datetime, UTC
    >>> start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # a Friday
    >>> [t.isoformat() for t in fire_times("cron(0 9 ? * MON-FRI *)", "UTC", start, start.replace(day=24))]
    ['2026-11-20T09:00:00+00:00', '2026-11-23T09:00:00+00:00']
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

__all__ = ["ScheduleExpressionError", "fire_times", "validate_expression"]

_RATE = re.compile(r"^rate\((?P<n>[1-9]\d*) (?P<unit>minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((?P<fields>[^)]+)\)$")
_AT = re.compile(r"^at\((?P<when>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_MAX_FIRES = 10_000


class ScheduleExpressionError(ValueError):
    """Not an EventBridge Scheduler expression (or an unknown time zone)."""


def validate_expression(expression: str, timezone: str) -> None:
    """Raise ``ScheduleExpressionError`` unless ``expression`` and ``timezone`` are valid."""
    _zone(timezone)
    if _RATE.match(expression) or _AT.match(expression):
        return
    _cron(expression)


def fire_times(expression: str, timezone: str, after: datetime, until: datetime) -> list[datetime]:
    """Every time in ``(after, until]`` (UTC) the schedule fires, oldest first."""
    zone = _zone(timezone)
    if rate := _RATE.match(expression):
        return _rate_times(int(rate["n"]) * _UNITS[rate["unit"].rstrip("s")], after, until)
    if at := _AT.match(expression):
        moment = datetime.fromisoformat(at["when"]).replace(tzinfo=zone).astimezone(UTC)
        return [moment] if after < moment <= until else []
    fields, years = _cron(expression)
    times: list[datetime] = []
    iterator = croniter(fields, after.astimezone(zone))
    while len(times) < _MAX_FIRES:
        moment = iterator.get_next(datetime).astimezone(UTC)
        if moment > until:
            break
        if years is None or moment.astimezone(zone).year in years:
            times.append(moment)
    return times


def _rate_times(seconds: int, after: datetime, until: datetime) -> list[datetime]:
    """Rates count from the epoch, so every process agrees on the ticks."""
    step = timedelta(seconds=seconds)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    moment = epoch + step * ((after - epoch) // step + 1)
    times: list[datetime] = []
    while moment <= until and len(times) < _MAX_FIRES:
        times.append(moment)
        moment += step
    return times


def _cron(expression: str) -> tuple[str, set[int] | None]:
    """croniter's five fields, and the years to keep (``None`` for every year)."""
    match = _CRON.match(expression)
    fields = match["fields"].split() if match else []
    if len(fields) != 6:
        raise ScheduleExpressionError(f"'{expression}' is not rate(...), cron(6 fields) or at(...).")
    minutes, hours, day_of_month, month, day_of_week, year = fields
    if (day_of_month == "?") == (day_of_week == "?"):
        raise ScheduleExpressionError("Exactly one of day-of-month and day-of-week must be '?'.")
    # EventBridge counts days of the week 1-7 from Sunday, croniter 0-6; the n of "2#1" stays.
    day_of_week = (
        "*" if day_of_week == "?" else re.sub(r"(?<!#)\d+", lambda d: str((int(d[0]) - 1) % 7), day_of_week)
    )
    translated = " ".join([minutes, hours, "*" if day_of_month == "?" else day_of_month, month, day_of_week])
    if not croniter.is_valid(translated):
        raise ScheduleExpressionError(f"'{expression}' is not a valid cron expression.")
    return translated, _years(year)


def _years(field: str) -> set[int] | None:
    if field == "*":
        return None
    years: set[int] = set()
    for part in field.split(","):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ScheduleExpressionError(f"'{field}' is not a year field.")
        years.update(range(int(low), int(high or low) + 1))
    return years


def _zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleExpressionError(f"Unknown time zone '{timezone}'.") from exc
