"""Task resources: Lambda handlers, nested executions, task tokens and other AWS services.

The interpreter hands every Task state to :class:`TaskDispatcher.call_task`, which picks the
integration from the resource ARN:

- ``arn:aws:lambda:...:function:NAME`` and ``arn:aws:states:::lambda:invoke[.waitForTaskToken]``
  call a Python handler registered by function name (``handler(event, context)``), in a worker
  thread so a slow handler does not stall other executions;
- ``arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`` start a nested
  execution on the same runtime;
- anything else goes to the configured ``ServiceCaller`` (boto3 at an endpoint).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import traceback
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .errors import StatesError
from .exceptions import RuntimeApiError
from .interpreter import Run, TaskRequest, dumps, iso_millis
from .models import ExecutionInfo, ServiceCaller, TaskInvocation

if TYPE_CHECKING:
    from .runtime import LocalRuntime

__all__ = ["LambdaContext", "LambdaHandler", "PendingToken", "TaskDispatcher"]

LambdaHandler = Callable[[Any, Any], Any]


@dataclass(frozen=True, slots=True)
class LambdaContext:
    """The parts of AWS Lambda's context object handlers commonly read."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        """Time left before the Lambda timeout (a fixed minute locally)."""
        return 60_000


@dataclass(slots=True)
class PendingToken:
    """A task waiting for SendTaskSuccess/Failure."""

    future: asyncio.Future[Any]
    request: TaskRequest
    run: Run


def _function_name(reference: str) -> str:
    """``name``, ``name:alias`` or a function ARN → the bare function name."""
    if reference.startswith("arn:"):
        parts = reference.split(":")
        return parts[6] if len(parts) > 6 else reference
    return reference.split(":", 1)[0]


class TaskDispatcher:
    """Implements the interpreter's ``TaskHost`` for one :class:`LocalRuntime`."""

    def __init__(self, runtime: LocalRuntime, service_caller: ServiceCaller | None) -> None:
        self._runtime = runtime
        self._service_caller = service_caller
        self.handlers: dict[str, LambdaHandler] = {}
        self.tokens: dict[str, PendingToken] = {}
        self.timed_out: set[str] = set()

    # ---------------------------------------------------------------- tokens
    def register_token(self, run: Run, token: str, request: TaskRequest) -> None:
        """Accept SendTask* calls for ``token`` from now on."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.tokens[token] = PendingToken(future=future, request=request, run=run)

    def release_token(self, token: str, *, timed_out: bool = False) -> None:
        """Stop accepting SendTask* calls for ``token`` (remember it when its task timed out)."""
        self.tokens.pop(token, None)
        if timed_out:
            self.timed_out.add(token)

    # ---------------------------------------------------------------- dispatch
    async def call_task(self, run: Run, request: TaskRequest) -> Any:
        """Run a Task state's resource and return its result (raise StatesError on failure)."""
        resource = request.resource
        if resource.startswith("arn:") and ":lambda:" in resource and ":function:" in resource:
            return await self._invoke_handler(resource, request.arguments, run)
        if resource.startswith("arn:aws:states:::lambda:invoke"):
            return await self._lambda_invoke(request, run)
        if resource.startswith("arn:aws:states:::states:startExecution"):
            return await self._start_execution(request, run)
        if self._service_caller is None:
            raise StatesError(
                "States.Runtime",
                f"The resource '{resource}' is not supported by the local runtime without a service caller.",
            )
        invocation = TaskInvocation(
            execution_arn=run.execution_arn,
            state_name=request.state_name,
            attempt=request.attempt,
            task_token=request.token,
            idempotency_key=f"{run.execution_arn}/{request.key}",
            region=self._runtime.region,
            account_id=self._runtime.account_id,
        )
        # A copy: the caller may mutate it, and it can share objects with the (cached) definition.
        arguments = json.loads(dumps(request.arguments)) if isinstance(request.arguments, dict) else {}
        caller = self._service_caller

        async def _call() -> Any:
            with self._runtime.blocking():
                return await caller(resource, arguments, invocation)

        if request.token is not None:
            await self._submit(run, request, _call)
            return await self._await_token(request)
        return await _call()

    async def _submit(self, run: Run, request: TaskRequest, call: Callable[[], Awaitable[Any]]) -> None:
        """The call that hands the token out, once per token even across restarts (TaskSubmitted)."""
        result = await run.effect(f"{request.key}@submit{request.attempt}", call)
        if request.submitted is not None:
            request.submitted(result)

    async def _await_token(self, request: TaskRequest) -> Any:
        assert request.token is not None
        pending = self.tokens.get(request.token)
        if pending is None:
            raise StatesError("States.Runtime", "The task token was released before it was answered.")
        # Not ``blocking()``: the answer comes from outside at any moment, so auto-advance may move
        # the clock meanwhile, but never up to the token's own timeout (``request.expires``).
        return await pending.future

    def earliest_token_expiry(self) -> datetime | None:
        """The soonest moment an outstanding token's TimeoutSeconds/HeartbeatSeconds fires."""
        expiries = [
            pending.request.expires
            for pending in self.tokens.values()
            if pending.request.expires is not None and not pending.future.done()
        ]
        return min(expiries, default=None)

    async def _invoke_handler(self, reference: str, event: Any, run: Run) -> Any:
        name = _function_name(reference)
        handler = self.handlers.get(name)
        if handler is None:
            raise StatesError(
                "Lambda.ResourceNotFoundException",
                f"Function not found: arn:aws:lambda:{self._runtime.region}:{self._runtime.account_id}"
                f":function:{name}",
            )
        request_id = str(uuid.uuid4())
        context = LambdaContext(
            function_name=name,
            invoked_function_arn=f"arn:aws:lambda:{self._runtime.region}:{self._runtime.account_id}:function:{name}",
            aws_request_id=request_id,
        )
        payload = json.loads(dumps(event))
        with self._runtime.blocking():
            outcome = await asyncio.to_thread(_call_handler, handler, payload, context)
        if isinstance(outcome, _HandlerError):
            raise StatesError(outcome.error, outcome.cause)
        return outcome

    async def _lambda_invoke(self, request: TaskRequest, run: Run) -> Any:
        arguments = request.arguments if isinstance(request.arguments, dict) else {}
        function = arguments.get("FunctionName")
        if not isinstance(function, str):
            raise StatesError(
                "States.Runtime", "The lambda:invoke integration needs a string 'FunctionName' argument."
            )
        payload = arguments.get("Payload")
        if isinstance(payload, str):
            with contextlib.suppress(ValueError):
                payload = json.loads(payload)
        if request.token is not None:
            await self._submit(run, request, lambda: self._invoke_handler(function, payload, run))
            return await self._await_token(request)
        result = await self._invoke_handler(function, payload, run)
        request_id = str(uuid.uuid4())
        body = dumps(result)
        headers = {
            "Connection": "keep-alive",
            "Content-Length": str(len(body.encode())),
            "Content-Type": "application/json",
            "X-Amz-Executed-Version": "$LATEST",
            "x-amzn-Remapped-Content-Length": "0",
            "x-amzn-RequestId": request_id,
        }
        return {
            "ExecutedVersion": "$LATEST",
            "Payload": result,
            "SdkHttpMetadata": {
                "AllHttpHeaders": {k: [v] for k, v in headers.items()},
                "HttpHeaders": headers,
                "HttpStatusCode": 200,
            },
            "SdkResponseMetadata": {"RequestId": request_id},
            "StatusCode": 200,
        }

    async def _start_execution(self, request: TaskRequest, run: Run) -> Any:
        arguments = request.arguments if isinstance(request.arguments, dict) else {}
        machine_arn = arguments.get("StateMachineArn")
        if not isinstance(machine_arn, str):
            raise StatesError(
                "States.Runtime", "The states:startExecution integration needs a 'StateMachineArn' argument."
            )
        child_input = arguments.get("Input", {})
        input_text = child_input if isinstance(child_input, str) else dumps(child_input)
        name = arguments.get("Name")
        if not isinstance(name, str):
            name = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{run.execution_arn}/{request.key}/{request.attempt}"))
        suffix = request.resource.removeprefix("arn:aws:states:::states:startExecution")
        if suffix == ".waitForTaskToken":

            async def _start() -> Any:
                child = await self._start_child(machine_arn, input_text, name)
                return {"ExecutionArn": child.execution_arn, "StartDate": iso_millis(child.start_date)}

            await self._submit(run, request, _start)
            return await self._await_token(request)
        record = await self._start_child(machine_arn, input_text, name)
        if suffix == "":
            return {"ExecutionArn": record.execution_arn, "StartDate": iso_millis(record.start_date)}
        try:
            info = await self._runtime.await_child(record.execution_arn)
        except asyncio.CancelledError:
            # The parent stopped waiting (stopped, timed out, a sibling branch failed): AWS stops
            # the child it runs as a job (why .sync needs states:StopExecution on it).
            self._runtime.stop_child(record.execution_arn)
            raise
        as_json = suffix == ".sync:2"
        described: dict[str, Any] = {
            "ExecutionArn": info.execution_arn,
            "Input": json.loads(info.input) if as_json else info.input,
            "InputDetails": {"Included": True},
            "Name": info.name,
            "RedriveCount": info.redrive_count,
            "StartDate": iso_millis(info.start_date),
            "StateMachineArn": info.state_machine_arn,
            "Status": info.status,
            "StopDate": iso_millis(info.stop_date) if info.stop_date else None,
        }
        if info.status == "SUCCEEDED":
            output = info.output or "null"
            described["Output"] = json.loads(output) if as_json else output
            described["OutputDetails"] = {"Included": True}
            return described
        if info.error is not None:
            described["Error"] = info.error
        if info.cause is not None:
            described["Cause"] = info.cause
        raise StatesError("States.TaskFailed", dumps(described))

    async def _start_child(self, machine_arn: str, input_text: str, name: str) -> ExecutionInfo:
        """StartExecution's API errors fail the task as AWS names them (``StepFunctions.<Code>Exception``)."""
        try:
            return await self._runtime.start_child(machine_arn, input_text, name)
        except RuntimeApiError as exc:
            raise StatesError(f"StepFunctions.{exc.code}Exception", str(exc)) from None


@dataclass(frozen=True, slots=True)
class _HandlerError:
    error: str
    cause: str


def _call_handler(handler: LambdaHandler, event: Any, context: LambdaContext) -> Any:
    """Call a handler as Lambda's Python runtime does; an exception becomes Lambda's error JSON."""
    try:
        result = handler(event, context)
        if inspect.iscoroutine(result):  # an ``async def`` handler: run it in this worker thread
            result = asyncio.run(result)
        return json.loads(dumps(result))
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        cause = {
            "errorMessage": str(exc),
            "errorType": type(exc).__name__,
            "requestId": context.aws_request_id,
            "stackTrace": [
                f'  File "{f.filename}", line {f.lineno}, in {f.name}\n    {f.line}\n' for f in frames
            ],
        }
        return _HandlerError(error=type(exc).__name__, cause=json.dumps(cause))
