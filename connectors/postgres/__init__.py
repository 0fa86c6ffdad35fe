"""PostgreSQL connector: read-only queries, statements and bulk inserts, always with bound parameters."""

from connectors.postgres import execute, insert_rows, query
from connectors.postgres.connector import POSTGRES as connector

__all__ = ["connector", "execute", "insert_rows", "query"]
