"""Starting a run, the one way every trigger does it (API, re-run, webhooks, schedules, events).

A run is a Step Functions execution named by the run id, on the alias of the environment, with
a run item in the table saying who started it, how, with what input and on which version.

A Standard start makes five calls, whoever triggers it: one read of everything it checks
(``store.read_start_context``: the workflow, the quota, the global, tenant and workflow flags, and
for a webhook the webhook itself), the idempotency claim (webhooks, schedules, events) and the
quota counter with one conditional write each, the run with its audit entry in one batch write
(``store.record_start``), then ``StartExecution``. The run is recorded before the execution
starts, under the name the execution will have: a start Step Functions refuses is forgotten again
(a retry starts afresh); one whose outcome is unknown (the call timed out) is finished by the
retry, which finds the claim and the run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from functions.shared import stepfunctions, store, telemetry
from functions.shared.exceptions import ItemNotFoundError, RunRefusedError
from functions.shared.keys import new_sortable_id
from functions.shared.settings import Settings
from functions.shared.store import ClaimRequest, RunRecord, Slot, StartContext, WorkflowRecord

__all__ = ["KEEP_KEYS_FOR", "start_once", "start_run"]

KEEP_KEYS_FOR = timedelta(days=7)
_SCOPE_NAMES = {"global": "the platform", "tenant": "this tenant"}


def start_run(
    settings: Settings,
    tenant_id: str,
    workflow_id: str,
    environment: str,
    input_document: Any,
    *,
    started_by: str,
    trigger: str = "api",
    rerun_of: str | None = None,
    run_id: str | None = None,
    workflow: WorkflowRecord | None = None,
    context: StartContext | None = None,
) -> RunRecord:
    """Start the workflow published to ``environment``; ``RunRefusedError`` if it may not start.

    ``run_id`` (the execution name) may be fixed in advance by a caller that needs the start to be
    idempotent: Step Functions refuses a second execution of the same name, so a retried start
    cannot run twice. ``context`` saves the read when the caller has just made it; ``workflow``
    (read by the caller) is used instead of the one read with the context.
    """
    context = context or store.read_start_context(tenant_id, workflow_id)
    start = _Start(settings, tenant_id, workflow_id, environment, context, workflow)
    with _counted(trigger):
        return start.run(
            input_document,
            run_id=run_id or new_sortable_id(),
            started_by=started_by,
            trigger=trigger,
            rerun_of=rerun_of,
            claim=None,
        )[0]


def start_once(
    settings: Settings,
    tenant_id: str,
    workflow_id: str,
    environment: str,
    input_document: Any,
    *,
    key: str,
    fingerprint: str,
    started_by: str,
    trigger: str,
    workflow: WorkflowRecord | None = None,
    context: StartContext | None = None,
) -> tuple[RunRecord, bool]:
    """Start at most one run per ``key``: ``(run, replayed)``; a repeat gets the first run back.

    The key is claimed with a conditional write before anything else, and the run id claimed
    with it becomes the execution's name, which Step Functions never runs twice. ``fingerprint``
    (a hash of the request) tells a retry from a different request that reuses the key. A start
    that was refused (paused, over a limit, not published) gives its claim up: nothing started,
    and its retry is a new start.
    """
    context = context or store.read_start_context(tenant_id, workflow_id)
    start = _Start(settings, tenant_id, workflow_id, environment, context, workflow)
    claim = ClaimRequest(
        workflow_id=workflow_id,
        key_hash=hashlib.sha256(key.encode()).hexdigest()[:40],
        run_id=new_sortable_id(),
        body_sha256=fingerprint,
        keep_for=KEEP_KEYS_FOR,
    )
    with _counted(trigger) as outcome:
        run, replayed = start.run(
            input_document,
            run_id=claim.run_id,
            started_by=started_by,
            trigger=trigger,
            rerun_of=None,
            claim=claim,
        )
        outcome.replayed = replayed
    return run, replayed


@dataclass
class _Outcome:
    replayed: bool = False


@contextmanager
def _counted(trigger: str) -> Iterator[_Outcome]:
    """Metrics of every start by trigger: ``RunsStarted``, ``RunsRefused`` (kill switch, limit, not
    published) and ``StartsReplayed`` (a duplicate delivery answered with the first run)."""
    outcome = _Outcome()
    try:
        yield outcome
    except RunRefusedError:
        telemetry.count("runs", "RunsRefused", trigger=trigger)
        raise
    telemetry.count("runs", "StartsReplayed" if outcome.replayed else "RunsStarted", trigger=trigger)


@dataclass
class _Start:
    """One start of one workflow in one environment, from what ``read_start_context`` read."""

    settings: Settings
    tenant_id: str
    workflow_id: str
    environment: str
    context: StartContext
    workflow: WorkflowRecord | None

    def run(
        self,
        input_document: Any,
        *,
        run_id: str,
        started_by: str,
        trigger: str,
        rerun_of: str | None,
        claim: ClaimRequest | None,
    ) -> tuple[RunRecord, bool]:
        if claim is not None:
            first = store.claim_idempotency_key(
                self.tenant_id,
                claim.workflow_id,
                claim.key_hash,
                run_id=claim.run_id,
                body_sha256=claim.body_sha256,
                keep_for=claim.keep_for,
            )
            if not first.claimed:
                replayed = self._replay(first, claim)
                if replayed is not None:
                    return replayed, True
                # The first delivery is still starting it (or stopped short): finish that very
                # start, under its name, so there is still one execution.
                return self._start(input_document, first.run_id, started_by, trigger, None, None)[0], True
            try:
                return self._start(input_document, run_id, started_by, trigger, rerun_of, claim)
            except RunRefusedError:
                # Nothing started: drop the claim, so the delivery's retry is a new start.
                store.forget_start(self.tenant_id, run_id, claim)
                raise
        return self._start(input_document, run_id, started_by, trigger, rerun_of, None)

    def _start(
        self,
        input_document: Any,
        run_id: str,
        started_by: str,
        trigger: str,
        rerun_of: str | None,
        claim: ClaimRequest | None,
    ) -> tuple[RunRecord, bool]:
        published = self._published()
        now = datetime.now(UTC)
        slots = self._slots(now)
        audit = {
            "actor": started_by,
            "action": "run.rerun" if rerun_of else "run.start",
            "resource": f"run/{run_id}",
            "details": {
                "workflow_id": self.workflow_id,
                "environment": self.environment,
                "trigger": trigger,
                "rerun_of": rerun_of,
            },
        }
        run = RunRecord(
            id=run_id,
            workflow_id=self.workflow_id,
            workflow_version=int(published["version"]),
            environment=self.environment,
            execution_arn=stepfunctions.execution_arn(str(published["state_machine_arn"]), run_id),
            status="RUNNING",
            input=input_document,
            started_at=now,
            started_by=started_by,
            trigger=trigger,
            rerun_of=rerun_of,
        )
        express = published.get("execution_type") == "EXPRESS"
        try:
            # An Express run is recorded with its result, once it has one.
            store.record_start(
                self.tenant_id, run=None if express else run, audit=None if express else audit, slots=slots
            )
        except store.SlotFullError as exc:
            raise _quota_refusal(exc.slot, self.context, now) from exc
        alias_arn = f"{published['state_machine_arn']}:{self.environment}"
        if express:
            return self._run_express(run, audit, alias_arn), False
        try:
            stepfunctions.start_execution(self.settings, alias_arn, run_id, input_document)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
                # Step Functions answered: nothing started, so nothing may stay recorded.
                store.forget_start(self.tenant_id, run_id, claim)
                raise
        return run, False

    def _published(self) -> dict[str, Any]:
        workflow = self.workflow or self.context.workflow
        if workflow is None:
            raise ItemNotFoundError("Workflow", self.workflow_id)
        published: dict[str, Any] | None = workflow.environments.get(self.environment)
        if not published:
            raise RunRefusedError(
                "not_published",
                f"Workflow '{self.workflow_id}' is not published to {self.environment}; publish it first.",
                {"environment": self.environment, "published_to": sorted(workflow.environments)},
            )
        version = int(published["version"])
        if workflow.status_of(version) == "retired":
            raise RunRefusedError(
                "version_retired",
                f"Version {version} of workflow '{self.workflow_id}', which {self.environment} runs, is "
                f"retired; the current version is {workflow.version}: publish it to {self.environment}.",
                {"environment": self.environment, "version": version, "current_version": workflow.version},
            )
        return published

    def _slots(self, now: datetime) -> list[Slot]:
        """Refuse when a pause or block flag applies; the counters a start must fit in otherwise.

        Never silent: the caller gets ``RunRefusedError`` with the reason (and when to retry).
        """
        window = int(now.timestamp()) // 60
        slots: list[Slot] = []
        for flag in self.context.flags:
            if not flag.active(now):
                continue
            if flag.action == "rate_limit":
                if flag.limit_per_minute is not None:
                    owner = store.GLOBAL_TENANT if flag.scope == "global" else self.tenant_id
                    counter = f"flag-{flag.scope}-{flag.target}"
                    slots.append(
                        Slot(tenant_id=owner, counter=counter, window=window, limit=flag.limit_per_minute)
                    )
                continue
            retry_after = int((flag.until - now).total_seconds()) + 1 if flag.until else None
            what = _SCOPE_NAMES.get(flag.scope, f"workflow '{self.workflow_id}'")
            raise RunRefusedError(
                "paused" if flag.action == "pause" else "blocked",
                f"New runs of {what} are {flag.action}ed: {flag.reason}",
                flag.model_dump(mode="json"),
                retry_after=retry_after,
            )
        limit = self.context.runs_per_minute or self.settings.runs_per_minute
        slots.append(Slot(tenant_id=self.tenant_id, counter="runs", window=window, limit=limit))
        return slots

    def _replay(self, first: store.IdempotencyClaim, claim: ClaimRequest) -> RunRecord | None:
        """The run a key started before (``None``: not recorded yet); an execution that never
        reached Step Functions is started now."""
        if first.body_sha256 != claim.body_sha256:
            raise RunRefusedError(
                "idempotency_key_reused",
                "This idempotency key came before with another request.",
                {"run_id": first.run_id},
                status=422,
            )
        try:
            run = store.get_run(self.tenant_id, first.run_id)
        except ItemNotFoundError:
            return None
        if not run.express and run.status == "RUNNING":
            _ensure_started(self.settings, run, self._published())
        return run

    def _run_express(self, run: RunRecord, audit: dict[str, Any], alias_arn: str) -> RunRecord:
        # Nothing can describe an Express execution afterwards: run it to the end and keep the result.
        result = stepfunctions.start_sync_execution(self.settings, alias_arn, run.id, run.input)
        finished = run.model_copy(
            update={
                "execution_arn": str(result["executionArn"]),
                "status": str(result["status"]),
                "stopped_at": result.get("stopDate"),
                "output": stepfunctions.decode_json(result.get("output")),
                "error": result.get("error"),
                "cause": result.get("cause"),
            }
        )
        store.record_start(self.tenant_id, run=finished, audit=audit, slots=[])
        return finished


def _ensure_started(settings: Settings, run: RunRecord, published: dict[str, Any]) -> None:
    """Start the execution of a recorded run if the first attempt never got an answer from Step
    Functions (a timeout after the run was recorded). Only repeats pay this call."""
    try:
        stepfunctions.describe_execution(settings, run.execution_arn)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ExecutionDoesNotExist":
            raise
        alias_arn = f"{published['state_machine_arn']}:{run.environment}"
        try:
            stepfunctions.start_execution(settings, alias_arn, run.id, run.input)
        except ClientError as again:
            if again.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
                raise


def _quota_refusal(slot: Slot, context: StartContext, now: datetime) -> RunRefusedError:
    retry_after = 60 - int(now.timestamp()) % 60
    if slot.counter == "runs":
        return RunRefusedError(
            "quota_exceeded",
            f"This tenant may start {slot.limit} runs per minute; try again in a moment.",
            {"limit": slot.limit, "window_seconds": 60},
            status=429,
            retry_after=retry_after,
        )
    scope = slot.counter.removeprefix("flag-").partition("-")[0]
    flag = next(flag for flag in context.flags if flag.scope == scope and flag.action == "rate_limit")
    return RunRefusedError(
        "rate_limited",
        f"New runs are limited to {slot.limit} per minute ({flag.scope} flag): {flag.reason}",
        {**flag.model_dump(mode="json"), "window_seconds": 60},
        status=429,
        retry_after=retry_after,
    )
