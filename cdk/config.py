"""Per-stage settings, read from CDK context (``cdk.json`` or ``-c``).

``cdk.json`` holds ``wfaib:stages`` (one object per stage) and ``wfaib:stage`` (the stage, or a
comma-separated list of stages, to synthesize). Everything a stage may change is a field here;
an unknown key is an error, so a typo in ``cdk.json`` fails the synth instead of being ignored.

Example::

    cdk deploy --all -c wfaib:stage=prod
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["StageConfig", "load_stage_configs"]

STAGE_CONTEXT_KEY = "wfaib:stage"
STAGES_CONTEXT_KEY = "wfaib:stages"


_RETENTION_BY_DAYS: dict[int, logs.RetentionDays] = {
    1: logs.RetentionDays.ONE_DAY,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    731: logs.RetentionDays.TWO_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}


class StageConfig(BaseModel):
    """What differs between dev and prod."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: str = Field(pattern=r"^[a-z][a-z0-9]{1,11}$")
    log_retention_days: int = 14
    retain_data: bool = False
    domain_name: str | None = None
    certificate_arn: str | None = Field(
        default=None, pattern=r"^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate/.+"
    )
    alarm_email: str | None = None
    api_rate_limit: float = Field(default=50.0, gt=0)
    api_burst_limit: int = Field(default=100, gt=0)
    waf_rate_limit_per_5min: int = Field(default=2000, ge=100)
    mfa: Literal["optional", "required"] = "required"
    extra_callback_urls: tuple[str, ...] = ("http://localhost:8080/",)
    event_buses: tuple[Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,256}$")], ...] = Field(
        default=(),
        description="Custom EventBridge buses (names) that event triggers may put rules on; "
        "the default bus is always allowed.",
    )

    @field_validator("log_retention_days")
    @classmethod
    def _known_retention(cls, days: int) -> int:
        if days not in _RETENTION_BY_DAYS:
            allowed = ", ".join(str(known) for known in sorted(_RETENTION_BY_DAYS))
            raise ValueError(f"log_retention_days must be one of {allowed}")
        return days

    @field_validator("event_buses")
    @classmethod
    def _custom_buses_only(cls, buses: tuple[str, ...]) -> tuple[str, ...]:
        if "default" in buses:
            raise ValueError("event_buses lists custom buses; the default bus is always allowed")
        return buses

    @model_validator(mode="after")
    def _domain_needs_certificate(self) -> StageConfig:
        if (self.domain_name is None) != (self.certificate_arn is None):
            raise ValueError(
                "domain_name and certificate_arn go together (the certificate must be in us-east-1)"
            )
        return self

    @property
    def prefix(self) -> str:
        """Prefix of every resource name of the stage, e.g. ``wfaib-dev``."""
        return f"wfaib-{self.stage}"

    @property
    def data_removal_policy(self) -> RemovalPolicy:
        """Prod keeps tables, keys, secrets and buckets when a stack is deleted; dev cleans up."""
        return RemovalPolicy.RETAIN if self.retain_data else RemovalPolicy.DESTROY

    @property
    def log_retention(self) -> logs.RetentionDays:
        """The CloudWatch Logs retention enum value for ``log_retention_days``."""
        return _RETENTION_BY_DAYS[self.log_retention_days]


def load_stage_configs(context: dict[str, Any]) -> list[StageConfig]:
    """Return the configs of the stages selected by ``wfaib:stage`` (default ``dev``)."""
    stages: dict[str, dict[str, Any]] = context.get(STAGES_CONTEXT_KEY) or {}
    selected = str(context.get(STAGE_CONTEXT_KEY) or "dev")
    configs = []
    for name in (part.strip() for part in selected.split(",") if part.strip()):
        if name not in stages:
            known = ", ".join(sorted(stages)) or "none"
            raise ValueError(f"stage {name!r} is not in the wfaib:stages context (known: {known})")
        configs.append(StageConfig(stage=name, **stages[name]))
    return configs
