"""Stripe customers: create (stripe.create_customer), get (stripe.get_customer), list (stripe.list_customers)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput, HttpRequest
from connectors.sdk.encoding import bracket_form
from connectors.sdk.pagination import cursor_pages
from connectors.stripe.connector import STRIPE

__all__ = [
    "CreateCustomerInput",
    "Customer",
    "GetCustomerInput",
    "ListCustomersInput",
    "ListCustomersOutput",
    "create_customer",
    "list_customers",
]

Metadata = Annotated[dict[str, str], Field(max_length=50, description="Up to 50 key/value pairs")]


class CreateCustomerInput(ActionInput):
    email: Annotated[str | None, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=512)] = None
    name: Annotated[str | None, Field(max_length=256)] = None
    description: str | None = None
    phone: str | None = None
    metadata: Metadata = {}


class Customer(ActionOutput):
    id: str
    email: str | None = None
    name: str | None = None
    description: str | None = None
    created: int
    livemode: bool = False
    metadata: dict[str, str] = {}


@STRIPE.action("create_customer", version=1, side_effect=True)
def create_customer(params: CreateCustomerInput, ctx: ActionContext) -> Customer:
    """Create a customer."""
    response = ctx.http.post("/v1/customers", data=dict(bracket_form(params.model_dump(mode="json"))))
    return Customer.model_validate(response.json())


class GetCustomerInput(ActionInput):
    customer_id: Annotated[str, Field(pattern=r"^cus_[A-Za-z0-9]+$")]


STRIPE.http_action(
    "get_customer",
    version=1,
    request=HttpRequest("GET", "/v1/customers/{customer_id}"),
    input=GetCustomerInput,
    output=Customer,
    description="Retrieve a customer by id.",
)


class ListCustomersInput(ActionInput):
    email: Annotated[str | None, Field(description="Only customers with this exact email")] = None
    limit: Annotated[int, Field(ge=1, le=100, description="Page size")] = 100
    max_pages: Annotated[int, Field(ge=1, le=20)] = 3


class ListCustomersOutput(ActionOutput):
    customers: list[Customer]
    has_more: bool


@STRIPE.action("list_customers", version=1)
def list_customers(params: ListCustomersInput, ctx: ActionContext) -> ListCustomersOutput:
    """List customers, newest first, following ``has_more``/``starting_after`` up to ``max_pages``."""
    query = params.model_dump(include={"email", "limit"}, exclude_none=True)
    customers: list[Customer] = []
    has_more = False
    for page in cursor_pages(
        ctx.http,
        "GET",
        "/v1/customers",
        params=query,
        cursor_param="starting_after",
        next_cursor=lambda page: page["data"][-1]["id"] if page["has_more"] and page["data"] else None,
        max_pages=params.max_pages,
    ):
        customers.extend(Customer.model_validate(item) for item in page["data"])
        has_more = bool(page["has_more"])
    return ListCustomersOutput(customers=customers, has_more=has_more)
