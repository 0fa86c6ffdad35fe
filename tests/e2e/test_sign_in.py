"""Sign-in through a Cognito-style Hosted UI, in the browser, against a fake authorization server.

The fake server on loopback plays Cognito: ``/oauth2/authorize`` redirects back with a code,
``/oauth2/token`` exchanges it only with the PKCE verifier of that code's challenge, ``/logout``
returns to the editor, and ``<issuer>/.well-known/jwks.json`` publishes the key its RS256 tokens
are signed with. A platform of this module's own trusts that issuer (``e2e.signin_platform``), and
``config.json`` (served by the browser route) names the server, as the AWS deployment's does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from playwright.sync_api import Page, Request, Route, expect

from e2e.conftest import REPO_ROOT, screenshot

CLIENT_ID = "editorclient"
DEMO_USER, DEMO_TENANT = "demo@wfaib.local", "demo"


@dataclass
class AuthorizationServer:
    """What the fake Hosted UI saw and issued (the test asserts on it)."""

    redirect_uri: str = ""
    challenges: dict[str, str] = field(default_factory=dict)
    exchanges: list[dict[str, str]] = field(default_factory=list)
    logouts: list[dict[str, str]] = field(default_factory=list)
    issued_id_tokens: list[str] = field(default_factory=list)


class FakeHostedUi:
    """Authorize, token, logout and JWKS endpoints on loopback, like a Cognito domain and pool."""

    def __init__(self) -> None:
        self.state = AuthorizationServer()
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        kid = uuid.uuid4().hex
        jwks = {"keys": [{**json.loads(RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "RS256"}]}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                if url.path == "/pool/.well-known/jwks.json":
                    self._answer(200, jwks)
                elif url.path == "/oauth2/authorize":
                    self._authorize(query)
                elif url.path == "/logout":
                    server.state.logouts.append(query)
                    self._redirect(query["logout_uri"])
                else:
                    self._answer(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {
                    name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()
                }
                if urlsplit(self.path).path != "/oauth2/token":
                    self._answer(404, {"error": "not_found"})
                    return
                server.state.exchanges.append(form)
                self._token(form)

            def _authorize(self, query: dict[str, str]) -> None:
                valid = (
                    query.get("response_type") == "code"
                    and query.get("client_id") == CLIENT_ID
                    and query.get("redirect_uri") == server.state.redirect_uri
                    and query.get("code_challenge_method") == "S256"
                    and "openid" in query.get("scope", "").split()
                    and query.get("state")
                    and query.get("code_challenge")
                )
                if not valid:
                    self._answer(400, {"error": "invalid_request", "query": query})
                    return
                code = secrets.token_urlsafe(16)
                server.state.challenges[code] = query["code_challenge"]
                self._redirect(
                    f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                )

            def _token(self, form: dict[str, str]) -> None:
                challenge = server.state.challenges.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                derived = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                )
                if (
                    form.get("grant_type") != "authorization_code"
                    or form.get("client_id") != CLIENT_ID
                    or form.get("redirect_uri") != server.state.redirect_uri
                    or challenge is None
                    or derived != challenge
                ):
                    self._answer(400, {"error": "invalid_grant"})
                    return
                now = int(time.time())
                claims = {"iss": server.issuer, "sub": str(uuid.uuid4()), "iat": now, "exp": now + 3600}
                id_token = jwt.encode(
                    {
                        **claims,
                        "token_use": "id",
                        "aud": CLIENT_ID,
                        "email": DEMO_USER,
                        "custom:tenant": DEMO_TENANT,
                    },
                    key,
                    algorithm="RS256",
                    headers={"kid": kid},
                )
                access_token = jwt.encode(
                    {**claims, "token_use": "access", "client_id": CLIENT_ID},
                    key,
                    algorithm="RS256",
                    headers={"kid": kid},
                )
                server.state.issued_id_tokens.append(id_token)
                self._answer(
                    200,
                    {
                        "id_token": id_token,
                        "access_token": access_token,
                        "refresh_token": secrets.token_urlsafe(24),
                        "expires_in": 3600,
                        "token_type": "Bearer",
                    },
                )

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Access-Control-Allow-Origin", "*")  # the editor calls the token endpoint
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.issuer = f"{self.base_url}/pool"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class SignInSetup:
    hosted_ui: FakeHostedUi
    editor_url: str


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, editor_build: Path) -> Iterator[SignInSetup]:
    """The fake Hosted UI, and a platform serving the editor that trusts its tokens."""
    hosted_ui = FakeHostedUi()
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "tests"), str(REPO_ROOT)])}
    data_dir = tmp_path_factory.mktemp("signin")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "e2e.signin_platform",
            str(data_dir),
            str(editor_build),
            hosted_ui.issuer,
            CLIENT_ID,
        ],
        cwd=REPO_ROOT,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=30)
        pytest.fail(f"The local platform did not start (exit code {process.returncode}).")
    editor_url = json.loads(line)["url"]
    hosted_ui.state.redirect_uri = f"{editor_url}/"
    try:
        yield SignInSetup(hosted_ui, editor_url)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        hosted_ui.close()


def _serve_config(page: Page, setup: SignInSetup) -> None:
    config = {
        "stage": "test",
        "userPoolClientId": CLIENT_ID,
        "authDomain": setup.hosted_ui.base_url,
        "redirectUri": f"{setup.editor_url}/",
        "logoutUri": f"{setup.editor_url}/",
        "scopes": "openid email profile",
    }

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(config))

    page.route("**/config.json", fulfil)


def test_hosted_ui_sign_in_lands_in_the_workflow_list_and_api_calls_carry_the_token(
    page: Page, setup: SignInSetup
) -> None:
    _serve_config(page, setup)
    api_calls: list[Request] = []
    page.on("request", lambda request: api_calls.append(request) if "/api/" in request.url else None)

    page.goto(f"{setup.editor_url}/")
    expect(page.get_by_label("Access token")).to_have_count(0)  # no token pasting in this mode
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()
    expect(page.get_by_text("Hello, world").first).to_be_visible()  # a seeded example: the API answered
    screenshot(page, "signed-in-with-hosted-ui")
    assert "code=" not in page.url and page.url.endswith("#/workflows")

    # One exchange, with the verifier of the challenge sent to /authorize (the server checked it)
    assert len(setup.hosted_ui.state.exchanges) == 1
    (id_token,) = setup.hosted_ui.state.issued_id_tokens
    assert api_calls, "the editor called no API"
    assert {request.headers.get("authorization") for request in api_calls} == {f"Bearer {id_token}"}
    session = json.loads(page.evaluate("() => sessionStorage.getItem('wfaib.session')"))
    assert session["idToken"] == id_token and session["refreshToken"]
    assert page.evaluate("() => localStorage.getItem('wfaib.token')") is None

    # A reload in the same tab stays signed in, without another sign-in
    page.reload()
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()
    assert len(setup.hosted_ui.state.exchanges) == 1

    # Signing out goes through the Hosted UI's logout and back to the sign-in page, tokens gone
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert setup.hosted_ui.state.logouts == [{"client_id": CLIENT_ID, "logout_uri": f"{setup.editor_url}/"}]
    assert page.evaluate("() => sessionStorage.getItem('wfaib.session')") is None


def test_a_forged_redirect_back_does_not_sign_in(page: Page, setup: SignInSetup) -> None:
    _serve_config(page, setup)
    exchanges = len(setup.hosted_ui.state.exchanges)
    page.goto(f"{setup.editor_url}/?code=stolen&state=not-from-this-tab")
    expect(page.get_by_role("alert")).to_contain_text("not started here")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert len(setup.hosted_ui.state.exchanges) == exchanges
