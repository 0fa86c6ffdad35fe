"""Microsoft Teams connector: Graph channel messages and channels; incoming and Workflows webhooks."""

from connectors.teams import list_channels, post_adaptive_card, post_message_card, send_channel_message
from connectors.teams.connector import TEAMS as connector

__all__ = ["connector", "list_channels", "post_adaptive_card", "post_message_card", "send_channel_message"]
