"""A fake Stripe API: secret-key bearer auth, form-encoded bodies, Stripe error bodies, idempotent replays."""

from __future__ import annotations

import itertools
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["VALID_KEY", "FakeStripe"]

VALID_KEY = "sk_test_51FakeKeyForWfaibTests0123456789"


def _error(
    status: int, type_: str, message: str, *, code: str | None = None, param: str | None = None
) -> Response:
    error: dict[str, Any] = {"type": type_, "message": message}
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return json_response({"error": error}, status, {"Request-Id": "req_fake"})


class FakeStripe(FakeServer):
    """Stripe's customers, payment_intents and refunds endpoints."""

    def __init__(self) -> None:
        super().__init__()
        self.customers: list[dict[str, Any]] = []
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.idempotent: dict[str, tuple[dict[str, str], Response]] = {}
        self._ids = itertools.count(1)
        self.route("POST", "/v1/customers")(self._create_customer)
        self.route("GET", "/v1/customers")(self._list_customers)
        self.route("GET", "/v1/customers/<customer_id>")(self._get_customer)
        self.route("POST", "/v1/payment_intents")(self._create_payment_intent)
        self.route("POST", "/v1/refunds")(self._create_refund)

    def _guard(self, request: Request) -> Response | None:
        auth = request.headers.get("Authorization", "")
        if auth != f"Bearer {VALID_KEY}":
            given = auth.removeprefix("Bearer ")
            return _error(
                401, "invalid_request_error", f"Invalid API Key provided: {given[:8]}****{given[-4:]}"
            )
        return None

    def _idempotent(self, request: Request, create: Any) -> Response:
        """Stripe's contract: same key + same params replays the first answer; other params are refused."""
        if (denied := self._guard(request)) is not None:
            return denied
        key = request.headers.get("Idempotency-Key")
        params = dict(request.form.items())
        if key and key in self.idempotent:
            first_params, first = self.idempotent[key]
            if first_params != params:
                return _error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                )
            replay = Response(first.get_data(), status=first.status_code, content_type="application/json")
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        response: Response = create(params)
        if key and response.status_code < 500:
            self.idempotent[key] = (params, response)
        return response

    def _create_customer(self, request: Request) -> Response:
        def create(params: dict[str, str]) -> Response:
            customer = {
                "id": f"cus_{next(self._ids):014d}",
                "object": "customer",
                "email": params.get("email"),
                "name": params.get("name"),
                "description": params.get("description"),
                "created": 1763683200 + len(self.customers),
                "livemode": False,
                "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
            }
            self.customers.insert(0, customer)  # Stripe lists newest first
            return json_response(customer)

        return self._idempotent(request, create)

    def _get_customer(self, request: Request, customer_id: str) -> Response:
        if (denied := self._guard(request)) is not None:
            return denied
        found = next((c for c in self.customers if c["id"] == customer_id), None)
        if found is None:
            return _error(
                404,
                "invalid_request_error",
                f"No such customer: '{customer_id}'",
                code="resource_missing",
                param="id",
            )
        return json_response(found)

    def _list_customers(self, request: Request) -> Response:
        if (denied := self._guard(request)) is not None:
            return denied
        limit = int(request.args.get("limit", 10))
        items = [
            c for c in self.customers if "email" not in request.args or c["email"] == request.args["email"]
        ]
        after = request.args.get("starting_after")
        if after:
            index = next((i for i, c in enumerate(items) if c["id"] == after), None)
            if index is None:
                return _error(
                    400, "invalid_request_error", f"No such customer: '{after}'", param="starting_after"
                )
            items = items[index + 1 :]
        page = items[:limit]
        return json_response(
            {"object": "list", "url": "/v1/customers", "has_more": len(items) > limit, "data": page}
        )

    def _create_payment_intent(self, request: Request) -> Response:
        def create(params: dict[str, str]) -> Response:
            for required in ("amount", "currency"):
                if required not in params:
                    return _error(
                        400,
                        "invalid_request_error",
                        f"Missing required param: {required}.",
                        code="parameter_missing",
                        param=required,
                    )
            if params.get("customer") == "cus_declined":
                return _error(402, "card_error", "Your card was declined.", code="card_declined")
            intent = {
                "id": f"pi_{next(self._ids):014d}",
                "object": "payment_intent",
                "amount": int(params["amount"]),
                "currency": params["currency"],
                "status": "requires_payment_method",
                "customer": params.get("customer"),
                "description": params.get("description"),
                "client_secret": "pi_secret_should_not_leak",
                "created": 1763683200,
                "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
                "automatic_payment_methods": {
                    "enabled": params.get("automatic_payment_methods[enabled]") == "true"
                },
            }
            self.payment_intents[intent["id"]] = intent
            return json_response(intent)

        return self._idempotent(request, create)

    def _create_refund(self, request: Request) -> Response:
        def create(params: dict[str, str]) -> Response:
            intent = self.payment_intents.get(params.get("payment_intent", ""))
            if intent is None:
                return _error(
                    404,
                    "invalid_request_error",
                    f"No such payment_intent: '{params.get('payment_intent')}'",
                    code="resource_missing",
                    param="payment_intent",
                )
            return json_response(
                {
                    "id": f"re_{next(self._ids):014d}",
                    "object": "refund",
                    "amount": int(params.get("amount", intent["amount"])),
                    "currency": intent["currency"],
                    "status": "succeeded",
                    "payment_intent": intent["id"],
                    "reason": params.get("reason"),
                }
            )

        return self._idempotent(request, create)
