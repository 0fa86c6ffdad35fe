"""SMTP email connector: send email (text, HTML, attachments), relay raw messages, check a server."""

from connectors.smtp import check_connection, send_email, send_raw_email
from connectors.smtp.connector import SMTP as connector

__all__ = ["check_connection", "connector", "send_email", "send_raw_email"]
