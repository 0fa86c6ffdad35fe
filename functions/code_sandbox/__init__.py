"""The ``code.python`` node's sandbox: run user ``main(input)`` in a fresh, limited child process.

Example:
    >>> from functions.code_sandbox import run_python
    >>> run_python("def main(input):\\n    return sorted(input)", [3, 1, 2])
    [1, 2, 3]
"""

from functions.code_sandbox.errors import (
    CodeError,
    CodeMemoryError,
    CodeOutputError,
    CodeSecurityError,
    CodeTimeoutError,
    SandboxError,
)
from functions.code_sandbox.limits import DEFAULT_LIMITS, SandboxLimits
from functions.code_sandbox.sandbox import SandboxResult, run_python, run_sandboxed

__all__ = [
    "DEFAULT_LIMITS",
    "CodeError",
    "CodeMemoryError",
    "CodeOutputError",
    "CodeSecurityError",
    "CodeTimeoutError",
    "SandboxError",
    "SandboxLimits",
    "SandboxResult",
    "run_python",
    "run_sandboxed",
]
