"""The hash algorithms Step Functions offers, by the names ASL uses (States.Hash and $hash)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

__all__ = ["HASH_ALGORITHMS"]

HASH_ALGORITHMS: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}
