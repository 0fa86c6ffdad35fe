"""``nextToken``/``maxResults`` paging as the Step Functions API does it.

Tokens are opaque to clients; ours encode the offset and what was being listed, so that a token
used on another listing is ``InvalidToken`` as in AWS. A token is only meaningful while the
list it pages through does not shift under it, which is also AWS's contract.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import TypeVar

from wfaib.sfn_local.exceptions import SfnApiError

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "paginate"]

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def paginate(
    items: Sequence[T], scope: str, max_results: int | None, next_token: str | None
) -> tuple[Sequence[T], str | None]:
    """One page of ``items`` and the token of the next page (``None`` on the last page).

    ``maxResults`` of 0 or absent means the default page size, as in AWS.

    Example:
        >>> page, token = paginate([1, 2, 3], "demo", 2, None)
        >>> page, paginate([1, 2, 3], "demo", 2, token)[0]
        ([1, 2], [3])
    """
    size = max_results or DEFAULT_PAGE_SIZE
    start = 0 if next_token is None else _decode(next_token, scope)
    page = items[start : start + size]
    end = start + len(page)
    return page, (_encode(end, scope) if end < len(items) else None)


def _encode(offset: int, scope: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "s": scope}).encode()).decode()


def _decode(token: str, scope: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset = data["o"]
        if data["s"] != scope or not isinstance(offset, int) or offset < 0:
            raise ValueError(token)
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise SfnApiError("InvalidToken", f"Invalid Token: '{token}'") from exc
    return offset
