"""Microsoft Teams: the connector declaration (Microsoft Graph, OAuth2) and Graph's error bodies."""

from __future__ import annotations

from typing import Any

from connectors.sdk import Connector, OAuth2Auth

__all__ = ["GRAPH_ROOT", "TEAMS", "graph_error_message"]

GRAPH_ROOT = "https://graph.microsoft.com/v1.0"
_LOGIN = "https://login.microsoftonline.com/organizations/oauth2/v2.0"


def graph_error_message(body: Any) -> str | None:
    """Graph errors: ``{"error": {"code": "InvalidAuthenticationToken", "message": "..."}}``;
    Power Automate (Workflows) webhooks answer the same shape."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or "message" not in error:
        return None
    return f"{error.get('code', 'Error')}: {error['message']}"


TEAMS = Connector(
    "teams",
    "Microsoft Teams",
    version="1.0.0",
    icon="teams.svg",
    category="communication",
    description="Post to Teams channels through Microsoft Graph, incoming webhooks or Workflows webhooks.",
    auth=OAuth2Auth(
        authorize_url=f"{_LOGIN}/authorize",
        token_url=f"{_LOGIN}/token",
        scopes=["ChannelMessage.Send", "Channel.ReadBasic.All", "offline_access"],
    ),
    base_url=GRAPH_ROOT,
    error_message=graph_error_message,
)
