"""The Task state: resolve the arguments, call the resource through the TaskHost, enforce
TimeoutSeconds/HeartbeatSeconds on the runtime's clock, and record the task events."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .core import (
    Failure,
    StateVisit,
    TaskRequest,
    dumps,
    finish_jsonata,
    finish_jsonpath,
    input_path,
    jsonata_value,
    next_state,
    without_none,
)
from .jsonpath import read_path
from .payload import evaluate_payload

if TYPE_CHECKING:
    from .interpreter import Run

__all__ = ["task_state", "token_execution_arn"]


# --------------------------------------------------------------------------- Task
async def task_state(run: Run, st: StateVisit) -> tuple[Any, str | None]:
    spec = st.spec
    resource: str = spec["Resource"]
    token = None
    if resource.endswith(".waitForTaskToken"):
        token = _token(run, st)
        st.context = {**st.context, "Task": {"Token": token}}
    variables = st.frame.scope.flat()
    states: dict[str, Any] = {"input": st.raw_input, "context": st.context}
    if st.jsonata:
        arguments = jsonata_value(spec.get("Arguments"), states, variables, "Arguments", st.rng)
        if "Arguments" not in spec:
            arguments = st.raw_input
        timeout = jsonata_value(spec.get("TimeoutSeconds"), states, variables, "TimeoutSeconds", st.rng)
        heartbeat = jsonata_value(spec.get("HeartbeatSeconds"), states, variables, "HeartbeatSeconds", st.rng)
    else:
        effective = input_path(st)
        arguments = (
            evaluate_payload(
                spec["Parameters"],
                effective,
                context=st.context,
                variables=variables,
                field="Parameters",
                rng=st.rng,
            )
            if "Parameters" in spec
            else effective
        )
        timeout = spec.get("TimeoutSeconds")
        if "TimeoutSecondsPath" in spec:
            timeout = read_path(
                spec["TimeoutSecondsPath"],
                effective,
                context=st.context,
                variables=variables,
                field="TimeoutSecondsPath",
            )
        heartbeat = spec.get("HeartbeatSeconds")
        if "HeartbeatSecondsPath" in spec:
            heartbeat = read_path(
                spec["HeartbeatSecondsPath"],
                effective,
                context=st.context,
                variables=variables,
                field="HeartbeatSecondsPath",
            )
    frame = st.frame
    lambda_function = _is_lambda_function(resource)
    resource_type, resource_name = _resource_parts(resource)
    base = {"resourceType": resource_type, "resource": resource_name}
    if lambda_function:
        scheduled = {"resource": resource, "input": dumps(arguments), "inputDetails": {"truncated": False}}
        if timeout is not None:
            scheduled["timeoutInSeconds"] = timeout
        run.emit(frame, "LambdaFunctionScheduled", scheduled)
        run.emit(frame, "LambdaFunctionStarted")
    else:
        scheduled = {**base, "region": run.region, "parameters": dumps(arguments)}
        if timeout is not None:
            scheduled["timeoutInSeconds"] = timeout
        if heartbeat is not None:
            scheduled["heartbeatInSeconds"] = heartbeat
        run.emit(frame, "TaskScheduled", scheduled)
        run.emit(frame, "TaskStarted", base)
    heartbeat_event = asyncio.Event() if heartbeat is not None and token is not None else None
    request = TaskRequest(
        resource=resource,
        arguments=arguments,
        state_name=st.name,
        key=st.key,
        attempt=st.retry_count,
        token=token,
        heartbeat=heartbeat_event,
    )
    if token is not None:

        def _submitted(output: Any) -> None:
            run.emit(
                frame,
                "TaskSubmitted",
                {**base, "output": dumps(output), "outputDetails": {"truncated": False}},
            )

        request.submitted = _submitted
    call_key = f"{st.key}@task{st.retry_count}"
    try:
        result = await run.effect(
            call_key, lambda: _call_with_timeouts(run, request, call_key, timeout, heartbeat)
        )
    except Failure as failure:
        details = without_none({"error": failure.error, "cause": failure.cause})
        if lambda_function:
            kind = "LambdaFunctionTimedOut" if failure.error == "States.Timeout" else "LambdaFunctionFailed"
            run.emit(frame, kind, details)
        else:
            kind = (
                "TaskTimedOut"
                if failure.error in ("States.Timeout", "States.HeartbeatTimeout")
                else "TaskFailed"
            )
            run.emit(frame, kind, {**base, **details})
        raise
    output_details = {"output": dumps(result), "outputDetails": {"truncated": False}}
    if lambda_function:
        run.emit(frame, "LambdaFunctionSucceeded", output_details)
    else:
        run.emit(frame, "TaskSucceeded", {**base, **output_details})
    if st.jsonata:
        return finish_jsonata(st, result, default_output=result), next_state(spec)
    if "ResultSelector" in spec:
        result = evaluate_payload(
            spec["ResultSelector"],
            result,
            context=st.context,
            variables=variables,
            field="ResultSelector",
            rng=st.rng,
        )
    return finish_jsonpath(st, result), next_state(spec)


def _token(run: Run, st: StateVisit) -> str:
    """A task token that stays the same when the execution is replayed after a restart."""
    raw = f"{run.execution_arn}|{st.key}@task{st.retry_count}"
    token: str = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return token


def token_execution_arn(token: str) -> str | None:
    """The execution a task token belongs to, or ``None`` for a token we did not issue."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    arn, separator, _ = raw.partition("|")
    return arn if separator else None


async def _call_with_timeouts(run: Run, request: TaskRequest, key: str, timeout: Any, heartbeat: Any) -> Any:
    """Await the task, failing it with States.Timeout / States.HeartbeatTimeout on the clock."""
    if request.token is not None:
        run.host.register_token(run, request.token, request)
    timed_out = False
    call = asyncio.ensure_future(run.host.call_task(run, request))
    waiters: dict[asyncio.Future[Any], str] = {}
    try:
        if timeout is None and heartbeat is None:
            return await call
        start_key = f"{key}@scheduled"
        if start_key in run.journal:
            started = datetime.fromisoformat(run.journal[start_key]["due"])
        else:
            started = run.clock.now()
            run.record(start_key, {"due": started.isoformat()})
        deadline = started + timedelta(seconds=float(timeout)) if timeout is not None else None
        beat_window = timedelta(seconds=float(heartbeat)) if heartbeat is not None else None
        while True:
            waiters = {call: "call"}
            request.expires = deadline
            if deadline is not None:
                waiters[asyncio.ensure_future(run.clock.sleep_until(deadline))] = "timeout"
            if beat_window is not None and request.heartbeat is not None:
                beat_deadline = (request.last_beat or started) + beat_window
                request.expires = min(beat_deadline, deadline or beat_deadline)
                waiters[asyncio.ensure_future(run.clock.sleep_until(beat_deadline))] = "heartbeat"
                waiters[asyncio.ensure_future(request.heartbeat.wait())] = "beat"
            done, _ = await asyncio.wait(list(waiters), return_when=asyncio.FIRST_COMPLETED)
            if call in done:
                return call.result()
            for waiter in waiters:
                if waiter is not call and waiter not in done:
                    waiter.cancel()
            kinds = {waiters[d] for d in done}
            if "timeout" in kinds:
                timed_out = True
                raise Failure("States.Timeout", None)
            if request.heartbeat is not None:
                request.heartbeat.clear()
            if (
                "heartbeat" in kinds
                and beat_window is not None
                and run.clock.now() >= (request.last_beat or started) + beat_window
            ):
                timed_out = True
                raise Failure("States.HeartbeatTimeout", None)
    finally:
        # Also when this task is cancelled (the execution stopped): asyncio.wait cancels
        # nothing it waits on, and a call left running would outlive its execution.
        for waiter in (call, *waiters):
            waiter.cancel()
        if request.token is not None:
            run.host.release_token(request.token, timed_out=timed_out)


def _is_lambda_function(resource: str) -> bool:
    return resource.startswith("arn:") and ":lambda:" in resource and ":function:" in resource


def _resource_parts(resource: str) -> tuple[str, str]:
    """``arn:aws:states:::lambda:invoke`` → ``("lambda", "invoke")`` as history events show it."""
    if resource.startswith("arn:") and ":::" in resource:
        rest = resource.split(":::", 1)[1]
        if rest.startswith("aws-sdk:"):
            parts = rest.split(":")
            return ":".join(parts[:2]), ":".join(parts[2:])
        service, _, action = rest.partition(":")
        return service, action
    if _is_lambda_function(resource):
        return "lambda", resource
    return "activity", resource
