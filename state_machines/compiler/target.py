"""Where a compiled workflow will run: names and ARNs of the functions and state machines it calls.

The compiler is pure, so everything environment-specific comes in through this one value. Local
runs use the defaults; CDK deployments pass their stage's prefix, region and account.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["WEBHOOK_RESPONSE_PREFIX", "WEBHOOK_RESPONSE_SK", "CompileTarget"]

# The platform-table item a webhook.respond step writes, keyed by the execution's name (the run id,
# unique across tenants), and the synchronous webhook waits for (functions/triggers/respond.py).
# Its own partition prefix: the execution role may write these items and no tenant's items.
WEBHOOK_RESPONSE_PREFIX = "WEBHOOK#RESPONSE#"
WEBHOOK_RESPONSE_SK = "RESPONSE"


@dataclass(frozen=True, slots=True)
class CompileTarget:
    """Naming of the resources a workflow's state machine calls.

    Example:
        >>> CompileTarget(resource_prefix="wfaib-prod").connector_function_arn("slack")
        'arn:aws:lambda:us-east-1:123456789012:function:wfaib-prod-connector-slack'
    """

    region: str = "us-east-1"
    account_id: str = "123456789012"
    partition: str = "aws"
    resource_prefix: str = "wfaib-local"
    credential_prefix: str = "wfaib/local/credentials/"
    tenant_id: str = ""
    """Passed to connector and approval functions (usage records, approval links); empty locally."""
    table_name: str = "wfaib"
    """The platform table (webhook.respond writes the webhook's response there)."""

    def function_arn(self, name: str) -> str:
        return f"arn:{self.partition}:lambda:{self.region}:{self.account_id}:function:{self.resource_prefix}-{name}"

    def connector_function_arn(self, connector_id: str) -> str:
        return self.function_arn(f"connector-{connector_id}")

    def state_machine_arn(self, workflow_id: str) -> str:
        return (
            f"arn:{self.partition}:states:{self.region}:{self.account_id}:stateMachine:"
            f"{self.resource_prefix}-{workflow_id}"
        )

    def credential_secret_id(self, credential_id: str) -> str:
        return f"{self.credential_prefix}{credential_id}"
