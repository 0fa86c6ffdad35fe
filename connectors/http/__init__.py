"""HTTP connector: any request, JSON shortcuts, GraphQL."""

from connectors.http import request, shortcuts
from connectors.http.connector import HTTP as connector

__all__ = ["connector", "request", "shortcuts"]
