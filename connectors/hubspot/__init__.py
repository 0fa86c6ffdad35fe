"""HubSpot connector: CRM v3 contacts and deals (create, get, update, search)."""

from connectors.hubspot import contacts, deals
from connectors.hubspot.connector import HUBSPOT as connector

__all__ = ["connector", "contacts", "deals"]
