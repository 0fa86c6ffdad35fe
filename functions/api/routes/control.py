"""Kill switches and quotas: pause, block or rate-limit new runs of the tenant, a workflow or a
connector; and the platform's global flag, for platform operators only.

A platform operator is an owner (``tenant:manage``) of the operator tenant
(``Settings.operator_tenant``, ``wfaib-operators`` unless configured): a tenant no customer is
given. Global flags are stored under the reserved tenant ``*`` and apply to every tenant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from functions.api.auth import Identity
from functions.api.context import caller, current_settings
from functions.api.errors import ForbiddenError, UnprocessableError
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

    action: Literal["pause", "block", "rate_limit"]
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    until: Annotated[
        AwareDatetime | None, Field(description="Lifts itself then; none means until lifted.")
    ] = None
    limit_per_minute: Annotated[
        int | None,
        Field(ge=1, le=1_000_000, description="rate_limit only: starts allowed per minute in the scope."),
    ] = None

    @model_validator(mode="after")
    def _limit_goes_with_rate_limit(self) -> FlagRequest:
        if (self.action == "rate_limit") != (self.limit_per_minute is not None):
            raise ValueError("limit_per_minute is required with rate_limit, and only with it")
        return self


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


@router.put(
    "/flags/<scope>/<target>", summary="Pause, block or rate-limit new runs (a kill switch)", tags=["control"]
)
def set_flag(scope: Scope, target: Target, request: Annotated[FlagRequest, Body()]) -> FlagRecord:
    identity = caller("team:manage")
    _checked_target(scope, target)
    return _set(identity, identity.tenant_id, scope, target, request)


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


def _set(identity: Identity, tenant_id: str, scope: str, target: str, request: FlagRequest) -> FlagRecord:
    until: datetime | None = request.until
    flag = store.put_flag(
        tenant_id,
        scope,
        target,
        action=request.action,
        reason=request.reason,
        set_by=identity.subject,
        until=until,
        limit_per_minute=request.limit_per_minute,
    )
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="flag.set",
        resource=f"flag/{scope}/{target}",
        details={
            "action": request.action,
            "reason": request.reason,
            "until": until,
            "limit_per_minute": request.limit_per_minute,
        },
    )
    return flag


def _operator() -> Identity:
    """The caller, provided they are a platform operator (an owner of the operator tenant)."""
    identity = caller("tenant:manage")
    if identity.tenant_id != current_settings().operator_tenant:
        raise ForbiddenError(
            "not_operator",
            "Only platform operators (owners of the operator tenant) manage global flags.",
            {"required": "operator"},
        )
    return identity


@router.get("/flags/global", summary="The platform's global flags (operators)", tags=["control"])
def list_global_flags() -> list[FlagRecord]:
    _operator()
    return store.get_global_flags()


@router.put(
    "/flags/global",
    summary="Pause, block or rate-limit new runs of every tenant (operators)",
    tags=["control"],
)
def set_global_flag(request: Annotated[FlagRequest, Body()]) -> FlagRecord:
    return _set(_operator(), store.GLOBAL_TENANT, "global", "*", request)


@router.delete("/flags/global", summary="Lift the global flag (operators)", tags=["control"])
def lift_global_flag() -> Response[str]:
    identity = _operator()
    store.delete_flag(store.GLOBAL_TENANT, "global", "*")
    store.write_audit(
        identity.tenant_id, actor=identity.subject, action="flag.lift", resource="flag/global/*", details={}
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
