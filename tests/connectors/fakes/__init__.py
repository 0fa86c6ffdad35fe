"""Fake providers for connector tests: real HTTP servers on 127.0.0.1 that speak real API shapes."""

from fakes.server import FakeServer, RecordedRequest, json_response

__all__ = ["FakeServer", "RecordedRequest", "json_response"]
