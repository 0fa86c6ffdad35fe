"""Twilio SMS connector: send SMS/MMS, fetch a message, list messages."""

from connectors.twilio import get_message, list_messages, send_sms
from connectors.twilio.connector import TWILIO as connector

__all__ = ["connector", "get_message", "list_messages", "send_sms"]
