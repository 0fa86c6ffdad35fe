"""MySQL / MariaDB connector: read-only queries, statements and bulk inserts, always with bound parameters."""

from connectors.mysql import execute, insert_rows, query
from connectors.mysql.connector import MYSQL as connector

__all__ = ["connector", "execute", "insert_rows", "query"]
