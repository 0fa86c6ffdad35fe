"""Validate an Amazon States Language definition without AWS: ``validate_asl(definition)``.

One pass over the definition: the top level, then every state of every scope (the machine,
each Parallel branch, each Map's ItemProcessor) in the query language that applies to it, then
each scope's graph (targets exist in the same scope, every state reachable, a terminal state).
Diagnostics use the codes of AWS's ValidateStateMachineDefinition API; a definition is valid
when no diagnostic is an ERROR.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from state_machines.asl.choice import check_choice_rules
from state_machines.asl.diagnostics import (
    DUPLICATE_STATE_NAME,
    INVALID_JSON_DESCRIPTION,
    INVALID_LABEL_NAME,
    INVALID_STATE_NAME,
    MISSING_DESCRIPTION,
    MISSING_END_STATE,
    MISSING_TRANSITION_TARGET,
    PASS_RESULT_IS_STATIC,
    SCHEMA_VALIDATION_FAILED,
    TOO_DEEPLY_NESTED,
    UNKNOWN_ERROR_NAME,
    UNREACHABLE_STATE,
    Diagnostic,
    json_pointer,
)
from state_machines.asl.fields import (
    JSONATA_ONLY_FIELDS,
    JSONATA_REPLACEMENT,
    STATE_FIELDS,
    STATE_TYPES,
    TOP_LEVEL_FIELDS,
)
from state_machines.asl.intrinsics import intrinsic_error, looks_like_intrinsic
from state_machines.asl.json_source import parse_definition_text
from state_machines.asl.jsonata_syntax import is_jsonata
from state_machines.asl.paths import path_error
from state_machines.asl.reporting import Parts, Reporter, describe
from state_machines.asl.values import (
    check_arn,
    check_assign,
    check_jsonata_template,
    check_path_field,
    check_payload_template,
    check_reference_path_field,
    check_timestamp,
    check_value_or_jsonata,
)

__all__ = ["validate_asl"]

MAX_STATE_NAME_LENGTH = 80
MAX_LABEL_LENGTH = 40
MAX_SECONDS = 99_999_999
# Integer fields of a retrier: (name, minimum, maximum).
_RETRIER_INTEGERS: tuple[tuple[str, int, int], ...] = (
    ("IntervalSeconds", 1, MAX_SECONDS),
    ("MaxAttempts", 0, MAX_SECONDS),
    ("MaxDelaySeconds", 1, 31_622_400),
)
# A guard against runaway recursion on hostile input; AWS documents no exact depth.
MAX_NESTING = 30
QUERY_LANGUAGES = ("JSONPath", "JSONata")
# Error names Step Functions itself raises; ErrorEquals may also name any custom error.
STATES_ERRORS = frozenset(
    {
        "States.ALL",
        "States.DataLimitExceeded",
        "States.ExceedToleratedFailureThreshold",
        "States.HeartbeatTimeout",
        "States.Http.Socket",
        "States.IntrinsicFailure",
        "States.ItemReaderFailed",
        "States.NoChoiceMatched",
        "States.ParameterPathFailure",
        "States.Permissions",
        "States.QueryEvaluationError",
        "States.ResultPathMatchFailure",
        "States.ResultWriterFailed",
        "States.Runtime",
        "States.TaskFailed",
        "States.Timeout",
        "States.BranchFailed",
    }
)


@dataclass
class _Scope:
    """One state machine scope: the top level, a Parallel branch or a Map's processor."""

    parts: Parts
    kind: str
    names: set[str] = field(default_factory=set)
    targets: list[tuple[Parts, str, str]] = field(default_factory=list)  # (pointer, from state, target)
    terminal: bool = False


@dataclass(frozen=True)
class _State:
    """Everything the check of one state needs to know about where it is."""

    scope: _Scope
    owner: str
    name: str
    kind: str
    state: dict[str, Any]
    parts: Parts
    language: str
    depth: int


@dataclass
class _Walker:
    """Walks scopes and states, reporting into ``report``."""

    report: Reporter
    top_language: str
    # every state name of the whole machine, collected before the walk
    every_name: frozenset[str] = frozenset()
    # state name -> pointer of its first definition, filled during the walk
    all_names: dict[str, Parts] = field(default_factory=dict)

    # ---- scopes -------------------------------------------------------------------------
    def machine(self, machine: Any, parts: Parts, kind: str, depth: int, allowed: frozenset[str]) -> None:
        if depth > MAX_NESTING:
            self.report.error(
                parts, f"The {kind} is nested more than {MAX_NESTING} levels deep.", TOO_DEEPLY_NESTED
            )
            return
        if not isinstance(machine, dict):
            self.report.error(
                parts,
                f"The {kind} must be a JSON object with 'StartAt' and 'States', not {describe(machine)}.",
            )
            return
        for key in machine:
            if key not in allowed:
                self.report.error(
                    (*parts, key), f"The {kind} has the field '{key}', which is not allowed there."
                )
        scope = _Scope(parts, kind)
        start = machine.get("StartAt")
        if "StartAt" not in machine:
            self.report.error(parts, f"The {kind} has no 'StartAt' field.")
        elif not isinstance(start, str):
            self.report.error(
                (*parts, "StartAt"),
                f"The {kind} field 'StartAt' must be a state name, not {describe(start)}.",
            )
            start = None
        states = machine.get("States")
        if "States" not in machine:
            self.report.error(parts, f"The {kind} has no 'States' field.")
            return
        if not isinstance(states, dict) or not states:
            self.report.error(
                (*parts, "States"), f"The {kind} field 'States' must be a non-empty JSON object of states."
            )
            return
        scope.names = set(states)
        for name, state in states.items():
            self.state(scope, name, state, (*parts, "States", name), depth)
        self.graph(scope, start, states)

    def graph(self, scope: _Scope, start: str | None, states: dict[str, Any]) -> None:
        edges: dict[str, list[str]] = {name: [] for name in states}
        for pointer, source, target in scope.targets:
            if target in scope.names:
                edges[source].append(target)
            elif target in self.every_name:
                self.report.error(
                    pointer,
                    f"State '{source}' moves to '{target}', which is defined outside this {scope.kind}; "
                    "a state can only move to states in its own scope.",
                    MISSING_TRANSITION_TARGET,
                )
            else:
                self.report.error(
                    pointer,
                    f"State '{source}' moves to '{target}', which is not a state.",
                    MISSING_TRANSITION_TARGET,
                )
        if start is None:
            return
        if start not in scope.names:
            self.report.error(
                (*scope.parts, "StartAt"),
                f"The {scope.kind} starts at '{start}', which is not one of its states.",
                MISSING_TRANSITION_TARGET,
            )
            return
        seen = {start}
        todo = [start]
        while todo:
            for target in edges[todo.pop()]:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        for name in states:
            if name not in seen:
                self.report.error(
                    (*scope.parts, "States", name),
                    f"State '{name}' is not reachable from '{start}' (no StartAt, Next, Default or Catch "
                    "leads to it).",
                    UNREACHABLE_STATE,
                )
        if not scope.terminal:
            self.report.error(
                (*scope.parts, "States"),
                f'The {scope.kind} has no terminal state: it needs a state with "End": true, a Succeed or '
                "a Fail state.",
                MISSING_END_STATE,
            )

    # ---- one state ----------------------------------------------------------------------
    def state(self, scope: _Scope, name: str, state: Any, parts: Parts, depth: int) -> None:
        report = self.report
        owner = f"State '{name}'"
        if name in self.all_names:
            report.error(
                parts,
                f"{owner} is defined twice (also at {json_pointer(self.all_names[name])}); state names "
                "must be "
                "unique in the whole state machine.",
                DUPLICATE_STATE_NAME,
            )
        else:
            self.all_names[name] = parts
        if len(name) > MAX_STATE_NAME_LENGTH:
            report.error(
                parts,
                f"{owner} has a name of {len(name)} characters; at most {MAX_STATE_NAME_LENGTH} are allowed.",
                INVALID_STATE_NAME,
            )
        elif not name:
            report.error(parts, "A state has an empty name.", INVALID_STATE_NAME)
        if not isinstance(state, dict):
            report.error(parts, f"{owner} must be a JSON object, not {describe(state)}.")
            return
        kind = state.get("Type")
        if kind not in STATE_TYPES:
            listed = ", ".join(STATE_TYPES)
            where = (*parts, "Type") if "Type" in state else parts
            report.error(where, f"{owner} has Type {describe(kind)}; it must be one of {listed}.")
            scope.terminal = True  # unknown: do not pile a missing-terminal error on top
            return
        language = state.get("QueryLanguage", self.top_language)
        if language not in QUERY_LANGUAGES:
            report.error(
                (*parts, "QueryLanguage"),
                f"{owner} field 'QueryLanguage' must be 'JSONPath' or 'JSONata', not {describe(language)}.",
            )
            language = self.top_language
        self.fields(owner, kind, language, state, parts)
        self.flow(_State(scope, owner, name, kind, state, parts, language, depth))
        if "Comment" in state:
            report.string((*parts, "Comment"), owner, "Comment", state["Comment"])
        if "Assign" in state and kind not in ("Succeed", "Fail"):
            check_assign(report, (*parts, "Assign"), owner, state["Assign"], language)
        if language == "JSONata":
            for key in ("Output", "Arguments"):
                if key in state:
                    self.jsonata_field(owner, key, state[key], (*parts, key), objects=True)
        else:
            for key in ("InputPath", "OutputPath"):
                if key in state:
                    check_path_field(report, (*parts, key), owner, key, state[key])
            if "ResultPath" in state:
                check_reference_path_field(
                    report, (*parts, "ResultPath"), owner, "ResultPath", state["ResultPath"]
                )
            for key in ("Parameters", "ResultSelector"):
                if key in state and (kind != "Map" or key != "Parameters"):
                    check_payload_template(report, (*parts, key), owner, key, state[key])
        if kind in ("Task", "Parallel", "Map"):
            self.retry(owner, state.get("Retry"), (*parts, "Retry"), "Retry" in state)
            self.catch(
                _State(scope, owner, name, kind, state, parts, language, depth),
                state.get("Catch"),
                (*parts, "Catch"),
                present="Catch" in state,
            )
        check = getattr(self, f"state_{kind.lower()}")
        check(_State(scope, owner, name, kind, state, parts, language, depth))

    def fields(self, owner: str, kind: str, language: str, state: dict[str, Any], parts: Parts) -> None:
        allowed = STATE_FIELDS[(kind, language)]
        other = STATE_FIELDS[(kind, "JSONPath" if language == "JSONata" else "JSONata")]
        for key in state:
            if key in allowed or (key in ("Next", "End") and kind in ("Succeed", "Fail", "Choice")):
                continue  # flow() explains these
            if language == "JSONata" and key in JSONATA_REPLACEMENT and key in other:
                message = (
                    f"{owner} is a JSONata state, so it cannot use the JSONPath field '{key}'; "
                    f"use {JSONATA_REPLACEMENT[key]} instead."
                )
            elif language == "JSONPath" and key in other:
                message = (
                    f"{owner} is a JSONPath state, so it cannot use the JSONata field '{key}'; "
                    'set "QueryLanguage": "JSONata" on the state or the state machine to use it.'
                )
            elif key in JSONATA_ONLY_FIELDS or key in JSONATA_REPLACEMENT:
                message = f"{owner} is a {kind} state, which has no field '{key}'."
            else:
                message = f"{owner} has the field '{key}', which a {kind} state does not accept."
            self.report.error((*parts, key), message)

    def flow(self, s: _State) -> None:
        scope, owner, name, state, parts = s.scope, s.owner, s.name, s.state, s.parts
        kind = s.kind
        report = self.report
        if kind in ("Succeed", "Fail"):
            scope.terminal = True
            for key in ("Next", "End"):
                if key in state:
                    report.error(
                        (*parts, key),
                        f"{owner} is a {kind} state, which ends the execution and cannot have '{key}'.",
                    )
            return
        if kind == "Choice":
            for key in ("Next", "End"):
                if key in state:
                    report.error(
                        (*parts, key),
                        f"{owner} is a Choice state; it moves on through 'Choices' and 'Default', not "
                        f"'{key}'.",
                    )
            return
        has_next, has_end = "Next" in state, "End" in state
        if has_next and has_end:
            report.error(
                (*parts, "End"), f"{owner} has both 'Next' and 'End'; a state has exactly one of them."
            )
        elif not has_next and not has_end:
            report.error(
                parts, f"{owner} has neither 'Next' nor 'End'; a {kind} state needs exactly one of them."
            )
        if has_end:
            if state["End"] is not True:
                report.error(
                    (*parts, "End"),
                    f"{owner} field 'End' must be true, not {describe(state['End'])}; leave it out instead.",
                )
            else:
                scope.terminal = True
        if has_next and report.string((*parts, "Next"), owner, "Next", state["Next"]):
            scope.targets.append(((*parts, "Next"), name, state["Next"]))

    def jsonata_field(self, owner: str, key: str, value: Any, parts: Parts, *, objects: bool) -> None:
        if isinstance(value, str) and not is_jsonata(value) and not objects:
            self.report.error(
                parts,
                f"{owner} field '{key}' must be a JSONata expression '{{% … %}}', not {describe(value)}.",
            )
            return
        check_jsonata_template(self.report, parts, owner, key, value)

    # ---- error handling -----------------------------------------------------------------
    def error_equals(self, owner: str, value: Any, parts: Parts, last: bool) -> bool:
        """Check ErrorEquals; return True when it names States.ALL."""
        report = self.report
        if not isinstance(value, list) or not value:
            report.error(parts, f"{owner} field 'ErrorEquals' must be a non-empty array of error names.")
            return False
        has_all = False
        for index, error in enumerate(value):
            if not isinstance(error, str):
                report.error(
                    (*parts, index),
                    f"{owner} field 'ErrorEquals' must hold error names (strings), not {describe(error)}.",
                )
                continue
            if error == "States.ALL":
                has_all = True
            elif error.startswith("States.") and error not in STATES_ERRORS:
                report.warning(
                    (*parts, index),
                    f"{owner} names the error '{error}', which is not an error Step Functions raises.",
                    UNKNOWN_ERROR_NAME,
                )
        if has_all and len(value) > 1:
            report.error(
                parts, f"{owner} lists 'States.ALL' with other errors; 'States.ALL' must appear alone."
            )
        if has_all and not last:
            report.error(
                parts,
                f"{owner} uses 'States.ALL' but is not the last one; 'States.ALL' must be in the last entry.",
            )
        return has_all

    def retry(self, owner: str, value: Any, parts: Parts, present: bool) -> None:
        if not present:
            return
        report = self.report
        if not isinstance(value, list):
            report.error(parts, f"{owner} field 'Retry' must be an array of retriers, not {describe(value)}.")
            return
        allowed = {
            "ErrorEquals",
            "IntervalSeconds",
            "MaxAttempts",
            "BackoffRate",
            "MaxDelaySeconds",
            "JitterStrategy",
            "Comment",
        }
        for index, retrier in enumerate(value):
            here = (*parts, index)
            who = f"{owner} retrier {index}"
            if not isinstance(retrier, dict):
                report.error(here, f"{who} must be a JSON object, not {describe(retrier)}.")
                continue
            for key in retrier:
                if key not in allowed:
                    report.error(
                        (*here, key), f"{who} has the field '{key}', which a retrier does not accept."
                    )
            if "ErrorEquals" not in retrier:
                report.error(here, f"{who} has no 'ErrorEquals'.")
            else:
                self.error_equals(
                    who, retrier["ErrorEquals"], (*here, "ErrorEquals"), index == len(value) - 1
                )
            for name, minimum, maximum in _RETRIER_INTEGERS:
                if name in retrier:
                    report.integer((*here, name), who, name, retrier[name], minimum=minimum, maximum=maximum)
            if "BackoffRate" in retrier:
                rate = retrier["BackoffRate"]
                if isinstance(rate, bool) or not isinstance(rate, int | float) or rate < 1:
                    report.error(
                        (*here, "BackoffRate"),
                        f"{who} field 'BackoffRate' must be a number of at least 1.0, not {describe(rate)}.",
                    )
            if "JitterStrategy" in retrier and retrier["JitterStrategy"] not in ("FULL", "NONE"):
                report.error(
                    (*here, "JitterStrategy"),
                    f"{who} field 'JitterStrategy' must be 'FULL' or 'NONE', not "
                    f"{describe(retrier['JitterStrategy'])}.",
                )

    def catch(self, s: _State, value: Any, parts: Parts, *, present: bool) -> None:
        scope, owner, name, language = s.scope, s.owner, s.name, s.language
        if not present:
            return
        report = self.report
        if not isinstance(value, list):
            report.error(parts, f"{owner} field 'Catch' must be an array of catchers, not {describe(value)}.")
            return
        allowed = {"ErrorEquals", "Next", "Comment", "Assign"}
        allowed |= {"Output"} if language == "JSONata" else {"ResultPath"}
        for index, catcher in enumerate(value):
            here = (*parts, index)
            who = f"{owner} catcher {index}"
            if not isinstance(catcher, dict):
                report.error(here, f"{who} must be a JSON object, not {describe(catcher)}.")
                continue
            for key in catcher:
                if key not in allowed:
                    extra = f" in a {language} state" if key in ("Output", "ResultPath") else ""
                    report.error(
                        (*here, key), f"{who} has the field '{key}', which a catcher does not accept{extra}."
                    )
            if "ErrorEquals" not in catcher:
                report.error(here, f"{who} has no 'ErrorEquals'.")
            else:
                self.error_equals(
                    who, catcher["ErrorEquals"], (*here, "ErrorEquals"), index == len(value) - 1
                )
            if "Next" not in catcher:
                report.error(here, f"{who} has no 'Next'.")
            elif report.string((*here, "Next"), who, "Next", catcher["Next"]):
                scope.targets.append(((*here, "Next"), name, catcher["Next"]))
            if "ResultPath" in catcher and language == "JSONPath":
                check_reference_path_field(
                    report, (*here, "ResultPath"), who, "ResultPath", catcher["ResultPath"]
                )
            if "Output" in catcher and language == "JSONata":
                check_jsonata_template(report, (*here, "Output"), who, "Output", catcher["Output"])
            if "Assign" in catcher:
                check_assign(report, (*here, "Assign"), who, catcher["Assign"], language)

    # ---- state types --------------------------------------------------------------------
    def state_pass(self, s: _State) -> None:
        owner, state, parts = s.owner, s.state, s.parts
        result = state.get("Result")
        if isinstance(result, dict) and any(isinstance(k, str) and k.endswith(".$") for k in result):
            self.report.warning(
                (*parts, "Result"),
                f"{owner} field 'Result' has keys ending in '.$', but Result is static and is not evaluated; "
                "use 'Parameters' to compute values.",
                PASS_RESULT_IS_STATIC,
            )

    def state_succeed(self, s: _State) -> None:
        return

    def state_task(self, s: _State) -> None:
        owner, state, parts, language = s.owner, s.state, s.parts, s.language
        report = self.report
        if "Resource" not in state:
            report.error(parts, f"{owner} is a Task state without 'Resource'.")
        else:
            check_arn(report, (*parts, "Resource"), owner, "Resource", state["Resource"])
        for pair in (("TimeoutSeconds", "TimeoutSecondsPath"), ("HeartbeatSeconds", "HeartbeatSecondsPath")):
            report.at_most_one(parts, owner, state, pair)
            seconds, path = pair
            if seconds in state:
                check_value_or_jsonata(
                    report,
                    (*parts, seconds),
                    owner,
                    seconds,
                    state[seconds],
                    language=language,
                    minimum=1,
                    maximum=MAX_SECONDS,
                )
            if path in state:
                check_path_field(report, (*parts, path), owner, path, state[path])
        timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
        if (
            isinstance(timeout, int)
            and isinstance(heartbeat, int)
            and not isinstance(timeout, bool)
            and not isinstance(heartbeat, bool)
            and heartbeat >= timeout
        ):
            report.error(
                (*parts, "HeartbeatSeconds"),
                f"{owner} field 'HeartbeatSeconds' ({heartbeat}) must be smaller than 'TimeoutSeconds' "
                f"({timeout}).",
            )
        if "Credentials" in state:
            credentials = state["Credentials"]
            if report.object((*parts, "Credentials"), owner, "Credentials", credentials):
                if language == "JSONata":
                    check_jsonata_template(report, (*parts, "Credentials"), owner, "Credentials", credentials)
                else:
                    check_payload_template(report, (*parts, "Credentials"), owner, "Credentials", credentials)
        if language == "JSONata" and "Arguments" in state:
            arguments = state["Arguments"]
            if not isinstance(arguments, dict | list) and not is_jsonata(arguments):
                report.error(
                    (*parts, "Arguments"),
                    f"{owner} field 'Arguments' must be an object or a JSONata expression, not "
                    f"{describe(arguments)}.",
                )

    def state_choice(self, s: _State) -> None:
        scope, owner, name, state, parts, language = s.scope, s.owner, s.name, s.state, s.parts, s.language
        report = self.report
        if "Choices" not in state:
            report.error(parts, f"{owner} is a Choice state without 'Choices'.")
        else:
            for pointer, target in check_choice_rules(
                report, (*parts, "Choices"), owner, state["Choices"], language
            ):
                scope.targets.append((pointer, name, target))
        if "Default" in state and report.string((*parts, "Default"), owner, "Default", state["Default"]):
            scope.targets.append(((*parts, "Default"), name, state["Default"]))

    def state_wait(self, s: _State) -> None:
        owner, state, parts, language = s.owner, s.state, s.parts, s.language
        report = self.report
        options = (
            ("Seconds", "Timestamp")
            if language == "JSONata"
            else ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")
        )
        present = [key for key in options if key in state]
        if len(present) != 1:
            listed = ", ".join(f"'{o}'" for o in options)
            found = f" (it has {', '.join(present)})" if present else ""
            report.error(parts, f"{owner} is a Wait state and needs exactly one of {listed}{found}.")
        if "Seconds" in state:
            check_value_or_jsonata(
                report,
                (*parts, "Seconds"),
                owner,
                "Seconds",
                state["Seconds"],
                language=language,
                minimum=0,
                maximum=MAX_SECONDS,
            )
        if "Timestamp" in state:
            value = state["Timestamp"]
            if language == "JSONata" and is_jsonata(value):
                check_jsonata_template(report, (*parts, "Timestamp"), owner, "Timestamp", value)
            else:
                check_timestamp(report, (*parts, "Timestamp"), owner, "Timestamp", value)
        for key in ("SecondsPath", "TimestampPath"):
            if key in state and language == "JSONPath":
                check_path_field(report, (*parts, key), owner, key, state[key])

    def state_fail(self, s: _State) -> None:
        owner, state, parts, language = s.owner, s.state, s.parts, s.language
        report = self.report
        for text, path in (("Error", "ErrorPath"), ("Cause", "CausePath")):
            report.at_most_one(parts, owner, state, (text, path))
            if (
                text in state
                and report.string((*parts, text), owner, text, state[text])
                and language == "JSONata"
            ):
                check_jsonata_template(report, (*parts, text), owner, text, state[text])
            if path in state and language == "JSONPath":
                value = state[path]
                if report.string((*parts, path), owner, path, value):
                    problem = intrinsic_error(value) if looks_like_intrinsic(value) else path_error(value)
                    if problem:
                        report.error(
                            (*parts, path),
                            f"{owner} field '{path}' must be a path or an intrinsic function: "
                            f"{describe(value)}: {problem}.",
                        )

    def state_parallel(self, s: _State) -> None:
        owner, name, state, parts, depth = s.owner, s.name, s.state, s.parts, s.depth
        branches = state.get("Branches")
        if "Branches" not in state:
            self.report.error(parts, f"{owner} is a Parallel state without 'Branches'.")
            return
        if not isinstance(branches, list) or not branches:
            self.report.error(
                (*parts, "Branches"), f"{owner} field 'Branches' must be a non-empty array of state machines."
            )
            return
        for index, branch in enumerate(branches):
            self.machine(
                branch,
                (*parts, "Branches", index),
                f"branch {index} of Parallel state '{name}'",
                depth + 1,
                frozenset({"StartAt", "States", "Comment"}),
            )

    def state_map(self, s: _State) -> None:
        owner, name, state, parts, language, depth = s.owner, s.name, s.state, s.parts, s.language, s.depth
        report = self.report
        processors = [key for key in ("ItemProcessor", "Iterator") if key in state]
        if len(processors) != 1:
            report.error(
                parts, f"{owner} is a Map state and needs exactly one of 'ItemProcessor' and 'Iterator'."
            )
        else:
            processor_key = processors[0]
            processor = state[processor_key]
            if isinstance(processor, dict) and isinstance(processor.get("ProcessorConfig"), dict):
                self.processor_config(
                    owner, processor["ProcessorConfig"], (*parts, processor_key, "ProcessorConfig")
                )
            elif isinstance(processor, dict) and "ProcessorConfig" in processor:
                report.error(
                    (*parts, processor_key, "ProcessorConfig"),
                    f"{owner} field 'ProcessorConfig' must be a JSON object.",
                )
            allowed = frozenset({"StartAt", "States", "Comment", "ProcessorConfig"})
            self.machine(
                processor,
                (*parts, processor_key),
                f"{processor_key} of Map state '{name}'",
                depth + 1,
                allowed,
            )
        for pair in (
            ("ItemSelector", "Parameters"),
            ("Items", "ItemsPath"),
            ("MaxConcurrency", "MaxConcurrencyPath"),
            ("ToleratedFailureCount", "ToleratedFailureCountPath"),
            ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
        ):
            report.at_most_one(parts, owner, state, pair)
        limits = {
            "MaxConcurrency": (0, None),
            "ToleratedFailureCount": (0, None),
            "ToleratedFailurePercentage": (0, 100),
        }
        for key, (low, high) in limits.items():
            if key in state:
                if key == "ToleratedFailurePercentage" and isinstance(state[key], float):
                    value = state[key]
                    if not 0 <= value <= 100:
                        report.error(
                            (*parts, key),
                            f"{owner} field '{key}' must be between 0 and 100, not {describe(value)}.",
                        )
                    continue
                check_value_or_jsonata(
                    report,
                    (*parts, key),
                    owner,
                    key,
                    state[key],
                    language=language,
                    minimum=low,
                    maximum=high,
                )
            if key + "Path" in state and language == "JSONPath":
                check_path_field(report, (*parts, key + "Path"), owner, key + "Path", state[key + "Path"])
        if "ItemsPath" in state and language == "JSONPath":
            check_path_field(report, (*parts, "ItemsPath"), owner, "ItemsPath", state["ItemsPath"])
        if "Items" in state and language == "JSONata":
            items = state["Items"]
            if isinstance(items, list | dict) or is_jsonata(items):
                check_jsonata_template(report, (*parts, "Items"), owner, "Items", items)
            else:
                report.error(
                    (*parts, "Items"),
                    f"{owner} field 'Items' must be an array, an object or a JSONata expression, "
                    f"not {describe(items)}.",
                )
        for key in ("ItemSelector", "Parameters"):
            if key in state:
                if language == "JSONata":
                    check_jsonata_template(report, (*parts, key), owner, key, state[key])
                else:
                    check_payload_template(report, (*parts, key), owner, key, state[key])
        if "Label" in state:
            label = state["Label"]
            if report.string((*parts, "Label"), owner, "Label", label) and len(label) > MAX_LABEL_LENGTH:
                report.error(
                    (*parts, "Label"),
                    f"{owner} field 'Label' has {len(label)} characters; at most {MAX_LABEL_LENGTH} are "
                    "allowed.",
                    INVALID_LABEL_NAME,
                )
        if "ItemReader" in state:
            self.item_reader(owner, state["ItemReader"], (*parts, "ItemReader"), language)
        if "ItemBatcher" in state:
            self.item_batcher(owner, state["ItemBatcher"], (*parts, "ItemBatcher"), language)
        if "ResultWriter" in state:
            self.result_writer(owner, state["ResultWriter"], (*parts, "ResultWriter"), language)

    def processor_config(self, owner: str, config: dict[str, Any], parts: Parts) -> str:
        report = self.report
        for key in config:
            if key not in ("Mode", "ExecutionType"):
                report.error(
                    (*parts, key),
                    f"{owner} field 'ProcessorConfig' has the field '{key}', which it does not accept.",
                )
        mode = config.get("Mode", "INLINE")
        if mode not in ("INLINE", "DISTRIBUTED"):
            report.error(
                (*parts, "Mode"),
                f"{owner} field 'ProcessorConfig.Mode' must be 'INLINE' or 'DISTRIBUTED', not "
                f"{describe(mode)}.",
            )
            return "INLINE"
        execution = config.get("ExecutionType")
        if mode == "DISTRIBUTED":
            if execution not in ("STANDARD", "EXPRESS"):
                report.error(
                    (*parts, "ExecutionType") if "ExecutionType" in config else parts,
                    f"{owner} is a Distributed Map; 'ProcessorConfig.ExecutionType' must be 'STANDARD' or "
                    f"'EXPRESS', not {describe(execution)}.",
                )
        elif "ExecutionType" in config:
            report.error(
                (*parts, "ExecutionType"),
                f"{owner} field 'ProcessorConfig.ExecutionType' only applies to a Distributed Map.",
            )
        return str(mode)

    def _resource_block(
        self, owner: str, block: Any, parts: Parts, language: str, *, label: str, extra: frozenset[str]
    ) -> dict[str, Any] | None:
        report = self.report
        if not report.object(parts, owner, label, block):
            return None
        arguments = "Arguments" if language == "JSONata" else "Parameters"
        allowed = {"Resource", arguments} | extra
        for key in block:
            if key not in allowed:
                report.error(
                    (*parts, key),
                    f"{owner} field '{label}' has the field '{key}', which it does not accept in a "
                    f"{language} state.",
                )
        if "Resource" not in block:
            report.error(parts, f"{owner} field '{label}' has no 'Resource'.")
        else:
            check_arn(report, (*parts, "Resource"), f"{owner} {label}", "Resource", block["Resource"])
        if arguments in block:
            if language == "JSONata":
                check_jsonata_template(
                    report, (*parts, arguments), owner, f"{label}.{arguments}", block[arguments]
                )
            else:
                check_payload_template(
                    report, (*parts, arguments), owner, f"{label}.{arguments}", block[arguments]
                )
        return block if isinstance(block, dict) else None

    def item_reader(self, owner: str, reader: Any, parts: Parts, language: str) -> None:
        block = self._resource_block(
            owner, reader, parts, language, label="ItemReader", extra=frozenset({"ReaderConfig"})
        )
        if block is None or "ReaderConfig" not in block:
            return
        config = block["ReaderConfig"]
        here = (*parts, "ReaderConfig")
        report = self.report
        if not report.object(here, owner, "ItemReader.ReaderConfig", config):
            return
        allowed = {
            "InputType",
            "CSVHeaderLocation",
            "CSVHeaders",
            "CSVDelimiter",
            "MaxItems",
            "MaxItemsPath",
            "ManifestType",
            "Transformation",
        }
        for key in config:
            if key not in allowed:
                report.error(
                    (*here, key),
                    f"{owner} field 'ItemReader.ReaderConfig' has the field '{key}', which it does not "
                    "accept.",
                )
        report.at_most_one(here, owner, config, ("MaxItems", "MaxItemsPath"))
        if "InputType" in config and config["InputType"] not in (
            "CSV",
            "JSON",
            "JSONL",
            "MANIFEST",
            "PARQUET",
        ):
            report.error(
                (*here, "InputType"),
                f"{owner} field 'ItemReader.ReaderConfig.InputType' must be CSV, JSON, JSONL, MANIFEST or "
                f"PARQUET, not {describe(config['InputType'])}.",
            )
        if "CSVHeaderLocation" in config and config["CSVHeaderLocation"] not in ("FIRST_ROW", "GIVEN"):
            report.error(
                (*here, "CSVHeaderLocation"),
                f"{owner} field 'ItemReader.ReaderConfig.CSVHeaderLocation' must be FIRST_ROW or GIVEN, "
                f"not {describe(config['CSVHeaderLocation'])}.",
            )
        if config.get("CSVHeaderLocation") == "GIVEN" and not isinstance(config.get("CSVHeaders"), list):
            report.error(
                here,
                f"{owner} reads CSV with CSVHeaderLocation GIVEN, so 'ItemReader.ReaderConfig.CSVHeaders' "
                "must list the headers.",
            )
        if "MaxItems" in config:
            check_value_or_jsonata(
                report,
                (*here, "MaxItems"),
                owner,
                "ItemReader.ReaderConfig.MaxItems",
                config["MaxItems"],
                language=language,
                minimum=0,
                maximum=100_000_000,
            )
        if "MaxItemsPath" in config and language == "JSONPath":
            check_path_field(
                report,
                (*here, "MaxItemsPath"),
                owner,
                "ItemReader.ReaderConfig.MaxItemsPath",
                config["MaxItemsPath"],
            )

    def item_batcher(self, owner: str, batcher: Any, parts: Parts, language: str) -> None:
        report = self.report
        if not report.object(parts, owner, "ItemBatcher", batcher):
            return
        allowed = {"MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"}
        if language == "JSONPath":
            allowed |= {"MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"}
        for key in batcher:
            if key not in allowed:
                report.error(
                    (*parts, key),
                    f"{owner} field 'ItemBatcher' has the field '{key}', which it does not accept in a "
                    f"{language} state.",
                )
        report.at_most_one(parts, owner, batcher, ("MaxItemsPerBatch", "MaxItemsPerBatchPath"))
        report.at_most_one(parts, owner, batcher, ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"))
        if "MaxItemsPerBatch" in batcher:
            check_value_or_jsonata(
                report,
                (*parts, "MaxItemsPerBatch"),
                owner,
                "ItemBatcher.MaxItemsPerBatch",
                batcher["MaxItemsPerBatch"],
                language=language,
                minimum=1,
            )
        if "MaxInputBytesPerBatch" in batcher:
            check_value_or_jsonata(
                report,
                (*parts, "MaxInputBytesPerBatch"),
                owner,
                "ItemBatcher.MaxInputBytesPerBatch",
                batcher["MaxInputBytesPerBatch"],
                language=language,
                minimum=1,
                maximum=262_144,
            )
        for key in ("MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"):
            if key in batcher and language == "JSONPath":
                check_path_field(report, (*parts, key), owner, f"ItemBatcher.{key}", batcher[key])
        if "BatchInput" in batcher:
            if language == "JSONata":
                check_jsonata_template(
                    report, (*parts, "BatchInput"), owner, "ItemBatcher.BatchInput", batcher["BatchInput"]
                )
            else:
                check_payload_template(
                    report, (*parts, "BatchInput"), owner, "ItemBatcher.BatchInput", batcher["BatchInput"]
                )

    def result_writer(self, owner: str, writer: Any, parts: Parts, language: str) -> None:
        report = self.report
        if not report.object(parts, owner, "ResultWriter", writer):
            return
        if "Resource" not in writer and "WriterConfig" in writer:
            for key in writer:
                if key != "WriterConfig":
                    report.error(
                        (*parts, key),
                        f"{owner} field 'ResultWriter' has the field '{key}', which it does not accept "
                        "without 'Resource'.",
                    )
            return
        self._resource_block(
            owner, writer, parts, language, label="ResultWriter", extra=frozenset({"WriterConfig"})
        )


def _state_names(value: Any) -> list[str]:
    """Every key of every ``States`` object, so that a target in another scope can be named."""
    names: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "States" and isinstance(item, dict):
                names.extend(item)
            names.extend(_state_names(item))
    elif isinstance(value, list):
        for item in value:
            names.extend(_state_names(item))
    return names


def _parse(definition: str | Mapping[str, Any], report: Reporter) -> Any:
    if not isinstance(definition, str):
        return definition
    if not definition.strip():
        report.error((), "The definition is empty.", MISSING_DESCRIPTION)
        return None
    try:
        value, duplicates = parse_definition_text(definition)
    except ValueError as exc:
        report.error((), f"The definition is not valid JSON: {exc}.", INVALID_JSON_DESCRIPTION)
        return None
    for duplicate in duplicates:
        where = duplicate.pointer or "the top level"
        report.diagnostics.append(
            Diagnostic(
                severity="ERROR",
                code=SCHEMA_VALIDATION_FAILED,
                location=duplicate.pointer + json_pointer((duplicate.key,)),
                message=(
                    f"The object at {where} has the key '{duplicate.key}' more than once; "
                    "JSON keys must be unique."
                ),
            )
        )
    return value


def validate_asl(definition: str | Mapping[str, Any]) -> list[Diagnostic]:
    """Check an ASL definition (JSON text or parsed) and return every problem found.

    An empty list, or one with only WARNINGs, means valid. ``${Name}`` placeholders that
    CloudFormation, SAM or Terraform substitute at deploy time are accepted with a warning.

    Example:
        >>> validate_asl('{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}')
        []
        >>> [d.code for d in validate_asl({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}})]
        ['MISSING_TRANSITION_TARGET', 'MISSING_END_STATE']
    """
    report = Reporter()
    value = _parse(definition, report)
    if value is None:
        return report.diagnostics
    if isinstance(value, Mapping) and not isinstance(value, dict):
        value = json.loads(json.dumps(dict(value)))
    if not isinstance(value, dict):
        report.error((), f"The definition must be a JSON object, not {describe(value)}.")
        return report.diagnostics
    language = value.get("QueryLanguage", "JSONPath")
    if language not in QUERY_LANGUAGES:
        report.error(
            ("QueryLanguage",),
            f"The top-level 'QueryLanguage' must be 'JSONPath' or 'JSONata', not {describe(language)}.",
        )
        language = "JSONPath"
    if "TimeoutSeconds" in value:
        report.integer(
            ("TimeoutSeconds",),
            "The state machine",
            "TimeoutSeconds",
            value["TimeoutSeconds"],
            minimum=1,
            maximum=MAX_SECONDS,
        )
    for key in ("Comment", "Version"):
        if key in value:
            report.string((key,), "The state machine", key, value[key])
    walker = _Walker(report, language, frozenset(_state_names(value)))
    walker.machine(value, (), "state machine", 0, TOP_LEVEL_FIELDS)
    return report.diagnostics
