"""Discord connector: send, edit, delete and react to messages as a bot; post through webhooks."""

from connectors.discord import add_reaction, delete_message, edit_message, send_message, webhook
from connectors.discord.connector import DISCORD as connector

__all__ = ["add_reaction", "connector", "delete_message", "edit_message", "send_message", "webhook"]
