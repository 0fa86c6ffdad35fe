"""A loopback upstream that fails until told to recover, and a workflow that calls it: redrive tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FlakyUpstream", "stock_check_workflow"]


class FlakyUpstream:
    """Answers 400 (a permanent error: the run fails) until told to recover, then 200."""

    def __init__(self) -> None:
        self.calls = 0
        self.healthy = False
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                upstream.calls += 1
                status, body = (200, {"stock": 7}) if upstream.healthy else (400, {"error": "bad day"})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/stock"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def stock_check_workflow(workflow_id: str, url: str) -> dict[str, Any]:
    return {
        "id": workflow_id,
        "name": "Stock check",
        "trigger": {"type": "manual"},
        "nodes": [
            {"id": "order", "type": "data.set", "params": {"fields": {"checked": True}}},
            {"id": "stock", "type": "http.get_json", "params": {"url": url}},
            {
                "id": "answer",
                "type": "data.transform",
                "params": {"output": {"stock": "{{ $stock.body.stock }}"}},
            },
        ],
        "edges": [{"source": "order", "target": "stock"}, {"source": "stock", "target": "answer"}],
    }
