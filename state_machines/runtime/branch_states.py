"""Parallel and Map (inline and distributed, with ItemSelector, ItemBatcher, MaxConcurrency and
tolerated failures): each branch or iteration runs as its own asyncio task with its own frame."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .core import (
    JSONATA,
    Failure,
    FatalFailure,
    Frame,
    Scope,
    StateVisit,
    TaskRequest,
    dumps,
    finish_jsonata,
    finish_jsonpath,
    input_path,
    is_integral,
    jsonata_value,
    next_state,
    plain_text,
)
from .errors import StatesError
from .jsonata_eval import evaluate_expression, is_jsonata_template, template_expression
from .jsonpath import read_path
from .payload import evaluate_payload

if TYPE_CHECKING:
    from .interpreter import Run

__all__ = ["map_state", "parallel_state"]


# --------------------------------------------------------------------------- Parallel
async def parallel_state(run: Run, st: StateVisit) -> tuple[Any, str | None]:
    spec = st.spec
    variables = st.frame.scope.flat()
    if st.jsonata:
        states = {"input": st.raw_input, "context": st.context}
        branch_input = (
            jsonata_value(spec["Arguments"], states, variables, "Arguments", st.rng)
            if "Arguments" in spec
            else st.raw_input
        )
    else:
        effective = input_path(st)
        branch_input = (
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
    frame = st.frame
    run.emit(frame, "ParallelStateStarted")
    language = JSONATA if st.jsonata else "JSONPath"
    branches = spec["Branches"]
    children = [
        Frame(
            path=f"{st.key}@{st.retry_count}/b{index}/",
            scope=Scope(frame.scope),
            previous_event=frame.previous_event,
            in_child_execution=frame.in_child_execution,
        )
        for index in range(len(branches))
    ]
    tasks = [
        asyncio.ensure_future(run.run_program(branch, _copy(branch_input), child, language))
        for branch, child in zip(branches, children, strict=True)
    ]
    try:
        results = await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        raise
    frame.previous_event = max(child.previous_event for child in children)
    if st.jsonata:
        return finish_jsonata(st, results, default_output=results), next_state(spec)
    result: Any = results
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


def _copy(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value))
    return value


# --------------------------------------------------------------------------- Map
async def map_state(run: Run, st: StateVisit) -> tuple[Any, str | None]:
    spec = st.spec
    variables = st.frame.scope.flat()
    states = {"input": st.raw_input, "context": st.context}
    if st.jsonata:
        effective = st.raw_input
        if "ItemReader" in spec:
            items = await _read_items(run, st, spec["ItemReader"], effective, states, variables)
        elif "Items" in spec:
            items = spec["Items"]
            if isinstance(items, list):
                items = jsonata_value(items, states, variables, "Items", st.rng)
            elif is_jsonata_template(items):
                items = evaluate_expression(
                    template_expression(items) or "",
                    states=states,
                    variables=variables,
                    field="Items",
                    expected="array",
                    rng=st.rng,
                )
        else:
            items = effective
        if not isinstance(items, list):
            raise StatesError(
                "States.QueryEvaluationError", f"Map state input must be an array but was: {dumps(items)}"
            )
        max_concurrency = _jsonata_number(
            spec.get("MaxConcurrency", 0), states, variables, "MaxConcurrency", st.rng
        )
    else:
        effective = input_path(st)
        if "ItemReader" in spec:
            items = await _read_items(run, st, spec["ItemReader"], effective, states, variables)
        else:
            items_path = spec.get("ItemsPath", "$")
            items = read_path(
                items_path, effective, context=st.context, variables=variables, field="ItemsPath"
            )
        if not isinstance(items, list):
            raise StatesError(
                "States.QueryEvaluationError", f"Map state input must be an array but was: {dumps(items)}"
            )
        max_concurrency = spec.get("MaxConcurrency", 0)
        if "MaxConcurrencyPath" in spec:
            max_concurrency = _path_integer(
                spec["MaxConcurrencyPath"], "MaxConcurrencyPath", effective, st, variables
            )
    frame = st.frame
    run.emit(frame, "MapStateStarted", {"length": len(items)})
    tolerated_count, tolerated_percentage = _tolerance(spec, st, effective, states, variables)
    processor = spec.get("ItemProcessor") or spec.get("Iterator") or {}
    distributed = (processor.get("ProcessorConfig") or {}).get("Mode") == "DISTRIBUTED"
    if distributed:
        map_run_arn = _map_run_arn(run, st)
        run.emit(frame, "MapRunStarted", {"mapRunArn": map_run_arn})
    batcher = spec.get("ItemBatcher")
    inputs = _item_inputs(st, spec, items, effective, variables)
    if batcher is not None:
        inputs = _batches(batcher, inputs, st, effective, variables)
    language = JSONATA if st.jsonata else "JSONPath"
    limit = int(max_concurrency or 0)
    semaphore = asyncio.Semaphore(limit) if limit > 0 else None
    failures: list[Failure] = []
    stopped = False
    results: list[Any] = [None] * len(inputs)
    base_path = f"{st.key}@{st.retry_count}/"

    async def iterate(index: int, value: Any) -> None:
        child = Frame(
            path=f"{base_path}{index}/",
            scope=Scope(frame.scope),
            previous_event=frame.previous_event,
            in_child_execution=distributed or frame.in_child_execution,
        )
        if semaphore is not None:
            await semaphore.acquire()
        try:
            if stopped:
                return
            if distributed:
                results[index] = await run.run_program(processor, value, child, language)
                return
            run.emit(child, "MapIterationStarted", {"name": st.name, "index": index})
            try:
                results[index] = await run.run_program(processor, value, child, language)
            except FatalFailure:
                raise
            except Failure:
                run.emit(child, "MapIterationFailed", {"name": st.name, "index": index})
                raise
            run.emit(child, "MapIterationSucceeded", {"name": st.name, "index": index})
        finally:
            if semaphore is not None:
                semaphore.release()

    async def guarded(index: int, value: Any) -> None:
        nonlocal stopped
        try:
            await iterate(index, value)
        except FatalFailure:
            stopped = True
            raise
        except Failure as failure:
            failures.append(failure)
            if not _tolerated(len(failures), len(inputs), tolerated_count, tolerated_percentage):
                stopped = True
                raise
            results[index] = {"Error": failure.error, "Cause": failure.cause}

    tasks = [asyncio.ensure_future(guarded(index, value)) for index, value in enumerate(inputs)]
    try:
        if tasks:
            await asyncio.gather(*tasks)
    except Failure as failure:
        for task in tasks:
            task.cancel()
        if distributed:
            run.emit(frame, "MapRunFailed", {"error": failure.error, "cause": failure.cause})
        fatal = isinstance(failure, FatalFailure)
        if not fatal and failures and (tolerated_count or tolerated_percentage):
            raise Failure(
                "States.ExceedToleratedFailureThreshold",
                "The specified tolerated failure threshold was exceeded",
            ) from None
        raise
    if distributed:
        run.emit(frame, "MapRunSucceeded")
    run.emit(frame, "MapStateSucceeded")
    if st.jsonata:
        return finish_jsonata(st, results, default_output=results), next_state(spec)
    result: Any = results
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


async def _read_items(
    run: Run,
    st: StateVisit,
    reader: Mapping[str, Any],
    effective: Any,
    states: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> Any:
    """A Distributed Map's ItemReader: read the items from S3 through the service caller.

    ``s3:getObject`` reads a JSON array, JSON Lines or CSV object; ``s3:listObjectsV2`` lists
    objects. The call is the AWS SDK integration of the same name, so it goes to whatever
    service caller the runtime has (boto3 at a local endpoint), and is journaled like a task.
    """
    resource: str = reader.get("Resource", "")
    if st.jsonata:
        arguments = jsonata_value(reader.get("Arguments", {}), states, variables, "ItemReader", st.rng)
    else:
        arguments = evaluate_payload(
            reader.get("Parameters", {}),
            effective,
            context=st.context,
            variables=variables,
            field="ItemReader",
            rng=st.rng,
        )
    action = resource.rsplit(":", 1)[-1]
    if not resource.startswith("arn:aws:states:::s3:") or action not in ("getObject", "listObjectsV2"):
        raise StatesError("States.Runtime", f"The ItemReader resource '{resource}' is not supported.")
    request = TaskRequest(
        resource=f"arn:aws:states:::aws-sdk:s3:{action}",
        arguments=arguments,
        state_name=st.name,
        key=f"{st.key}@reader",
        attempt=st.retry_count,
        token=None,
        heartbeat=None,
    )
    result = await run.effect(f"{st.key}@reader{st.retry_count}", lambda: run.host.call_task(run, request))
    config = reader.get("ReaderConfig") or {}
    if action == "listObjectsV2":
        items = list(result.get("Contents") or [])
    else:
        items = _parse_object(str(result.get("Body", "")), config)
    max_items = config.get("MaxItems")
    return items[: int(max_items)] if max_items else items


def _parse_object(body: str, config: Mapping[str, Any]) -> list[Any]:
    input_type = config.get("InputType", "JSON")
    if input_type == "JSONL":
        return [json.loads(line) for line in body.splitlines() if line.strip()]
    if input_type == "CSV":
        rows = list(csv.reader(io.StringIO(body), delimiter=config.get("CSVDelimiter", ",")))
        if config.get("CSVHeaderLocation", "FIRST_ROW") == "GIVEN":
            headers = list(config.get("CSVHeaders") or [])
        else:
            headers, rows = (rows[0], rows[1:]) if rows else ([], [])
        return [dict(zip(headers, row, strict=False)) for row in rows]
    parsed = json.loads(body)
    if not isinstance(parsed, list):
        raise StatesError("States.ItemReaderFailed", "The S3 object does not contain a JSON array.")
    return parsed


def _map_run_arn(run: Run, st: StateVisit) -> str:
    machine = run.state_machine_arn.replace(":stateMachine:", ":mapRun:")
    return f"{machine}/{st.name}:{run.rng.getrandbits(64):016x}"


def _item_inputs(
    st: StateVisit, spec: Mapping[str, Any], items: list[Any], effective: Any, variables: Mapping[str, Any]
) -> list[Any]:
    selector_key = (
        "ItemSelector" if "ItemSelector" in spec else "Parameters" if "Parameters" in spec else None
    )
    if selector_key is None:
        return list(items)
    selector = spec[selector_key]
    inputs = []
    for index, item in enumerate(items):
        context = {**st.context, "Map": {"Item": {"Index": index, "Value": item}}}
        if st.jsonata:
            states = {"input": st.raw_input, "context": context}
            inputs.append(jsonata_value(selector, states, variables, "ItemSelector", st.rng))
        else:
            inputs.append(
                evaluate_payload(
                    selector, effective, context=context, variables=variables, field=selector_key, rng=st.rng
                )
            )
    return inputs


def _batches(
    batcher: Mapping[str, Any],
    inputs: list[Any],
    st: StateVisit,
    effective: Any,
    variables: Mapping[str, Any],
) -> list[Any]:
    size = batcher.get("MaxItemsPerBatch")
    if "MaxItemsPerBatchPath" in batcher:
        size = read_path(batcher["MaxItemsPerBatchPath"], effective, context=st.context, variables=variables)
    max_bytes = batcher.get("MaxInputBytesPerBatch")
    batch_input = batcher.get("BatchInput")
    if st.jsonata:
        states = {"input": st.raw_input, "context": st.context}
        size = (
            jsonata_value(size, states, variables, "MaxItemsPerBatch", st.rng) if size is not None else None
        )
        batch_input = (
            jsonata_value(batch_input, states, variables, "BatchInput", st.rng)
            if batch_input is not None
            else None
        )
    elif batch_input is not None:
        batch_input = evaluate_payload(
            batch_input, effective, context=st.context, variables=variables, field="BatchInput", rng=st.rng
        )
    batches: list[list[Any]] = []
    current: list[Any] = []
    current_bytes = 0
    for item in inputs:
        item_bytes = len(dumps(item).encode())
        full = (size and len(current) >= int(size)) or (
            max_bytes and current and current_bytes + item_bytes > int(max_bytes)
        )
        if full:
            batches.append(current)
            current, current_bytes = [], 0
        current.append(item)
        current_bytes += item_bytes
    if current:
        batches.append(current)
    out = []
    for batch in batches:
        entry: dict[str, Any] = {}
        if batch_input is not None:
            entry["BatchInput"] = batch_input
        entry["Items"] = batch
        out.append(entry)
    return out


def _jsonata_number(
    value: Any, states: Mapping[str, Any], variables: Mapping[str, Any], field_name: str, rng: random.Random
) -> Any:
    if is_jsonata_template(value):
        return evaluate_expression(
            template_expression(value) or "",
            states=states,
            variables=variables,
            field=field_name,
            expected="integer",
            rng=rng,
        )
    return value


def _path_integer(path: str, field_name: str, data: Any, st: StateVisit, variables: Mapping[str, Any]) -> int:
    value = read_path(path, data, context=st.context, variables=variables, field=field_name)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if not is_integral(value):
        raise StatesError(
            "States.Runtime",
            f'The {field_name} field refers to value "{plain_text(value)}" which is not a valid integer: {path}',
        )
    return int(value)


def _tolerance(
    spec: Mapping[str, Any],
    st: StateVisit,
    effective: Any,
    states: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> tuple[int | None, float | None]:
    count = spec.get("ToleratedFailureCount")
    percentage = spec.get("ToleratedFailurePercentage")
    if st.jsonata:
        if count is not None:
            count = _jsonata_number(count, states, variables, "ToleratedFailureCount", st.rng)
        if percentage is not None and is_jsonata_template(percentage):
            percentage = evaluate_expression(
                template_expression(percentage) or "",
                states=states,
                variables=variables,
                field="ToleratedFailurePercentage",
                expected="number",
                rng=st.rng,
            )
    else:
        if "ToleratedFailureCountPath" in spec:
            count = _path_integer(
                spec["ToleratedFailureCountPath"], "ToleratedFailureCountPath", effective, st, variables
            )
        if "ToleratedFailurePercentagePath" in spec:
            path = spec["ToleratedFailurePercentagePath"]
            value = read_path(
                path,
                effective,
                context=st.context,
                variables=variables,
                field="ToleratedFailurePercentagePath",
            )
            if isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = float(value)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise StatesError(
                    "States.Runtime",
                    f'The ToleratedFailurePercentagePath field refers to value "{plain_text(value)}" '
                    f"which is not a valid float: {path}",
                )
            percentage = value
    if percentage is not None and not 0 <= float(percentage) <= 100:
        raise StatesError("States.Runtime", "ToleratedFailurePercentage must be between 0 and 100.")
    return (int(count) if count is not None else None), (
        float(percentage) if percentage is not None else None
    )


def _tolerated(failed: int, total: int, count: int | None, percentage: float | None) -> bool:
    if count is None and percentage is None:
        return False
    if count is not None and failed <= count:
        return True
    return percentage is not None and total > 0 and failed * 100.0 / total <= percentage
