"""Acknowledging cdk-nag findings: always on the narrowest construct, always with a reason.

cdk-nag 3 reads CDK's own ``Validations`` acknowledgments; each finding id is acknowledged
separately (``AwsSolutions-IAM5[Resource::*]``). The reasons are written to the templates'
metadata, where the infrastructure tests check that every one says why.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

from cdk.arns import Arn

__all__ = ["MIN_REASON_LENGTH", "acknowledge", "acknowledge_wildcard"]

MIN_REASON_LENGTH = 40


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge one cdk-nag finding on ``scope`` (and its children), saying why it is fine."""
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise ValueError(f"acknowledging {rule_id} needs a real reason, got {reason!r}")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule_id, reason=reason))


def acknowledge_wildcard(scope: IConstruct, arn: Arn, reason: str) -> None:
    """Acknowledge the IAM5 finding of a wildcard resource built with ``cdk.arns``."""
    acknowledge(scope, arn.nag_finding, reason)
