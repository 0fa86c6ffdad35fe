"""Airtable connector: list (formula filter, offset paging), get, create and update/upsert records."""

from connectors.airtable import records
from connectors.airtable.connector import AIRTABLE as connector

__all__ = ["connector", "records"]
