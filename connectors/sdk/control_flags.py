"""Kill switches checked before every connector call (SPEC §3): control flags in the platform table.

The control plane writes the flags (``PUT /flags/{scope}/{target}``, ``functions/shared/store``);
connector functions only read them, with boto3 and no import from ``functions/`` (a lean cold
start). The layout below is the single statement of it on the connector side;
``tests/connectors/test_sdk_control_flags.py`` checks it against ``functions.shared.keys`` so a
drift fails the build.

==========  ================  =======================================
scope       pk                sk
==========  ================  =======================================
global      ``TENANT#*``      ``CTRL#FLAG#global#*``
tenant      ``TENANT#<t>``    ``CTRL#FLAG#tenant#*``
workflow    ``TENANT#<t>``    ``CTRL#FLAG#workflow#<workflow id>``
connector   ``TENANT#<t>``    ``CTRL#FLAG#connector#<connector id>``
==========  ================  =======================================

Attributes (strings): ``action`` (``pause`` | ``block``; missing means ``block``, as in the
control plane), ``reason``, ``set_by``, ``until`` (pynamodb's UTC format
``2026-11-22T01:00:00.000000+0000``; absent means until lifted). A flag whose ``until`` has passed
is ignored. The global flag lives under the reserved tenant ``*`` (no tenant id can be ``*``).

``block`` raises :class:`~connectors.sdk.errors.BlockedError` (permanent); ``pause`` raises
:class:`~connectors.sdk.errors.PausedError` (retryable, so the task's ``Retry`` waits the pause
out). Block wins over pause. ``rate_limit`` (number attribute ``limit_per_minute``) lets at most
that many calls through per UTC minute for its scope and target: each call takes a slot with one
conditional ``UpdateItem ... ADD`` on a counter (below), so concurrent functions cannot overshoot,
and a call over the limit raises :class:`~connectors.sdk.errors.RateLimitedError` (retryable,
``retry_after`` = seconds to the next minute) so the compiled ``Retry`` backs off. Slots are taken
only when nothing blocks or pauses the call; under several rate limits (say global and
connector) a call refused by one has used a slot of those before it. A ``rate_limit`` flag
without a limit, or any other action, is not enforced here (logged once).

==================  ================  ==================================================
counter             pk                sk
==================  ================  ==================================================
rate-limit window   as its flag's     ``USAGE#ratelimit#<scope>#<target>#<epoch minute>``
==================  ================  ==================================================

Attributes: ``used`` (added to), ``expires_at`` (the table's TTL, two minutes after the window).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from connectors.sdk.errors import BlockedError, PausedError, RateLimitedError, UpstreamUnavailableError

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger

__all__ = [
    "DEFAULT_MAX_AGE",
    "FLAG_PREFIX",
    "GLOBAL_TENANT",
    "ControlFlag",
    "ControlFlags",
    "flag_key",
    "rate_limit_key",
]

FLAG_PREFIX = "CTRL#FLAG#"
GLOBAL_TENANT = "*"
DEFAULT_MAX_AGE = 10.0
"""Seconds a flag read is reused per function instance: a new flag takes effect within this."""

_BATCH_ATTEMPTS = 3


def flag_key(tenant_id: str, scope: str, target: str) -> dict[str, str]:
    """The table key of one flag (plain strings; see the module's layout table).

    Example:
        >>> flag_key("acme", "connector", "slack")
        {'pk': 'TENANT#acme', 'sk': 'CTRL#FLAG#connector#slack'}
    """
    return {"pk": f"TENANT#{tenant_id}", "sk": f"{FLAG_PREFIX}{scope}#{target}"}


def rate_limit_key(tenant_id: str, scope: str, target: str, minute: int) -> dict[str, str]:
    """The counter of one rate-limit window (see the module's layout table).

    Example:
        >>> rate_limit_key("acme", "connector", "slack", 29_547_000)["sk"]
        'USAGE#ratelimit#connector#slack#29547000'
    """
    return {"pk": f"TENANT#{tenant_id}", "sk": f"USAGE#ratelimit#{scope}#{target}#{minute}"}


@dataclass(frozen=True, slots=True)
class ControlFlag:
    """One flag as read from the table.

    Example:
        >>> flag = ControlFlag.from_item("global", "*", {"action": {"S": "block"}, "reason": {"S": "incident"}})
        >>> flag.action, flag.active(datetime.now(UTC))
        ('block', True)
    """

    scope: str
    target: str
    action: str
    reason: str
    set_by: str
    until: datetime | None
    tenant: str = ""
    limit_per_minute: int | None = None
    """For ``rate_limit``: calls let through per UTC minute."""

    @classmethod
    def from_item(cls, scope: str, target: str, item: dict[str, Any]) -> ControlFlag:
        """Parse a DynamoDB item (low-level attribute values) written by the control plane."""

        def text(name: str) -> str:
            return str(item.get(name, {}).get("S", ""))

        until = text("until")
        limit = item.get("limit_per_minute", {}).get("N")
        return cls(
            scope=scope,
            target=target,
            action=text("action") or "block",
            reason=text("reason"),
            set_by=text("set_by"),
            until=datetime.fromisoformat(until) if until else None,
            tenant=text("pk").removeprefix("TENANT#"),
            limit_per_minute=int(float(limit)) if limit is not None else None,
        )

    def active(self, now: datetime) -> bool:
        """Whether the flag applies at ``now`` (it lifts itself at ``until``)."""
        return self.until is None or self.until > now

    def describe(self) -> str:
        """What it refuses and why, for the run's error (no secrets live in flags)."""
        what = {
            "global": "every connector call",
            "tenant": f"tenant '{self.tenant}'",
            "workflow": f"workflow '{self.target}'",
            "connector": f"connector '{self.target}'",
        }.get(self.scope, f"{self.scope} '{self.target}'")
        verb = {
            "pause": "paused",
            "rate_limit": f"limited to {self.limit_per_minute} calls per minute",
        }.get(self.action, "blocked")
        until = f" until {self.until.isoformat()}" if self.until else ""
        by = f" (set by {self.set_by})" if self.set_by else ""
        return f"{what} is {verb} by a kill switch{until}: {self.reason or 'no reason given'}{by}"

    @property
    def enforced(self) -> bool:
        """Whether connectors enforce it (a rate limit needs its limit)."""
        return self.action in ("pause", "block") or (
            self.action == "rate_limit" and self.limit_per_minute is not None and self.limit_per_minute >= 0
        )


class ControlFlags:
    """Reads and caches the flags that apply to a call; raises when one blocks or pauses it.

    Hand-written TTL cache rather than Powertools' ``DynamoDBProvider``: that provider reads an
    item by a hash key alone and returns one attribute, while this table has a composite key and
    a flag is several attributes (its ``get_multiple`` would query a tenant's whole partition).
    Here the missing keys of a call are read in one ``BatchGetItem`` and each key's answer
    (including "no flag") is reused for ``max_age`` seconds: at most one read per flag per
    function instance per ``max_age``. boto3 is imported on the first read, not at import.

    Example:
        >>> flags = ControlFlags(None)
        >>> flags.enabled
        False
        >>> flags.check(connector_id="slack", tenant_id="acme")  # no table: nothing to check
    """

    def __init__(
        self,
        table_name: str | None,
        *,
        max_age: float = DEFAULT_MAX_AGE,
        client_factory: Callable[[], Any] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.table_name = table_name
        self.max_age = max_age
        self._client_factory = client_factory
        self._client: Any = None
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[float, dict[str, Any] | None]] = {}
        self._noted: set[str] = set()

    @property
    def enabled(self) -> bool:
        """Whether a table is configured (``WFAIB_TABLE_NAME``); unset in local unit tests."""
        return bool(self.table_name)

    @property
    def client(self) -> Any:
        """The DynamoDB client (created on first use)."""
        with self._lock:
            if self._client is None:
                if self._client_factory is None:
                    import boto3

                    self._client = boto3.client("dynamodb")
                else:
                    self._client = self._client_factory()
            return self._client

    @staticmethod
    def scopes(connector_id: str, tenant_id: str, workflow_id: str) -> list[tuple[str, str, str]]:
        """``(tenant, scope, target)`` of every flag that applies, broadest first.

        Example:
            >>> ControlFlags.scopes("slack", "acme", "")
            [('*', 'global', '*'), ('acme', 'tenant', '*'), ('acme', 'connector', 'slack')]
        """
        found = [(GLOBAL_TENANT, "global", "*")]
        if tenant_id:
            found.append((tenant_id, "tenant", "*"))
            if workflow_id:
                found.append((tenant_id, "workflow", workflow_id))
            found.append((tenant_id, "connector", connector_id))
        return found

    def check(
        self,
        *,
        connector_id: str,
        tenant_id: str = "",
        workflow_id: str = "",
        logger: Logger | logging.Logger | None = None,
    ) -> None:
        """Raise ``BlockedError`` / ``PausedError`` when an active flag applies to this call."""
        if not self.enabled:
            self._note_once(
                logger,
                "off",
                "control flags: no table configured (WFAIB_TABLE_NAME), not checked",
                logging.INFO,
            )
            return
        flags = self.flags(connector_id=connector_id, tenant_id=tenant_id, workflow_id=workflow_id)
        now = datetime.fromtimestamp(self._clock(), UTC)
        active = [flag for flag in flags if flag.active(now)]
        for flag in active:
            if not flag.enforced:
                self._note_once(
                    logger,
                    f"{flag.scope}/{flag.target}/{flag.action}",
                    f"control flag {flag.scope}/{flag.target}: action '{flag.action}' is not enforced by connectors",
                    logging.WARNING,
                )
        blocked = [flag for flag in active if flag.action == "block"]
        if blocked:
            raise BlockedError(blocked[0].describe())
        paused = [flag for flag in active if flag.action == "pause"]
        if paused:
            untils = [flag.until for flag in paused]
            retry_after = (
                None if None in untils else max((u - now).total_seconds() for u in untils if u is not None)
            )
            raise PausedError(paused[0].describe(), retry_after=retry_after)
        for flag in active:
            if flag.action == "rate_limit" and flag.enforced:
                self._take_slot(flag)

    def _take_slot(self, flag: ControlFlag) -> None:
        """Count this call in the flag's window, or raise ``RateLimitedError`` when it is full."""
        now = self._clock()
        minute = int(now // 60)
        key = rate_limit_key(flag.tenant or GLOBAL_TENANT, flag.scope, flag.target, minute)
        limit = int(flag.limit_per_minute or 0)
        full = f"{flag.describe()} (this minute's {limit} calls are used up)"
        if limit <= 0:  # nothing gets through (the condition below would let a first call in)
            raise RateLimitedError(full, retry_after=max(1.0, (minute + 1) * 60 - now))
        try:
            self.client.update_item(
                TableName=str(self.table_name),
                Key={"pk": {"S": key["pk"]}, "sk": {"S": key["sk"]}},
                UpdateExpression="ADD used :one SET expires_at = :expires",
                ConditionExpression="attribute_not_exists(used) OR used < :limit",
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    ":expires": {"N": str((minute + 2) * 60)},
                },
            )
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            if code == "ConditionalCheckFailedException":
                raise RateLimitedError(full, retry_after=max(1.0, (minute + 1) * 60 - now)) from None
            # As for reading flags: neither pass unchecked nor look like the provider's failure.
            raise UpstreamUnavailableError(
                f"could not count the call against a rate limit (kill switch): {type(exc).__name__}"
            ) from None

    def flags(self, *, connector_id: str, tenant_id: str = "", workflow_id: str = "") -> list[ControlFlag]:
        """The flags set for this call (active or not), from the cache or one ``BatchGetItem``."""
        wanted = self.scopes(connector_id, tenant_id, workflow_id)
        keys = {(scope, target): flag_key(tenant, scope, target) for tenant, scope, target in wanted}
        now = self._clock()
        items: dict[tuple[str, str], dict[str, Any] | None] = {}
        missing: list[dict[str, str]] = []
        with self._lock:
            for key in keys.values():
                cached = self._cache.get((key["pk"], key["sk"]))
                if cached is not None and now - cached[0] < self.max_age:
                    items[(key["pk"], key["sk"])] = cached[1]
                else:
                    missing.append(key)
        if missing:
            fetched = self._read(missing)
            with self._lock:
                for key in missing:
                    ident = (key["pk"], key["sk"])
                    items[ident] = fetched.get(ident)
                    self._cache[ident] = (now, items[ident])
        found = []
        for (scope, target), key in keys.items():
            item = items.get((key["pk"], key["sk"]))
            if item is not None:
                found.append(ControlFlag.from_item(scope, target, item))
        return found

    def _read(self, keys: Iterable[dict[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        table = str(self.table_name)
        request: dict[str, Any] = {
            table: {"Keys": [{"pk": {"S": k["pk"]}, "sk": {"S": k["sk"]}} for k in keys]}
        }
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for _ in range(_BATCH_ATTEMPTS):
            try:
                response = self.client.batch_get_item(RequestItems=request)
            # Whatever went wrong (throttling, network, permissions), the call must neither pass
            # unchecked nor look like the provider's failure: fail it as retryable, by name.
            except Exception as exc:
                raise UpstreamUnavailableError(
                    f"could not read the control flags (kill switches): {type(exc).__name__}"
                ) from None
            for item in response.get("Responses", {}).get(table, []):
                found[(item["pk"]["S"], item["sk"]["S"])] = item
            request = response.get("UnprocessedKeys") or {}
            if not request:
                return found
        raise UpstreamUnavailableError("could not read the control flags (kill switches): throttled")

    def _note_once(self, logger: Logger | logging.Logger | None, key: str, message: str, level: int) -> None:
        with self._lock:
            if key in self._noted:
                return
            self._noted.add(key)
        target = logger or logging.getLogger(__name__)
        (target.info if level == logging.INFO else target.warning)(message)
