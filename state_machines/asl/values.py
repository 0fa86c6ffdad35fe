"""Checks of the values fields hold: paths, payload templates, JSONata templates, ARNs, times."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from state_machines.asl.diagnostics import (
    INVALID_RESOURCE,
    INVALID_VARIABLE_NAME,
    NO_DOLLAR,
    TEMPLATE_SUBSTITUTION,
)
from state_machines.asl.intrinsics import intrinsic_error, looks_like_intrinsic
from state_machines.asl.jsonata_syntax import is_jsonata, jsonata_error, unbalanced_delimiter
from state_machines.asl.paths import VARIABLE_NAME, path_error, reference_path_error
from state_machines.asl.reporting import PLACEHOLDER, Parts, Reporter, describe, is_placeholder

__all__ = [
    "check_arn",
    "check_assign",
    "check_jsonata_template",
    "check_path_field",
    "check_payload_template",
    "check_reference_path_field",
    "check_timestamp",
    "check_value_or_jsonata",
]

# The ARN shape AWS documents (partition:service:region:account:resource); `${...}`
# placeholders are replaced by a marker that every part accepts.
_MARK = "\u0000"
_ARN = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|\x00+):([^:\n]+):([^:\n]*):(\d*|\x00+|\d*\x00+\d*):(.+)$"
)
_LAMBDA_FUNCTION = re.compile(r"^function:([A-Za-z0-9_\-\x00]+)(?::(\$LATEST|[A-Za-z0-9_\-\x00]+))?$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def check_path_field(report: Reporter, parts: Parts, owner: str, name: str, value: Any) -> None:
    """A Path (``$``, ``$$`` or ``$var`` rooted) or null, e.g. InputPath and OutputPath."""
    if value is None:
        return
    if not report.string(parts, owner, name, value):
        return
    problem = path_error(value)
    if problem:
        report.error(parts, f"{owner} field '{name}' is not a valid JSONPath: {describe(value)}: {problem}.")


def check_reference_path_field(report: Reporter, parts: Parts, owner: str, name: str, value: Any) -> None:
    """A Reference Path or null, e.g. ResultPath."""
    if value is None:
        return
    if not report.string(parts, owner, name, value):
        return
    problem = reference_path_error(value)
    if problem:
        report.error(
            parts, f"{owner} field '{name}' is not a valid reference path: {describe(value)}: {problem}."
        )


def _dynamic_value_error(value: Any) -> str | None:
    """Why the value of a ``field.$`` is neither a Path nor an intrinsic function call."""
    if not isinstance(value, str):
        return f"it must be a string holding a path or an intrinsic function, not {describe(value)}"
    if looks_like_intrinsic(value):
        return intrinsic_error(value)
    problem = path_error(value)
    if problem:
        return f"{describe(value)} is neither an intrinsic function nor a valid path ({problem})"
    return None


def check_payload_template(
    report: Reporter, parts: Parts, owner: str, name: str, value: Any, *, variables: bool = False
) -> None:
    """A JSONPath payload template (Parameters, ResultSelector, ItemSelector, Credentials, Assign).

    Keys ending in ``.$`` take a path or an intrinsic function; two keys may not become equal once
    ``.$`` is stripped. With ``variables`` the top-level keys are variable names (Assign).
    """
    if isinstance(value, list):
        for index, item in enumerate(value):
            check_payload_template(report, (*parts, index), owner, name, item)
        return
    if not isinstance(value, dict):
        return
    seen: dict[str, str] = {}
    for key, item in value.items():
        here = (*parts, key)
        dynamic = key.endswith(".$")
        plain = key[:-2] if dynamic else key
        if plain in seen:
            report.error(
                here,
                f"{owner} field '{name}' has both '{seen[plain]}' and '{key}', which are the same "
                f"field '{plain}' once the '.$' suffix is removed.",
            )
        else:
            seen[plain] = key
        if variables:
            _check_variable_name(report, here, owner, plain)
        if dynamic:
            problem = _dynamic_value_error(item)
            if problem:
                report.error(here, f"{owner} field '{name}' key '{key}': {problem}.")
        elif isinstance(item, str) and (item.startswith(("$.", "$$.")) or looks_like_intrinsic(item)):
            report.warning(
                here,
                f"{owner} field '{name}' key '{key}' holds {describe(item)}, which looks like a path or "
                f"intrinsic function but is used as a literal; name the key '{key}.$' to evaluate it.",
                NO_DOLLAR,
            )
        elif isinstance(item, dict | list):
            check_payload_template(report, here, owner, name, item)


def _check_variable_name(report: Reporter, parts: Parts, owner: str, name: str) -> None:
    """Warn (not fail: asl-validator and some deployed definitions accept more) on odd names."""
    if not VARIABLE_NAME.match(name):
        report.warning(
            parts,
            f"{owner} field 'Assign' assigns the variable '{name}', which is not a valid variable name "
            "(up to 80 letters, digits and '_', not starting with a digit); "
            "expressions cannot refer to it as '$name'.",
            INVALID_VARIABLE_NAME,
        )


def check_jsonata_template(report: Reporter, parts: Parts, owner: str, name: str, value: Any) -> None:
    """Every ``{% … %}`` string inside ``value`` must parse as JSONata."""
    if isinstance(value, str):
        if is_jsonata(value):
            problem = jsonata_error(value)
            if problem:
                report.error(
                    parts,
                    f"{owner} field '{name}' holds an invalid JSONata expression {describe(value)}: "
                    f"{problem}.",
                )
            return
        problem = unbalanced_delimiter(value)
        if problem:
            report.error(
                parts,
                f"{owner} field '{name}' holds {describe(value)}, which is not a JSONata expression: "
                f"{problem} "
                "(write '{% expression %}', or remove the delimiter for a literal string).",
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            check_jsonata_template(report, (*parts, key), owner, name, item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_jsonata_template(report, (*parts, index), owner, name, item)


def check_assign(report: Reporter, parts: Parts, owner: str, value: Any, language: str) -> None:
    """The Assign field: an object whose keys are variable names."""
    if not report.object(parts, owner, "Assign", value):
        return
    if language == "JSONata":
        for key in value:
            _check_variable_name(report, (*parts, key), owner, key)
        check_jsonata_template(report, parts, owner, "Assign", value)
    else:
        check_payload_template(report, parts, owner, "Assign", value, variables=True)


def check_value_or_jsonata(
    report: Reporter,
    parts: Parts,
    owner: str,
    name: str,
    value: Any,
    *,
    language: str,
    minimum: int,
    maximum: int | None = None,
) -> None:
    """An integer field that a JSONata state may also give as a ``{% … %}`` expression."""
    if language == "JSONata" and isinstance(value, str) and not is_placeholder(value):
        if not is_jsonata(value):
            report.error(
                parts,
                f"{owner} field '{name}' must be an integer or a JSONata expression, not {describe(value)}.",
            )
            return
        check_jsonata_template(report, parts, owner, name, value)
        return
    if isinstance(value, str) and value.startswith("$") and not is_placeholder(value) and "." not in name:
        report.error(
            parts,
            f"{owner} field '{name}' must be an integer, not the path {describe(value)}; "
            f"use '{name}Path' to read it from the input.",
        )
        return
    report.integer(parts, owner, name, value, minimum=minimum, maximum=maximum)


def check_timestamp(report: Reporter, parts: Parts, owner: str, name: str, value: Any) -> None:
    """An RFC 3339 timestamp such as ``2016-03-14T01:59:00Z``."""
    if is_placeholder(value):
        report.placeholder(parts, owner, name, value)
        return
    if not report.string(parts, owner, name, value):
        return
    valid = _TIMESTAMP.match(value) is not None
    if valid:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            valid = False
    if not valid:
        report.error(
            parts,
            f"{owner} field '{name}' must be an RFC 3339 timestamp such as '2016-03-14T01:59:00Z', "
            f"not {describe(value)}.",
        )


def check_arn(report: Reporter, parts: Parts, owner: str, name: str, value: Any) -> None:
    """A Task or ItemReader/ResultWriter ``Resource``: an ARN, possibly with template placeholders."""
    if isinstance(value, dict) and value and all(k == "Ref" or k.startswith("Fn::") for k in value):
        report.warning(
            parts,
            f"{owner} field '{name}' is a CloudFormation intrinsic ({', '.join(value)}); it must be "
            "resolved before Step Functions can use it.",
            TEMPLATE_SUBSTITUTION,
        )
        return
    if not report.string(parts, owner, name, value):
        return
    if PLACEHOLDER.search(value):
        report.placeholder(parts, owner, name, value)
        if is_placeholder(value):
            return
    marked = PLACEHOLDER.sub(_MARK, value)
    match = _ARN.match(marked)
    problem = None
    if match is None:
        problem = "it is not an ARN ('arn:partition:service:region:account:resource')"
    else:
        service, resource = match.group(2), match.group(5)
        if resource.endswith((":", "/")):
            problem = "the resource part of the ARN ends with a separator"
        elif (
            service == "lambda" and resource.startswith("function:") and not _LAMBDA_FUNCTION.match(resource)
        ):
            problem = "a Lambda function ARN ends with 'function:NAME' or 'function:NAME:ALIAS_OR_VERSION'"
    if problem:
        report.error(
            parts,
            f"{owner} field '{name}' is not a valid resource: {describe(value)}: {problem}.",
            INVALID_RESOURCE,
        )
