"""Telegram connector: send messages, photos and documents as a bot; poll for new updates."""

from connectors.telegram import send_document, send_message, send_photo, triggers
from connectors.telegram.connector import TELEGRAM as connector

__all__ = ["connector", "send_document", "send_message", "send_photo", "triggers"]
