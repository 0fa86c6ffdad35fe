"""A small client of the WFAIB API for the command line (the local platform or a deployed stage).

The address and credentials come from options or the environment (``WFAIB_API_URL``,
``WFAIB_TOKEN`` or ``WFAIB_API_KEY``), so scripts set them once.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["DEFAULT_API_URL", "ApiCallError", "ApiClient"]

DEFAULT_API_URL = "http://127.0.0.1:8080/api"


class ApiCallError(Exception):
    """The API refused the call (its error envelope) or could not be reached."""

    def __init__(
        self, message: str, *, status: int | None = None, code: str | None = None, details: Any = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details


class ApiClient:
    """Bearer-token or API-key calls that return the decoded JSON body or raise ``ApiCallError``."""

    def __init__(
        self, base_url: str, *, token: str | None = None, api_key: str | None = None, timeout: float = 30
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if api_key:
            headers["X-Api-Key"] = api_key
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiCallError(f"Cannot reach the API at {self.base_url}: {exc}") from None
        if response.is_success:
            return response.json() if response.content else None
        try:
            error = response.json()["error"]
            code, message, details = str(error["code"]), str(error["message"]), error.get("details")
        except (ValueError, KeyError, TypeError, AttributeError):
            code, message, details = (
                "http_error",
                f"HTTP {response.status_code} from {self.base_url}{path}",
                None,
            )
        raise ApiCallError(message, status=response.status_code, code=code, details=details)

    def close(self) -> None:
        self._http.close()
