"""A fake Notion API: bearer token + Notion-Version, ``{"object": "error"}`` bodies, body cursors."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["DATABASE_ID", "VALID_TOKEN", "FakeNotion"]

VALID_TOKEN = "secret_fakeNotionIntegrationToken0123456789"
DATABASE_ID = "d9824bdc84454327be8b5b47500af6ce"


def _error(status: int, code: str, message: str) -> Response:
    return json_response(
        {
            "object": "error",
            "status": status,
            "code": code,
            "message": message,
            "request_id": str(uuid.uuid4()),
        },
        status,
    )


def _plain(id_: str) -> str:
    return id_.replace("-", "")


class FakeNotion(FakeServer):
    """Notion's pages, blocks and database query endpoints (API version 2022-06-28)."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, dict[str, Any]] = {}
        self.blocks: dict[str, list[dict[str, Any]]] = {}
        self._clock = itertools.count(1)
        self.route("POST", "/v1/pages")(self._create_page)
        self.route("GET", "/v1/pages/<page_id>")(self._get_page)
        self.route("PATCH", "/v1/blocks/<block_id>/children")(self._append)
        self.route("POST", "/v1/databases/<database_id>/query")(self._query)

    def _guard(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {VALID_TOKEN}":
            return _error(401, "unauthorized", "API token is invalid.")
        if request.headers.get("Notion-Version") != "2022-06-28":
            return _error(400, "missing_version", "Notion-Version header failed validation.")
        return None

    def add_page(self, title: str) -> dict[str, Any]:
        page_id = str(uuid.uuid4())
        stamp = f"2026-11-21T00:{next(self._clock):02d}:00.000Z"
        page = {
            "object": "page",
            "id": page_id,
            "created_time": stamp,
            "last_edited_time": stamp,
            "archived": False,
            "url": f"https://www.notion.so/{_plain(page_id)}",
            "parent": {"type": "database_id", "database_id": DATABASE_ID},
            "properties": {"Name": {"id": "title", "type": "title", "title": [{"plain_text": title}]}},
        }
        self.pages[_plain(page_id)] = page
        return page

    def _create_page(self, request: Request) -> Response:
        if (denied := self._guard(request)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        database = _plain(body.get("parent", {}).get("database_id", ""))
        if database != DATABASE_ID:
            return _error(404, "object_not_found", f"Could not find database with ID: {database}.")
        title = body.get("properties", {}).get("Name", {}).get("title")
        if not title:
            return _error(400, "validation_error", "Name is expected to be title.")
        page = self.add_page(title[0]["text"]["content"])
        self.blocks[_plain(page["id"])] = list(body.get("children", []))
        return json_response(page)

    def _get_page(self, request: Request, page_id: str) -> Response:
        if (denied := self._guard(request)) is not None:
            return denied
        page = self.pages.get(_plain(page_id))
        if page is None:
            return _error(404, "object_not_found", f"Could not find page with ID: {page_id}.")
        return json_response(page)

    def _append(self, request: Request, block_id: str) -> Response:
        if (denied := self._guard(request)) is not None:
            return denied
        if _plain(block_id) not in self.pages:
            return _error(404, "object_not_found", f"Could not find block with ID: {block_id}.")
        children = (request.get_json(silent=True) or {}).get("children", [])
        created = [{"object": "block", "id": str(uuid.uuid4()), **child} for child in children]
        self.blocks.setdefault(_plain(block_id), []).extend(created)
        return json_response({"object": "list", "results": created, "next_cursor": None, "has_more": False})

    def _query(self, request: Request, database_id: str) -> Response:
        if (denied := self._guard(request)) is not None:
            return denied
        if _plain(database_id) != DATABASE_ID:
            return _error(404, "object_not_found", f"Could not find database with ID: {database_id}.")
        body = request.get_json(silent=True) or {}
        size = int(body.get("page_size", 100))
        pages = sorted(self.pages.values(), key=lambda p: p["created_time"])
        start = int(body.get("start_cursor") or 0)
        chunk = pages[start : start + size]
        more = start + size < len(pages)
        return json_response(
            {
                "object": "list",
                "results": chunk,
                "next_cursor": str(start + size) if more else None,
                "has_more": more,
            }
        )
