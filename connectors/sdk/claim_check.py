"""Claim-check storage: large outputs go to S3 and a small reference flows through the state.

Step Functions caps a state's input/output at 256 KiB. An action output whose JSON is larger
than the threshold is written to S3 and the task returns
``{"$claim_check": {"bucket": ..., "key": ..., "size": ...}}`` instead; the next connector task
that receives such a reference anywhere in its params gets the stored value back before its input
model validates it. The key is derived from the idempotency key, so a retried attempt overwrites
its own object instead of leaving another one behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.sdk.errors import InvalidInputError, NotFoundError, PayloadTooLargeError

__all__ = ["CLAIM_CHECK_KEY", "DEFAULT_THRESHOLD", "ClaimCheckRef", "ClaimCheckStore"]

CLAIM_CHECK_KEY = "$claim_check"
DEFAULT_THRESHOLD = 128 * 1024
"""Bytes of JSON above which an output is offloaded (half of Step Functions' 256 KiB, leaving room
for the rest of the state)."""


class ClaimCheckRef(BaseModel):
    """Where an offloaded value lives.

    Example:
        >>> ClaimCheckRef(bucket="b", key="claim-check/e/n.json", size=300000).size
        300000
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    bucket: str
    key: str
    size: int = Field(ge=0)


class ClaimCheckStore:
    """Offloads large values to S3 and resolves references back.

    ``client_factory`` returns a boto3 S3 client; it is called on first use so a connector that
    never handles large payloads never imports boto3.

    Example:
        >>> store = ClaimCheckStore(bucket="wfaib-payloads", threshold=10)
        >>> store.offload({"ok": 1}, "exec-1/node-1")
        {'ok': 1}
    """

    def __init__(
        self,
        bucket: str | None,
        *,
        threshold: int = DEFAULT_THRESHOLD,
        prefix: str = "claim-check/",
        client_factory: Callable[[], Any] | None = None,
    ) -> None:
        self.bucket = bucket
        self.threshold = threshold
        self.prefix = prefix
        self._client_factory = client_factory
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The S3 client (created on first use)."""
        if self._client is None:
            if self._client_factory is None:
                import boto3

                self._client = boto3.client("s3")
            else:
                self._client = self._client_factory()
        return self._client

    def put(self, value: Any, name: str) -> dict[str, Any]:
        """Store ``value`` as JSON under ``name`` and return its reference, unconditionally."""
        if not self.bucket:
            raise PayloadTooLargeError("no claim-check bucket is configured (WFAIB_CLAIM_CHECK_BUCKET)")
        body = json.dumps(value, separators=(",", ":")).encode()
        key = f"{self.prefix}{name}.json"
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")
        return {CLAIM_CHECK_KEY: ClaimCheckRef(bucket=self.bucket, key=key, size=len(body)).model_dump()}

    def offload(self, value: Any, name: str) -> Any:
        """``value`` itself when small enough, otherwise a reference to it in S3."""
        size = len(json.dumps(value, separators=(",", ":")).encode())
        if size <= self.threshold:
            return value
        if not self.bucket:
            raise PayloadTooLargeError(
                f"output is {size} bytes, over the {self.threshold}-byte state limit, "
                "and no claim-check bucket is configured (WFAIB_CLAIM_CHECK_BUCKET)"
            )
        return self.put(value, name)

    def get(self, ref: ClaimCheckRef) -> Any:
        """The stored value of ``ref``."""
        try:
            response = self.client.get_object(Bucket=ref.bucket, Key=ref.key)
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
            if code in {"NoSuchKey", "NoSuchBucket", "404"}:
                raise NotFoundError(
                    f"claim-check object s3://{ref.bucket}/{ref.key} does not exist"
                ) from None
            raise
        return json.loads(response["Body"].read())

    def resolve(self, value: Any) -> Any:
        """``value`` with every ``{"$claim_check": {...}}`` reference replaced by what it stores."""
        if isinstance(value, dict):
            if CLAIM_CHECK_KEY in value and len(value) == 1:
                try:
                    ref = ClaimCheckRef.model_validate(value[CLAIM_CHECK_KEY])
                except ValidationError:
                    raise InvalidInputError(
                        "malformed $claim_check reference (needs bucket, key, size)"
                    ) from None
                return self.get(ref)
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    @staticmethod
    def contains_ref(value: Any) -> bool:
        """Whether ``value`` holds any claim-check reference (cheap check before resolving)."""
        if isinstance(value, dict):
            return CLAIM_CHECK_KEY in value or any(ClaimCheckStore.contains_ref(v) for v in value.values())
        if isinstance(value, list):
            return any(ClaimCheckStore.contains_ref(v) for v in value)
        return False
