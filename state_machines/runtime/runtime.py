"""LocalRuntime: the Step Functions API over the local interpreter, durable in SQLite.

Executions run as asyncio tasks on one event loop in a background thread; the public methods are
plain (thread-safe, blocking where AWS's API blocks). With a ``db_path`` every execution, its
history and its effects journal are persisted; a new ``LocalRuntime`` on the same file replays the
executions that were still running and continues them without re-running completed tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import random
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from .clock import Clock, RealClock, VirtualClock
from .exceptions import (
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionNotRedrivable,
    InvalidDefinition,
    InvalidOutput,
    StateMachineDoesNotExist,
    TaskDoesNotExist,
    TaskTimedOut,
)
from .integrations import LambdaHandler, PendingToken, TaskDispatcher
from .interpreter import HISTORY_LIMIT, Failure, Run, dumps, token_execution_arn
from .models import ExecutionInfo, ResolvedStateMachine, ServiceCaller, StateMachineResolver
from .store import ExecutionRow, Store

__all__ = ["LocalRuntime"]

_LOG = logging.getLogger(__name__)

_TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


@dataclass(slots=True)
class _Record:
    """An execution as the runtime keeps it in memory."""

    info: ExecutionInfo
    definition: str
    role_arn: str
    events: list[dict[str, Any]] = field(default_factory=list)
    run: Run | None = None
    task: asyncio.Task[None] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    waiters: list[asyncio.Future[None]] = field(default_factory=list)


@functools.lru_cache(maxsize=512)
def _parse_definition(text: str) -> Any:
    """Parse a definition once per text: the interpreter only reads it, so executions share it."""
    return json.loads(text)


def _now_info(info: ExecutionInfo, **changes: Any) -> ExecutionInfo:
    return replace(info, **changes)


class LocalRuntime:
    """Runs ASL state machines locally, like AWS Step Functions.

    Example:
        >>> with LocalRuntime(clock=VirtualClock(auto_advance=True)) as runtime:
        ...     info = runtime.start_sync_execution(
        ...         state_machine_arn="arn:aws:states:us-east-1:123456789012:stateMachine:demo",
        ...         definition='{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
        ...         input='{"a": 1}',
        ...     )
        ...     info.status, info.output
        ('SUCCEEDED', '{"a":1}')
    """

    def __init__(
        self,
        *,
        db_path: Path | None = None,
        clock: Clock | None = None,
        service_caller: ServiceCaller | None = None,
        resolver: StateMachineResolver | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        lambda_handlers: Mapping[str, LambdaHandler] | None = None,
        seed: int | None = None,
        history_limit: int = HISTORY_LIMIT,
    ) -> None:
        if history_limit < 3:
            raise ValueError("history_limit must leave room for ExecutionStarted, a state and the end")
        self.region = region
        self.history_limit = history_limit
        self.account_id = account_id
        self.clock: Clock = clock or RealClock()
        self._resolver = resolver
        self._machines: dict[str, ResolvedStateMachine] = {}
        self._store = Store(db_path) if db_path is not None else None
        self._records: dict[str, _Record] = {}
        self._lock = threading.RLock()
        self._seed = seed
        self._blockers = 0
        self._idle_check_pending = False
        self._dispatcher = TaskDispatcher(self, service_caller)
        for name, handler in (lambda_handlers or {}).items():
            self.register_lambda(name, handler)
        self._loop = asyncio.new_event_loop()
        # Handlers run in threads; the default pool (CPU count + 4) would cap a wide Map at ~6.
        self._executor = ThreadPoolExecutor(max_workers=64, thread_name_prefix="wfaib-lambda")
        self._loop.set_default_executor(self._executor)
        self._thread = threading.Thread(target=self._loop.run_forever, name="wfaib-asl-runtime", daemon=True)
        self._thread.start()
        self._closed = False
        self._owns_lease = False
        if isinstance(self.clock, VirtualClock) and self.clock.auto_advance:
            self.clock.add_timer_listener(self._schedule_idle_check)
        if self._store is not None:
            self._load()

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> LocalRuntime:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the event loop; running executions stay RUNNING in the database and resume later."""
        if self._closed:
            return
        self._closed = True

        async def _cancel_all() -> None:
            current = asyncio.current_task()
            tasks = [task for task in asyncio.all_tasks() if task is not current]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_cancel_all(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()
        self._executor.shutdown(wait=False, cancel_futures=True)
        if self._store is not None:
            if self._owns_lease:
                self._store.release_lease()
            self._store.close()

    @property
    def resumes_executions(self) -> bool:
        """Whether this runtime resumed (and will run) its database's unfinished executions.

        ``False`` without a database, or while another live process holds the database's lease.
        """
        return self._owns_lease

    # ------------------------------------------------------------------ registration
    def register_lambda(self, function_name: str, handler: LambdaHandler) -> None:
        """Serve Lambda tasks for ``function_name`` (also matched as ``name:alias`` or by ARN)."""
        name = function_name.split(":")[6] if function_name.startswith("arn:") else function_name
        self._dispatcher.handlers[name.split(":", 1)[0]] = handler

    def register_state_machine(
        self, arn: str, definition: str, type: str = "STANDARD", name: str | None = None
    ) -> None:
        """Make a state machine startable by nested ``states:startExecution`` tasks."""
        machine_type: Literal["STANDARD", "EXPRESS"] = "EXPRESS" if type == "EXPRESS" else "STANDARD"
        self._machines[arn] = ResolvedStateMachine(
            arn=arn, definition=definition, type=machine_type, name=name
        )

    # ------------------------------------------------------------------ starting
    def start_execution(
        self,
        *,
        state_machine_arn: str,
        definition: str,
        input: str = "{}",
        name: str | None = None,
        type: Literal["STANDARD", "EXPRESS"] = "STANDARD",
        role_arn: str | None = None,
        state_machine_version_arn: str | None = None,
        state_machine_alias_arn: str | None = None,
    ) -> ExecutionInfo:
        """Start an execution and return at once (it runs in the background).

        Starting again with the same name and input returns the existing execution; the same
        name with another input raises ``ExecutionAlreadyExists``.
        """
        record, created = self._create(
            state_machine_arn=state_machine_arn,
            definition=definition,
            input_text=input,
            name=name,
            machine_type=type,
            role_arn=role_arn,
            version_arn=state_machine_version_arn,
            alias_arn=state_machine_alias_arn,
        )
        info = record.info
        if created:
            self._loop.call_soon_threadsafe(self._spawn, record)
        return info

    def start_sync_execution(
        self,
        *,
        state_machine_arn: str,
        definition: str,
        input: str = "{}",
        name: str | None = None,
        type: Literal["STANDARD", "EXPRESS"] = "EXPRESS",
        role_arn: str | None = None,
        state_machine_version_arn: str | None = None,
        state_machine_alias_arn: str | None = None,
    ) -> ExecutionInfo:
        """Run an execution to completion and return its final description (EXPRESS semantics)."""
        self._refuse_on_loop_thread("start_sync_execution")
        record, created = self._create(
            state_machine_arn=state_machine_arn,
            definition=definition,
            input_text=input,
            name=name,
            machine_type=type,
            role_arn=role_arn,
            version_arn=state_machine_version_arn,
            alias_arn=state_machine_alias_arn,
        )
        if created:
            self._loop.call_soon_threadsafe(self._spawn, record)
        record.done.wait()
        return record.info

    def _create(
        self,
        *,
        state_machine_arn: str,
        definition: str,
        input_text: str,
        name: str | None,
        machine_type: str,
        role_arn: str | None = None,
        version_arn: str | None = None,
        alias_arn: str | None = None,
    ) -> tuple[_Record, bool]:
        try:
            parsed = _parse_definition(definition)
        except ValueError as exc:
            raise InvalidDefinition(f"The definition is not valid JSON: {exc}") from None
        if not isinstance(parsed, dict) or "StartAt" not in parsed or "States" not in parsed:
            raise InvalidDefinition("A definition needs 'StartAt' and 'States'.")
        try:
            json.loads(input_text)
        except ValueError as exc:
            raise InvalidDefinition(f"The input is not valid JSON: {exc}") from None
        express = machine_type == "EXPRESS"
        machine_name = state_machine_arn.rsplit(":", 1)[-1]
        execution_name = name or str(uuid.uuid4())
        base = f"arn:aws:states:{self.region}:{self.account_id}"
        if express:
            arn = f"{base}:express:{machine_name}:{execution_name}:{uuid.uuid4()}"
        else:
            arn = f"{base}:execution:{machine_name}:{execution_name}"
        with self._lock:
            existing = self._records.get(arn)
            if existing is None and self._store is not None and not express:
                row = self._store.execution(arn)
                if row is not None:
                    existing = self._record_from_row(row)
                    self._records[arn] = existing
            if existing is not None:
                if existing.info.input != input_text or existing.definition != definition:
                    raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'")
                return existing, False
            info = ExecutionInfo(
                execution_arn=arn,
                state_machine_arn=state_machine_arn,
                name=execution_name,
                status="RUNNING",
                input=input_text,
                output=None,
                error=None,
                cause=None,
                start_date=self.clock.now(),
                stop_date=None,
                redrive_count=0,
                redrive_date=None,
                type="EXPRESS" if express else "STANDARD",
                state_machine_version_arn=version_arn,
                state_machine_alias_arn=alias_arn,
            )
            record = _Record(
                info=info,
                definition=definition,
                role_arn=role_arn or f"arn:aws:iam::{self.account_id}:role/StepFunctionsExecutionRole",
            )
            self._records[arn] = record
        if self._store is not None:
            self._store.upsert_execution(self._row(record))
        return record, True

    # ------------------------------------------------------------------ running (loop thread)
    def _spawn(self, record: _Record, *, journal: dict[str, Any] | None = None, silent: bool = False) -> None:
        info = record.info
        # Seeded per execution so a replay after a restart draws the same jitter, UUIDs and randoms.
        seed = self._seed if self._seed is not None else info.start_date.isoformat()
        rng = random.Random(f"{seed}/{info.execution_arn}")
        run = Run(
            execution_arn=info.execution_arn,
            state_machine_arn=info.state_machine_arn,
            state_machine_name=info.state_machine_arn.rsplit(":", 1)[-1],
            name=info.name,
            definition=_parse_definition(record.definition),
            input_value=json.loads(info.input),
            express=info.type == "EXPRESS",
            role_arn=record.role_arn,
            start=info.start_date,
            clock=self.clock,
            host=self._dispatcher,
            region=self.region,
            redrive_count=info.redrive_count,
            journal=journal,
            events=record.events,
            on_effect=self._persist_progress if self._store is not None else None,
            rng=rng,
            history_limit=self.history_limit,
        )
        run.silent = silent
        if silent:
            run.replayed_events = 0
        record.run = run
        record.task = self._loop.create_task(self._drive(record, run))
        record.task.add_done_callback(functools.partial(self._task_done, record))

    def _task_done(self, record: _Record, task: asyncio.Task[None]) -> None:
        """Finish an execution whose task was cancelled before its first step.

        Cancelling a task that never started closes its coroutine without running any of it, so
        ``_drive``'s own handler (which calls ``_finish``) never runs: a stop right after a
        start would leave the execution without a stopDate and its callers waiting.
        """
        if record.task is task and record.info.status == "ABORTED" and record.info.stop_date is None:
            try:
                self._finish(record, "ABORTED", None, record.info.error, record.info.cause)
            finally:
                record.done.set()

    async def _drive(self, record: _Record, run: Run) -> None:
        definition_timeout = run.definition.get("TimeoutSeconds")
        try:
            if definition_timeout is None:
                status, output, error, cause = await run.execute()
            else:
                status, output, error, cause = await self._with_execution_timeout(
                    record, run, definition_timeout
                )
        except asyncio.CancelledError:
            if record.info.status != "ABORTED":
                return
            status, output, error, cause = "ABORTED", None, record.info.error, record.info.cause
        except Exception as exc:  # a bug must end the execution visibly, never hang its waiters
            _LOG.exception("execution %s crashed", record.info.execution_arn)
            status, output, error, cause = "FAILED", None, "States.Runtime", f"Internal error: {exc!r}"
        try:
            self._finish(record, status, output, error, cause)
        finally:
            record.done.set()

    async def _with_execution_timeout(
        self, record: _Record, run: Run, seconds: Any
    ) -> tuple[str, Any, str | None, str | None]:
        main = asyncio.ensure_future(run.execute())
        timer = asyncio.ensure_future(
            self.clock.sleep_until(record.info.start_date + timedelta(seconds=float(seconds)))
        )
        try:
            done, _ = await asyncio.wait([main, timer], return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            main.cancel()
            timer.cancel()
            raise
        if main in done:
            timer.cancel()
            return main.result()
        main.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await main
        run.go_live()
        run.emit(None, "ExecutionTimedOut", {"error": "States.Timeout", "cause": "The execution timed out."})
        return "TIMED_OUT", None, "States.Timeout", "The execution timed out."

    def _finish(
        self, record: _Record, status: str, output: Any, error: str | None, cause: str | None
    ) -> None:
        record.info = _now_info(
            record.info,
            status=status,
            output=dumps(output) if status == "SUCCEEDED" else None,
            error=error,
            cause=cause,
            stop_date=self.clock.now(),
        )
        if self._store is not None and record.run is not None:
            self._persist_progress(record.run, final=record)
            # The database has it all now: keep long-lived runtimes' memory flat.
            record.run, record.events = None, []
        record.done.set()
        for waiter in record.waiters:
            if not waiter.done():
                waiter.set_result(None)
        record.waiters.clear()
        self._schedule_idle_check()

    def _persist_progress(self, run: Run, final: _Record | None = None) -> None:
        assert self._store is not None
        new_events = run.events[run.persisted_events :]
        run.persisted_events = len(run.events)
        journal, run.new_journal = run.new_journal, {}
        row = self._status_columns(final) if final is not None else None
        self._store.save_progress(run.execution_arn, new_events, journal, row)

    # ------------------------------------------------------------------ nested executions
    async def start_child(self, machine_arn: str, input_text: str, name: str) -> ExecutionInfo:
        """Start a nested execution from a ``states:startExecution`` task (loop thread)."""
        machine = self._machines.get(machine_arn) or (self._resolver(machine_arn) if self._resolver else None)
        if machine is None:
            # A parent replayed after a restart finds the child it had started among the resumed
            # executions, even before anyone registered the child's state machine again.
            machine_name = machine_arn.rsplit(":", 1)[-1]
            arn = f"arn:aws:states:{self.region}:{self.account_id}:execution:{machine_name}:{name}"
            with self._lock:
                existing = self._records.get(arn)
            if existing is not None and existing.info.input == input_text:
                return existing.info
            raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{machine_arn}'")
        record, created = self._create(
            state_machine_arn=machine.arn,
            definition=machine.definition,
            input_text=input_text,
            name=name,
            machine_type=machine.type,
        )
        if created:
            self._spawn(record)
        return record.info

    async def await_child(self, execution_arn: str) -> ExecutionInfo:
        """Wait for a nested execution to end (loop thread)."""
        record = self._records[execution_arn]
        if record.info.status == "RUNNING":
            waiter: asyncio.Future[None] = self._loop.create_future()
            record.waiters.append(waiter)
            await waiter
        return record.info

    # ------------------------------------------------------------------ auto-advance
    @contextlib.contextmanager
    def blocking(self) -> Iterator[None]:
        """Mark work the virtual clock must not jump over (a Lambda handler, a service call)."""
        self._blockers += 1
        try:
            yield
        finally:
            self._blockers -= 1
            self._schedule_idle_check()

    def _schedule_idle_check(self) -> None:
        if not isinstance(self.clock, VirtualClock) or not self.clock.auto_advance:
            return
        if not self._idle_check_pending:
            self._idle_check_pending = True
            self._loop.call_soon(self._idle_check)

    def _idle_check(self) -> None:
        """Jump the virtual clock to the next timer once nothing else can make progress."""
        self._idle_check_pending = False
        clock = self.clock
        assert isinstance(clock, VirtualClock)
        if self._blockers:
            return
        # asyncio has no public "is anything runnable?" query; CPython's loop keeps its ready
        # callbacks in ``_ready``. While anything is runnable, look again on the next iteration.
        if getattr(self._loop, "_ready", ()):
            self._schedule_idle_check()
            return
        due = clock.next_due()
        if due is None:
            return
        expiry = self._dispatcher.earliest_token_expiry()
        if expiry is not None and due >= expiry:
            # Jumping there would time a token out before anyone outside could answer it.
            return
        clock.advance_to(due)
        self._schedule_idle_check()

    # ------------------------------------------------------------------ queries
    def describe_execution(self, execution_arn: str) -> ExecutionInfo:
        """The execution's current description."""
        return self._record(execution_arn).info

    def list_executions(
        self, state_machine_arn: str | None = None, status_filter: str | None = None
    ) -> list[ExecutionInfo]:
        """Executions, newest first, optionally of one state machine and one status."""
        with self._lock:
            infos = [r.info for r in self._records.values()]
        if state_machine_arn is not None:
            infos = [i for i in infos if i.state_machine_arn == state_machine_arn]
        if status_filter is not None:
            infos = [i for i in infos if i.status == status_filter]
        return sorted(infos, key=lambda i: i.start_date, reverse=True)

    def get_execution_history(self, execution_arn: str) -> list[dict[str, Any]]:
        """The history events, in GetExecutionHistory's shape, oldest first."""
        record = self._record(execution_arn)
        if record.run is None and not record.events and self._store is not None:
            return self._store.events(execution_arn)
        return [dict(event) for event in list(record.events)]

    def wait(self, execution_arn: str, timeout: float | None = None) -> ExecutionInfo:
        """Block until the execution is no longer RUNNING (or ``timeout`` seconds passed)."""
        self._refuse_on_loop_thread("wait")
        record = self._record(execution_arn)
        record.done.wait(timeout)
        return record.info

    def _refuse_on_loop_thread(self, method: str) -> None:
        """Blocking calls from the runtime's own thread (e.g. a ServiceCaller) would deadlock it."""
        if threading.current_thread() is self._thread:
            raise RuntimeError(f"LocalRuntime.{method} cannot block the runtime's own event loop thread")

    def _record(self, execution_arn: str) -> _Record:
        with self._lock:
            record = self._records.get(execution_arn)
        if record is None:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{execution_arn}'")
        return record

    # ------------------------------------------------------------------ control
    def stop_execution(
        self, execution_arn: str, error: str | None = None, cause: str | None = None
    ) -> ExecutionInfo:
        """Abort a running execution (ExecutionAborted) and return its final description.

        Child executions it started with ``states:startExecution.sync`` / ``.sync:2`` and is still
        waiting for are stopped too, as AWS stops them.
        """
        record = self._record(execution_arn)
        if record.info.status != "RUNNING":
            return record.info
        self._loop.call_soon_threadsafe(self._abort, record, error, cause)
        # Only a stuck event loop (a blocking call on it) could keep this waiting.
        record.done.wait(5)
        return record.info

    def _abort(self, record: _Record, error: str | None, cause: str | None) -> None:
        """End a RUNNING execution as ABORTED (loop thread)."""
        if record.info.status != "RUNNING":
            return
        record.info = _now_info(record.info, status="ABORTED", error=error, cause=cause)
        run = record.run
        if run is not None:
            run.begin()
            run.go_live()
            run.emit(None, "ExecutionAborted", {k: v for k, v in (("error", error), ("cause", cause)) if v})
        task = record.task
        if task is None or task.done():
            try:
                self._finish(record, "ABORTED", None, error, cause)
            finally:
                record.done.set()
            return
        # ``_drive`` (or ``_task_done`` for a task that never started) finishes the record.
        task.cancel()

    def stop_child(self, execution_arn: str) -> None:
        """Stop a nested execution whose parent stopped waiting for it (loop thread).

        Closing the runtime also cancels parents; their children must stay RUNNING then, to
        resume with them.
        """
        record = self._records.get(execution_arn)
        if record is not None and not self._closed:
            self._abort(record, None, None)

    def redrive_execution(self, execution_arn: str) -> ExecutionInfo:
        """Continue a FAILED/TIMED_OUT/ABORTED standard execution from where it stopped."""
        record = self._record(execution_arn)
        if record.info.type == "EXPRESS" or record.info.status not in ("FAILED", "TIMED_OUT", "ABORTED"):
            raise ExecutionNotRedrivable(f"Execution is {record.info.status} and cannot be redriven")
        if not record.events and self._store is not None:
            record.events.extend(self._store.events(execution_arn))
        if len(record.events) >= self.history_limit - 1:
            # AWS redrives only histories below 24,999 events (its redriveStatusReason sentence).
            raise ExecutionNotRedrivable("Execution history event limit exceeded.")
        journal = (
            record.run.journal
            if record.run is not None
            else (self._store.journal(execution_arn) if self._store else {})
        )
        journal = {k: v for k, v in journal.items() if "error" not in v}
        now = self.clock.now()
        record.info = _now_info(
            record.info,
            status="RUNNING",
            output=None,
            error=None,
            cause=None,
            stop_date=None,
            redrive_count=record.info.redrive_count + 1,
            redrive_date=now,
        )
        record.done = threading.Event()
        record.events.append(
            {
                "timestamp": now,
                "type": "ExecutionRedriven",
                "id": len(record.events) + 1,
                "previousEventId": len(record.events),
                "executionRedrivenEventDetails": {"redriveCount": record.info.redrive_count},
            }
        )
        if self._store is not None:
            self._store.clear_progress(execution_arn, keep_events=True)
            self._store.save_progress(
                execution_arn, record.events[-1:], journal, self._status_columns(record)
            )

        def _go() -> None:
            self._spawn(record, journal=journal, silent=True)
            assert record.run is not None
            record.run.persisted_events = len(record.events)

        self._loop.call_soon_threadsafe(_go)
        return record.info

    # ------------------------------------------------------------------ task tokens
    def send_task_success(self, task_token: str, output: str) -> None:
        """Complete a ``.waitForTaskToken`` task with ``output`` (JSON text)."""
        try:
            value = json.loads(output)
        except ValueError:
            raise InvalidOutput("Invalid output: the output must be valid JSON.") from None
        self._answer_token(task_token, lambda pending: pending.future.set_result(value))

    def send_task_failure(self, task_token: str, error: str | None = None, cause: str | None = None) -> None:
        """Fail a ``.waitForTaskToken`` task with ``error``/``cause``."""
        self._answer_token(task_token, lambda pending: pending.future.set_exception(Failure(error, cause)))

    def send_task_heartbeat(self, task_token: str) -> None:
        """Report that the worker behind ``task_token`` is alive (restarts HeartbeatSeconds)."""

        def _beat(pending: PendingToken) -> None:
            if pending.request.heartbeat is not None:
                pending.request.last_beat = self.clock.now()
                pending.request.heartbeat.set()

        self._answer_token(task_token, _beat)

    def _answer_token(self, token: str, action: Callable[[PendingToken], None]) -> None:
        if threading.current_thread() is self._thread:
            # Called from the loop itself (e.g. by a ServiceCaller): answer at once, no replay wait.
            pending = self._dispatcher.tokens.get(token)
            if pending is None or pending.future.done():
                raise TaskDoesNotExist("Task Does Not Exist: the task token is unknown or already answered.")
            action(pending)
            return
        asyncio.run_coroutine_threadsafe(self._answer_token_async(token, action), self._loop).result()

    async def _answer_token_async(self, token: str, action: Callable[[PendingToken], None]) -> None:
        pending = self._dispatcher.tokens.get(token)
        if pending is None:
            record = self._records.get(token_execution_arn(token) or "")
            # A restarted execution re-registers its tokens while it replays: give it that time.
            while (
                pending is None
                and record is not None
                and record.run is not None
                and record.info.status == "RUNNING"
                and record.run.next_event_id <= record.run.replayed_events
            ):
                await asyncio.sleep(0.001)
                pending = self._dispatcher.tokens.get(token)
        if pending is None and token in self._dispatcher.timed_out:
            raise TaskTimedOut("Task Timed Out: the task behind this token timed out.")
        if pending is None or pending.future.done():
            raise TaskDoesNotExist("Task Does Not Exist: the task token is unknown or already answered.")
        action(pending)

    # ------------------------------------------------------------------ persistence
    def _row(self, record: _Record) -> ExecutionRow:
        info = record.info
        return {
            "arn": info.execution_arn,
            "state_machine_arn": info.state_machine_arn,
            "name": info.name,
            "status": info.status,
            "type": info.type,
            "definition": record.definition,
            "input": info.input,
            "output": info.output,
            "error": info.error,
            "cause": info.cause,
            "role_arn": record.role_arn,
            "start_date": info.start_date.isoformat(),
            "stop_date": info.stop_date.isoformat() if info.stop_date else None,
            "redrive_count": info.redrive_count,
            "redrive_date": info.redrive_date.isoformat() if info.redrive_date else None,
            "version_arn": info.state_machine_version_arn,
            "alias_arn": info.state_machine_alias_arn,
        }

    def _status_columns(self, record: _Record) -> ExecutionRow:
        """The execution columns that change after the start (the definition never does)."""
        info = record.info
        return {
            "status": info.status,
            "output": info.output,
            "error": info.error,
            "cause": info.cause,
            "stop_date": info.stop_date.isoformat() if info.stop_date else None,
            "redrive_count": info.redrive_count,
            "redrive_date": info.redrive_date.isoformat() if info.redrive_date else None,
        }

    def _record_from_row(self, row: ExecutionRow) -> _Record:
        def _date(text: str | None) -> datetime | None:
            return datetime.fromisoformat(text) if text else None

        start = _date(row["start_date"])
        assert start is not None
        info = ExecutionInfo(
            execution_arn=row["arn"],
            state_machine_arn=row["state_machine_arn"],
            name=row["name"],
            status=row["status"],
            input=row["input"],
            output=row["output"],
            error=row["error"],
            cause=row["cause"],
            start_date=start,
            stop_date=_date(row["stop_date"]),
            redrive_count=row["redrive_count"],
            redrive_date=_date(row["redrive_date"]),
            type=row["type"],
            state_machine_version_arn=row["version_arn"],
            state_machine_alias_arn=row["alias_arn"],
        )
        record = _Record(info=info, definition=row["definition"], role_arn=row["role_arn"])
        if info.status in _TERMINAL:
            record.done.set()
        return record

    def _load(self) -> None:
        """Load persisted executions and resume the ones that were RUNNING (if no live process does)."""
        assert self._store is not None
        self._owns_lease = self._store.acquire_lease()
        resume: list[tuple[_Record, dict[str, Any]]] = []
        for row in self._store.executions():
            record = self._record_from_row(row)
            self._records[record.info.execution_arn] = record
            if record.info.status == "RUNNING" and self._owns_lease:
                record.events.extend(self._store.events(record.info.execution_arn))
                resume.append((record, self._store.journal(record.info.execution_arn)))

        def _resume_all() -> None:
            for record, journal in resume:
                self._spawn(record, journal=journal)

        if resume:
            self._loop.call_soon_threadsafe(_resume_all)
