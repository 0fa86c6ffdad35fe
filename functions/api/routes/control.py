"""Kill switches and quotas: pause or block new runs of the tenant, a workflow or a connector."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from functions.api.context import caller, current_settings
from functions.api.errors import UnprocessableError
from functions.shared import store
from functions.shared.store import FlagRecord

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

Scope = Literal["tenant", "workflow", "connector"]
Target = Annotated[
    str, Path(pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9_\-.]{0,79})$", description="`*` for the tenant.")
]


class FlagRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["pause", "block"]
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    until: Annotated[
        AwareDatetime | None, Field(description="Lifts itself then; none means until lifted.")
    ] = None


class QuotaRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    runs_per_minute: Annotated[int, Field(ge=1, le=1_000_000)]


class Quotas(BaseModel):
    runs_per_minute: int
    default_runs_per_minute: int


def _checked_target(scope: Scope, target: str) -> None:
    if (scope == "tenant") != (target == "*"):
        raise UnprocessableError("invalid_target", "A tenant flag targets '*'; other scopes name an id.")


@router.get("/flags", summary="The control flags of the tenant", tags=["control"])
def list_flags() -> list[FlagRecord]:
    identity = caller("team:manage")
    return store.get_controls(identity.tenant_id).flags


@router.put("/flags/<scope>/<target>", summary="Pause or block new runs (a kill switch)", tags=["control"])
def set_flag(scope: Scope, target: Target, request: Annotated[FlagRequest, Body()]) -> FlagRecord:
    identity = caller("team:manage")
    _checked_target(scope, target)
    until: datetime | None = request.until
    flag = store.put_flag(
        identity.tenant_id,
        scope,
        target,
        action=request.action,
        reason=request.reason,
        set_by=identity.subject,
        until=until,
    )
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="flag.set",
        resource=f"flag/{scope}/{target}",
        details={"action": request.action, "reason": request.reason, "until": until},
    )
    return flag


@router.delete("/flags/<scope>/<target>", summary="Lift a control flag", tags=["control"])
def lift_flag(scope: Scope, target: Target) -> Response[str]:
    identity = caller("team:manage")
    store.delete_flag(identity.tenant_id, scope, target)
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="flag.lift",
        resource=f"flag/{scope}/{target}",
        details={},
    )
    return Response(status_code=204, body="")


@router.get("/quotas", summary="The tenant's quotas", tags=["control"])
def get_quotas() -> Quotas:
    identity = caller("team:manage")
    default = current_settings().runs_per_minute
    configured = store.get_controls(identity.tenant_id).runs_per_minute
    return Quotas(runs_per_minute=configured or default, default_runs_per_minute=default)


@router.put("/quotas", summary="Set the tenant's quotas", tags=["control"])
def set_quotas(request: Annotated[QuotaRequest, Body()]) -> Quotas:
    identity = caller("tenant:manage")
    store.put_quota(identity.tenant_id, runs_per_minute=request.runs_per_minute, set_by=identity.subject)
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="quota.set",
        resource="quotas",
        details={"runs_per_minute": request.runs_per_minute},
    )
    return Quotas(
        runs_per_minute=request.runs_per_minute, default_runs_per_minute=current_settings().runs_per_minute
    )
