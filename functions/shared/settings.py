"""The environment of the platform Lambdas, parsed once into one model.

Logic never reads ``os.environ``: handlers build ``settings_from_env()`` once (from ``WFAIB_*``
variables in AWS) and pass it on; the local platform builds the same model directly.

A plain pydantic model rather than ``pydantic_settings.BaseSettings``: importing that package
costs every cold start of every platform function tens of milliseconds, to read a flat set of
prefixed variables that ``settings_from_env`` reads in three lines (pydantic still parses them).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import get_origin

from pydantic import BaseModel, ConfigDict, Field, SecretStr

__all__ = ["Settings", "settings_from_env"]

_PREFIX = "WFAIB_"
_CONTAINERS = (tuple, list, dict, set, frozenset)


class Settings(BaseModel):
    """Where the table and Step Functions are, and how tokens are signed.

    Example:
        >>> Settings(jwt_secret="s", dynamodb_endpoint="http://127.0.0.1:5000").dynamodb_endpoint
        'http://127.0.0.1:5000'
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    table_name: str = "wfaib"
    idempotency_table_name: str | None = Field(
        default=None,
        description="Powertools idempotency records of API run starts carrying an Idempotency-Key.",
    )
    region: str = "us-east-1"
    account_id: str = "123456789012"
    resource_prefix: str = Field(default="wfaib-local", description="Prefix of functions and state machines.")
    dynamodb_endpoint: str | None = Field(default=None, description="Local DynamoDB (moto); unset in AWS.")
    stepfunctions_endpoint: str | None = Field(default=None, description="Local Step Functions API.")
    secretsmanager_endpoint: str | None = Field(default=None, description="Local Secrets Manager (moto).")
    scheduler_endpoint: str | None = Field(default=None, description="Local EventBridge Scheduler (moto).")
    schedule_group: str = Field(default="default", description="Scheduler group of the workflows' schedules.")
    schedule_target_arn: str = Field(
        default="arn:aws:lambda:us-east-1:123456789012:function:wfaib-local-triggers",
        description="The function schedules invoke (functions/triggers, schedule_handler).",
    )
    scheduler_role_arn: str = Field(
        default="arn:aws:iam::123456789012:role/wfaib-local-scheduler",
        description="The role EventBridge Scheduler assumes to invoke it.",
    )
    events_endpoint: str | None = Field(default=None, description="Local EventBridge (moto); unset in AWS.")
    events_target_arn: str = Field(
        default="arn:aws:lambda:us-east-1:123456789012:function:wfaib-local-events",
        description="The function event rules invoke (functions/triggers, event_handler).",
    )
    credential_prefix: str = Field(
        default="wfaib/local/credentials/",
        description="Secrets are named <prefix><tenant>/<credential>; connector functions may read the prefix.",
    )
    aws_access_key_id: SecretStr | None = Field(default=None, description="Only for local endpoints.")
    aws_secret_access_key: SecretStr | None = None
    state_machine_role_arn: str = Field(
        default="arn:aws:iam::123456789012:role/wfaib-local-workflows",
        description="The execution role of workflow state machines.",
    )
    templates_dir: Path = Field(
        default=Path(__file__).resolve().parents[2] / "examples",
        description="The built-in template gallery: workflow JSON files shipped with the function.",
    )
    public_api_url: str = Field(
        default="",
        description="The API's public base URL, for approval links in notifications (relative links when empty).",
    )
    approval_link_seconds: int = Field(
        default=604_800,
        ge=60,
        description="How long an approval link stays valid (the default approval timeout).",
    )
    runs_per_minute: int = Field(default=600, ge=1, description="Default per-tenant quota of run starts.")
    operator_tenant: str = Field(
        default="wfaib-operators",
        description="The tenant whose owners are platform operators (global flags); give it to no customer.",
    )
    jwt_secret: SecretStr = Field(description="HS256 key of the API's bearer tokens.")
    jwt_issuer: str = "wfaib"
    local_tokens: bool = Field(
        default=True,
        description="Accept the HS256 tokens `wfaib token` mints (the local platform); AWS turns it off.",
    )
    user_pool_id: str = Field(default="", description="Cognito user pool whose tokens the API accepts.")
    cognito_issuer: str = Field(
        default="",
        description="Issuer of Cognito tokens; derived from user_pool_id when empty (tests point it at loopback).",
    )
    cognito_client_ids: tuple[str, ...] = Field(
        default=(),
        description="App clients whose tokens the API accepts (ID token aud, access token client_id).",
    )
    cognito_client_id_parameter: str = Field(
        default="",
        description="SSM parameter listing more app client ids (the editor's client is made after the API).",
    )
    cognito_tenant_claim: str = Field(
        default="custom:tenant", description="The claim naming the user's tenant."
    )


@cache
def settings_from_env() -> Settings:
    """``Settings`` from the ``WFAIB_*`` environment variables, parsed on first use (Lambda).

    In AWS the signing key is not in the environment: ``WFAIB_JWT_SECRET_ARN`` names the Secrets
    Manager secret holding it, read once per cold start (Powertools parameters caches it).
    """
    prefixed = {name.upper(): value for name, value in os.environ.items() if name.upper().startswith(_PREFIX)}
    values: dict[str, object] = {
        field: json.loads(prefixed[_PREFIX + field.upper()])
        if get_origin(info.annotation)
        in _CONTAINERS  # lists and tuples come as JSON, as pydantic-settings reads them
        else prefixed[_PREFIX + field.upper()]
        for field, info in Settings.model_fields.items()
        if _PREFIX + field.upper() in prefixed
    }
    secret_arn = prefixed.get("WFAIB_JWT_SECRET_ARN")
    if "jwt_secret" not in values and secret_arn:
        from aws_lambda_powertools.utilities.parameters import get_secret

        values["jwt_secret"] = SecretStr(str(get_secret(secret_arn)))
    return Settings.model_validate(values)
