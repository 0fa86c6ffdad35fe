"""The local platform fixture of the integration tests, for the import route's HTTP test."""

from integration.conftest import handle

__all__ = ["handle"]
