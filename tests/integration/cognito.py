"""A stand-in for a Cognito user pool: an RSA key, its JWKS served on loopback, and tokens it signs.

The API verifies these tokens exactly as it verifies Cognito's (RS256 against the JWKS at
``<issuer>/.well-known/jwks.json``); only the issuer URL is a loopback address. ``trusting``
points the running platform's API at the pool for the duration of a test module.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from functions.api import context

__all__ = ["FakeUserPool", "trusting"]


class FakeUserPool:
    """Signs ID and access tokens and serves its public keys; ``jwks_requests`` counts key fetches."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex
        self.client_id = f"client{uuid.uuid4().hex[:12]}"
        self.jwks_requests = 0
        jwk = {
            **json.loads(RSAAlgorithm.to_jwk(self.key.public_key())),
            "kid": self.kid,
            "alg": "RS256",
            "use": "sig",
        }
        body = json.dumps({"keys": [jwk]}).encode()
        pool = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if not self.path.endswith("/.well-known/jwks.json"):
                    self.send_error(404)
                    return
                pool.jwks_requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}/us-east-1_TestPool"

    def token(
        self,
        email: str,
        tenant: str | None,
        *,
        token_use: str = "id",
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        **overrides: Any,
    ) -> str:
        """A token as Cognito issues it (ID: ``aud``; access: ``client_id``); ``overrides`` win."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, email)),
            "iss": self.issuer,
            "token_use": token_use,
            "auth_time": now,
            "iat": now,
            "exp": now + 3600,
            "email": email,
        }
        claims.update({"aud": self.client_id} if token_use == "id" else {"client_id": self.client_id})
        if tenant is not None:
            claims["custom:tenant"] = tenant
        claims.update(overrides)
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def trusting(pool: FakeUserPool) -> Iterator[None]:
    """The API accepts ``pool``'s tokens (besides its usual ones) inside the block."""
    before = context.current_settings()
    context.configure(
        before.model_copy(update={"cognito_issuer": pool.issuer, "cognito_client_ids": (pool.client_id,)})
    )
    try:
        yield
    finally:
        context.configure(before)
