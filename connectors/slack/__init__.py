"""Slack connector: post, update, react, list channels."""

from connectors.slack import add_reaction, list_channels, post_message, update_message
from connectors.slack.connector import SLACK as connector

__all__ = ["add_reaction", "connector", "list_channels", "post_message", "update_message"]
