"""Slack connector: post, update, react, list channels; message webhooks."""

from connectors.slack import add_reaction, list_channels, post_message, triggers, update_message
from connectors.slack.connector import SLACK as connector

__all__ = ["add_reaction", "connector", "list_channels", "post_message", "triggers", "update_message"]
