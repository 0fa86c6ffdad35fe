"""What the ASL validator reports: one ``Diagnostic`` per problem, shaped like AWS's own.

The fields mirror ``ValidateStateMachineDefinitionDiagnostic`` of the Step Functions API
(``severity``, ``code``, ``location``, ``message``) so that a script can treat our answer and
AWS's answer alike. ``location`` is a JSON pointer (RFC 6901) into the definition.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "DUPLICATE_STATE_NAME",
    "INVALID_JSON_DESCRIPTION",
    "INVALID_LABEL_NAME",
    "INVALID_RESOURCE",
    "INVALID_STATE_NAME",
    "INVALID_VARIABLE_NAME",
    "MISSING_DESCRIPTION",
    "MISSING_END_STATE",
    "MISSING_TRANSITION_TARGET",
    "NO_DOLLAR",
    "PASS_RESULT_IS_STATIC",
    "SCHEMA_VALIDATION_FAILED",
    "TEMPLATE_SUBSTITUTION",
    "TOO_DEEPLY_NESTED",
    "UNKNOWN_ERROR_NAME",
    "UNREACHABLE_STATE",
    "Diagnostic",
    "Severity",
    "has_errors",
    "json_pointer",
]

Severity = Literal["ERROR", "WARNING"]

# Error codes of AWS's ValidateStateMachineDefinition API.
INVALID_JSON_DESCRIPTION = "INVALID_JSON_DESCRIPTION"
MISSING_DESCRIPTION = "MISSING_DESCRIPTION"
SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED"
INVALID_RESOURCE = "INVALID_RESOURCE"
MISSING_END_STATE = "MISSING_END_STATE"
DUPLICATE_STATE_NAME = "DUPLICATE_STATE_NAME"
INVALID_STATE_NAME = "INVALID_STATE_NAME"
MISSING_TRANSITION_TARGET = "MISSING_TRANSITION_TARGET"
TOO_DEEPLY_NESTED = "TOO_DEEPLY_NESTED"
INVALID_LABEL_NAME = "INVALID_LABEL_NAME"
# AWS reports an unreachable state as a schema failure; we keep a code of its own so that
# tools can tell it apart, and say so in the message.
UNREACHABLE_STATE = "UNREACHABLE_STATE"
# Warning codes of the same API.
NO_DOLLAR = "NO_DOLLAR"
PASS_RESULT_IS_STATIC = "PASS_RESULT_IS_STATIC"
# Ours (warnings): a `${Name}` placeholder of CloudFormation/SAM/Terraform left in a definition
# file; a variable name expressions cannot refer to; an unknown `States.*` error name.
TEMPLATE_SUBSTITUTION = "TEMPLATE_SUBSTITUTION"
INVALID_VARIABLE_NAME = "INVALID_VARIABLE_NAME"
UNKNOWN_ERROR_NAME = "UNKNOWN_ERROR_NAME"


class Diagnostic(BaseModel):
    """One problem found in a state machine definition.

    Example:
        >>> d = Diagnostic(severity="ERROR", code="MISSING_TRANSITION_TARGET",
        ...                location="/States/Start/Next",
        ...                message="State 'Start' moves to 'Done', which is not a state.")
        >>> d.code, d.location
        ('MISSING_TRANSITION_TARGET', '/States/Start/Next')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    severity: Severity
    code: str
    location: str
    message: str


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    """True when at least one diagnostic is an ERROR (warnings never make a definition invalid).

    Example:
        >>> has_errors([Diagnostic(severity="WARNING", code="NO_DOLLAR", location="/States/A", message="...")])
        False
    """
    return any(d.severity == "ERROR" for d in diagnostics)


def json_pointer(parts: tuple[str | int, ...]) -> str:
    """The RFC 6901 pointer for a path of keys and indexes (``~`` and ``/`` escaped)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
