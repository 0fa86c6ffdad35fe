"""SendGrid connector: send email, upsert and find contacts, list contact lists."""

from connectors.sendgrid import contacts, mail
from connectors.sendgrid.connector import SENDGRID as connector

__all__ = ["connector", "contacts", "mail"]
