"""Errors of the ``code.python`` node. Class names are a contract: they become Step Functions error names.

    SandboxError                 (base; never raised itself)
    ├── CodeError                the user's code raised, did not compile, or ended without a result
    ├── CodeTimeoutError         CPU-time or wall-clock limit reached
    ├── CodeMemoryError          memory limit reached
    ├── CodeSecurityError        a blocked operation (the message names it)
    └── CodeOutputError          the return value is not JSON or is too large

A workflow catches them with ``ErrorEquals: ["CodeTimeoutError"]`` and so on. The classes are
siblings on purpose: in ASL only the name counts, and "the code failed" (``CodeError``) should not
also match a timeout.
"""

from __future__ import annotations

__all__ = [
    "CodeError",
    "CodeMemoryError",
    "CodeOutputError",
    "CodeSecurityError",
    "CodeTimeoutError",
    "SandboxError",
]


class SandboxError(Exception):
    """Base of every error a code node raises; the message is written for the workflow's author."""


class CodeError(SandboxError):
    """The user's code raised (message + the code's own traceback lines), or could not run."""


class CodeTimeoutError(SandboxError):
    """The code used more CPU time, or ran longer on the wall clock, than its limits allow."""


class CodeMemoryError(SandboxError):
    """The code needed more memory than its limit."""


class CodeSecurityError(SandboxError):
    """The code tried an operation the sandbox refuses (files, network, processes, ...)."""


class CodeOutputError(SandboxError):
    """``main()`` returned something that is not JSON, or more bytes than the output limit."""
