"""Following paginated APIs: cursor in the body (Slack, Stripe, Notion) or ``Link`` headers (GitHub).

Both helpers yield one parsed page at a time and stop at ``max_pages`` so a runaway listing
cannot outgrow a state's payload limit (large results should go through claim-check anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["cursor_pages", "link_header_pages"]


def cursor_pages(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    next_cursor: Callable[[Any], str | None],
    cursor_param: str,
    params: dict[str, Any] | None = None,
    cursor_in: str = "query",
    max_pages: int = 10,
    **kwargs: Any,
) -> Iterator[Any]:
    """Yield JSON pages, sending ``next_cursor(page)`` as ``cursor_param`` until it is empty.

    ``cursor_in`` is ``query`` or ``json`` (the cursor goes in the JSON body, as Notion's
    POST searches do).

    Example:
        >>> pages = cursor_pages(ctx.http, "GET", "/conversations.list",  # doctest: +SKIP
        ...     cursor_param="cursor",
        ...     next_cursor=lambda page: page["response_metadata"]["next_cursor"])
    """
    query = dict(params or {})
    body = dict(kwargs.pop("json", None) or {})
    for _ in range(max_pages):
        if cursor_in == "json":
            page = client.request(method, url, params=query, json=body, **kwargs).json()
        else:
            page = client.request(method, url, params=query, **kwargs).json()
        yield page
        cursor = next_cursor(page)
        if not cursor:
            return
        if cursor_in == "json":
            body[cursor_param] = cursor
        else:
            query[cursor_param] = cursor


def link_header_pages(
    client: httpx.Client, url: str, *, params: dict[str, Any] | None = None, max_pages: int = 10
) -> Iterator[Any]:
    """Yield JSON pages of a GET, following ``Link: <...>; rel="next"`` (RFC 8288).

    Example:
        >>> pages = link_header_pages(ctx.http, "/repos/o/r/issues")  # doctest: +SKIP
        >>> issues = [issue for page in pages for issue in page]  # doctest: +SKIP
    """
    response = client.get(url, params=params)
    for page_number in range(max_pages):
        yield response.json()
        next_link = response.links.get("next", {}).get("url")
        if not next_link or page_number + 1 >= max_pages:
            return
        response = client.get(next_link)
