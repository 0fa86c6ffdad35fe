"""Request encodings providers expect and httpx does not do by itself."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

__all__ = ["bracket_form", "hmac_sha256_hex", "signatures_match"]


def bracket_form(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested data into Rails/Stripe-style form fields (``metadata[key]``, ``items[0][price]``).

    Booleans become ``true``/``false`` and None values are left out.

    Example:
        >>> bracket_form({"amount": 500, "metadata": {"order": "A1"}, "items": [{"price": "p1"}], "x": None})
        [('amount', '500'), ('metadata[order]', 'A1'), ('items[0][price]', 'p1')]
    """
    fields: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, dict):
            fields.extend(bracket_form(value, name))
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                item_name = f"{name}[{index}]"
                if isinstance(item, dict):
                    fields.extend(bracket_form(item, item_name))
                else:
                    fields.append((item_name, _scalar(item)))
        else:
            fields.append((name, _scalar(value)))
    return fields


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    """Hex HMAC-SHA256, the signature most webhook providers send.

    Example:
        >>> hmac_sha256_hex("s", b"payload")[:16]
        '4a4b058d88e209a5'
    """
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signatures_match(expected: str, given: str) -> bool:
    """Constant-time comparison of two signatures.

    Example:
        >>> signatures_match("abc", "abc"), signatures_match("abc", "abd")
        (True, False)
    """
    return hmac.compare_digest(expected.encode(), given.encode())
