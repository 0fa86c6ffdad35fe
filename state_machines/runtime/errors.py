"""Errors raised while executing ASL, named exactly as AWS Step Functions names them.

``StatesError`` carries the two strings a ``Catch`` and an ``ExecutionFailed`` event see:
``error`` (e.g. ``States.Runtime``, ``States.QueryEvaluationError``, ``States.TaskFailed`` or a
Lambda's exception name) and ``cause`` (AWS's own sentence, byte for byte where we know it).
"""

from __future__ import annotations

__all__ = ["StatesError"]


class StatesError(Exception):
    """A failure a state machine can Retry or Catch.

    Example:
        >>> raise StatesError("States.Runtime", "The JSONPath '$.a' could not be found in the input '{}'")
    """

    def __init__(self, error: str, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause
