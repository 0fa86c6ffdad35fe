"""``wfaib add-owner``: the first owner of a tenant in a deployed stage (the bootstrap step).

The users API needs a signed-in user with ``team:manage``; the very first one of a tenant is
made here, with the deployer's AWS credentials: the tenant and an owner record in the stage's
platform table, and (with ``--user-pool-id``) the Cognito user with its ``custom:tenant``
attribute, to whom Cognito mails a temporary password. Everyone after that is invited through the
API (``POST /users``). Running it again for the same e-mail makes that user an owner again.

Example::

    wfaib add-owner --stage prod --tenant acme --email ada@acme.example --user-pool-id eu-west-1_AbC
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

__all__ = ["add_owner", "create_pool_user", "register"]

TENANT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
EMAIL_PATTERN = re.compile(r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")


def register(app: typer.Typer) -> None:
    """Add ``add-owner`` to the ``wfaib`` command line."""
    app.command("add-owner")(add_owner)


def add_owner(
    *,
    tenant: Annotated[str, typer.Option(help="The tenant (lower-case letters, digits and dashes).")],
    email: Annotated[str, typer.Option(help="The owner's e-mail address (their sign-in name).")],
    stage: Annotated[
        str, typer.Option(help="The deployed stage; its table is wfaib-<stage>-platform.")
    ] = "dev",
    user_pool_id: Annotated[
        str | None, typer.Option(help="Also create the Cognito user (the UserPoolId stack output).")
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="AWS region (default: the user pool's, or your profile's).")
    ] = None,
    tenant_name: Annotated[str | None, typer.Option(help="Display name of the tenant.")] = None,
) -> None:
    """Create a tenant's first owner in a deployed stage (the users API manages everyone else)."""
    import boto3

    from functions.api.context import configure
    from functions.shared import Settings, store

    if not TENANT_PATTERN.match(tenant) or not EMAIL_PATTERN.match(email):
        typer.echo(
            "Give a --tenant of lower-case letters, digits and dashes, and an e-mail address.", err=True
        )
        raise typer.Exit(2)
    region = (
        region
        or (user_pool_id.partition("_")[0] if user_pool_id else None)
        or boto3.session.Session().region_name
    )
    if not region:
        typer.echo("Name the AWS region with --region.", err=True)
        raise typer.Exit(2)
    if user_pool_id:
        client = boto3.client("cognito-idp", region_name=region)
        created = create_pool_user(client, user_pool_id, email=email, tenant=tenant)
        typer.echo(
            f"Cognito user {email}: {'created, a temporary password is on its way' if created else 'exists'}"
        )
    configure(
        Settings(jwt_secret="unused-by-this-command", table_name=f"wfaib-{stage}-platform", region=region)
    )
    store.put_tenant(tenant, tenant_name or tenant)
    store.put_user(tenant, email, email, store.OWNER_ROLE)
    typer.echo(f"{email.lower()} is an owner of tenant {tenant} in stage {stage}.")


def create_pool_user(client: Any, user_pool_id: str, *, email: str, tenant: str) -> bool:
    """Create the Cognito user with its tenant; False when it exists already (its tenant is kept)."""
    try:
        client.admin_create_user(
            UserPoolId=user_pool_id,
            Username=email.lower(),
            UserAttributes=[
                {"Name": "email", "Value": email.lower()},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "custom:tenant", "Value": tenant},
            ],
            DesiredDeliveryMediums=["EMAIL"],
        )
    except client.exceptions.UsernameExistsException:
        return False
    return True
