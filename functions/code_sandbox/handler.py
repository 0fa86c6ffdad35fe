"""Lambda handler of the ``code.python`` node: ``{"code", "input", "limits"?}`` in, ``main(input)`` out.

Deployed as a dedicated Lambda whose role has no permissions and whose environment holds no
secrets; locally registered as ``<resource_prefix>-code-python``. The compiled state machine calls
it with ``arn:aws:states:::lambda:invoke`` and ``Payload: {code, input}``. Errors propagate as the
``functions.code_sandbox.errors`` classes, whose names Step Functions sees as error names.

Imports stay lean on purpose (cold start): pydantic and the standard library only.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel, ConfigDict

from functions.code_sandbox.limits import DEFAULT_LIMITS, SandboxLimits
from functions.code_sandbox.sandbox import protect_parent_environment, run_sandboxed

__all__ = ["FUNCTION_NAME_SUFFIX", "CodeRequest", "handler"]

#: The function is named ``<resource_prefix>-code-python`` in AWS and in the local runtime.
FUNCTION_NAME_SUFFIX = "code-python"


class CodeRequest(BaseModel):
    """The invocation payload the compiler emits for a ``code.python`` node."""

    model_config = ConfigDict(extra="forbid")

    code: str
    input: Any = None
    limits: SandboxLimits = DEFAULT_LIMITS


def handler(event: dict[str, Any], context: Any) -> Any:
    """Run the node's code on its input and return the output.

    Example:
        >>> handler({"code": "def main(input):\\n    return input['n'] + 1", "input": {"n": 1}}, None)
        2
    """
    protect_parent_environment()  # once per process; a no-op as root
    request = CodeRequest.model_validate(event)
    result = run_sandboxed(request.code, request.input, request.limits)
    if result.logs:
        # What the code printed goes to the function's own log stream (CloudWatch in AWS).
        sys.stderr.write(result.logs)
    return result.output
