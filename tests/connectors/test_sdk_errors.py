"""The error hierarchy is a contract with the compiler: names, parents, the retryable list."""

from __future__ import annotations

import builtins

from connectors.sdk import errors


def test_retryable_errors_are_exactly_the_retryable_subtree() -> None:
    subtree = {errors.RetryableError.__name__} | {c.__name__ for c in errors.RetryableError.__subclasses__()}
    assert set(errors.RETRYABLE_ERRORS) == subtree


def test_every_error_name_is_a_connector_error_that_shadows_no_builtin() -> None:
    for name in errors.ERROR_NAMES:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.ConnectorError)
        assert cls(name).code == name
        assert not hasattr(builtins, name)
    assert set(errors.ERROR_NAMES) == {n for n in errors.__all__ if n.endswith("Error")}


def test_permanent_errors_are_not_retryable() -> None:
    for cls in (errors.AuthError, errors.InvalidInputError, errors.NotFoundError, errors.ConflictError):
        assert not issubclass(cls, errors.RetryableError)
