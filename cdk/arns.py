"""ARNs built from names, with the form cdk-nag prints for them.

Policies name resources of other stacks (and resources created at run time) by name instead of
by cross-stack reference: the stacks stay loosely coupled, and a wildcard's cdk-nag finding id
is predictable, so each one is acknowledged exactly (``AwsSolutions-IAM5[Resource::<nag>]``).
"""

from __future__ import annotations

from typing import NamedTuple

from aws_cdk import Aws

__all__ = ["Arn", "regional_arn", "s3_arn", "s3_arn_pattern"]


class Arn(NamedTuple):
    """An ARN for a policy (``value``, with CloudFormation pseudo parameters) and its nag form."""

    value: str
    nag: str

    @property
    def nag_finding(self) -> str:
        """The cdk-nag finding id of a wildcard on this resource."""
        return f"AwsSolutions-IAM5[Resource::{self.nag}]"


def regional_arn(service: str, resource: str, *, account: bool = True) -> Arn:
    """``arn:<partition>:<service>:<region>:<account>:<resource>`` in this stack's account/region."""
    account_value, account_nag = (Aws.ACCOUNT_ID, "<AWS::AccountId>") if account else ("", "")
    return Arn(
        value=f"arn:{Aws.PARTITION}:{service}:{Aws.REGION}:{account_value}:{resource}",
        nag=f"arn:<AWS::Partition>:{service}:<AWS::Region>:{account_nag}:{resource}",
    )


def s3_arn(bucket_name_prefix: str, key: str | None = None) -> Arn:
    """A bucket named ``<prefix>-<account>-<region>`` (or objects in it when ``key`` is given)."""
    suffix = "" if key is None else f"/{key}"
    return Arn(
        value=f"arn:{Aws.PARTITION}:s3:::{bucket_name_prefix}-{Aws.ACCOUNT_ID}-{Aws.REGION}{suffix}",
        nag=f"arn:<AWS::Partition>:s3:::{bucket_name_prefix}-<AWS::AccountId>-<AWS::Region>{suffix}",
    )


def s3_arn_pattern(resource: str) -> Arn:
    """An S3 ARN of any bucket/key pattern (``name-*/*``)."""
    return Arn(value=f"arn:{Aws.PARTITION}:s3:::{resource}", nag=f"arn:<AWS::Partition>:s3:::{resource}")
