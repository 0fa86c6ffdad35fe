"""HubSpot connector against a fake HubSpot CRM v3 API (real HTTP on loopback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fakes.hubspot import TOKEN, FakeHubSpot, rate_limit_body

from connectors.hubspot import connector
from connectors.sdk import (
    AuthError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester


@pytest.fixture
def hubspot() -> Iterator[FakeHubSpot]:
    with FakeHubSpot() as server:
        yield server


@pytest.fixture
def tester(hubspot: FakeHubSpot) -> ConnectorTester:
    return ConnectorTester(connector, credential={"token": TOKEN}, base_url=hubspot.url)


def test_create_contact_posts_properties_as_strings(hubspot: FakeHubSpot, tester: ConnectorTester) -> None:
    out = tester.run(
        "create_contact",
        {
            "email": "ada@example.com",
            "firstname": "Ada",
            "properties": {"lifecyclestage": "lead", "city": None},
        },
    )
    assert out["id"] == "51" and out["properties"]["email"] == "ada@example.com"
    assert out["created_at"] == "2026-11-21T09:00:00.000Z" and out["archived"] is False
    sent = hubspot.requests[-1]
    assert sent.path == "/crm/v3/objects/contacts"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.json() == {
        "properties": {"email": "ada@example.com", "firstname": "Ada", "lifecyclestage": "lead", "city": None}
    }


def test_duplicate_contact_is_a_conflict_or_the_existing_contact(
    hubspot: FakeHubSpot, tester: ConnectorTester
) -> None:
    first = tester.run("create_contact", {"email": "ada@example.com"})
    with pytest.raises(
        ConflictError, match=r"Contact already exists\. Existing ID: 51 \(CONFLICT, correlationId "
    ):
        tester.run("create_contact", {"email": "ada@example.com"})
    again = tester.run("create_contact", {"email": "ada@example.com", "if_exists": "return_existing"})
    assert again["id"] == first["id"]
    assert len(hubspot.objects["contacts"]) == 1


def test_get_and_update_contact_by_id_or_email(hubspot: FakeHubSpot, tester: ConnectorTester) -> None:
    hubspot.add("contacts", email="ada@example.com", firstname="Ada", phone="+1555")
    out = tester.run(
        "get_contact", {"object_id": "ada@example.com", "id_property": "email", "properties": ["phone"]}
    )
    assert out["id"] == "51" and out["properties"]["phone"] == "+1555"
    assert hubspot.requests[-1].query == {"idProperty": ["email"], "properties": ["phone"]}
    updated = tester.run("update_contact", {"object_id": "51", "properties": {"lastname": "Lovelace"}})
    assert updated["properties"]["lastname"] == "Lovelace" and updated["updated_at"] != updated["created_at"]
    assert hubspot.requests[-1].method == "PATCH"


def test_search_contacts_follows_after_paging_and_is_paced(
    hubspot: FakeHubSpot, tester: ConnectorTester
) -> None:
    for n in range(5):
        hubspot.add("contacts", email=f"c{n}@example.com", lifecyclestage="lead")
    hubspot.add("contacts", email="cust@example.com", lifecyclestage="customer")
    out = tester.run(
        "search_contacts",
        {
            "filters": [{"property_name": "lifecyclestage", "value": "lead"}],
            "sorts": [{"property_name": "email", "direction": "ASCENDING"}],
            "limit": 2,
        },
    )
    assert [c["properties"]["email"] for c in out["results"]] == [f"c{n}@example.com" for n in range(5)]
    assert out["total"] == 5 and out["after"] is None
    bodies = [r.json() for r in hubspot.requests]
    assert [b.get("after") for b in bodies] == [None, "2", "4"]
    assert bodies[0]["filterGroups"] == [
        {"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"}]}
    ]
    assert tester.sleeps == [0.2, 0.2]  # five search requests per second


def test_search_stops_at_max_pages_and_resumes(hubspot: FakeHubSpot, tester: ConnectorTester) -> None:
    for n in range(5):
        hubspot.add("deals", dealname=f"deal {n}", amount=100 * n)
    first = tester.run(
        "search_deals",
        {
            "filters": [{"property_name": "amount", "operator": "GTE", "value": 100}],
            "limit": 2,
            "max_pages": 1,
        },
    )
    assert first["total"] == 4 and len(first["results"]) == 2 and first["after"] == "2"
    rest = tester.run(
        "search_deals",
        {"filters": [{"property_name": "amount", "operator": "GTE", "value": 100}], "after": first["after"]},
    )
    assert [d["properties"]["dealname"] for d in rest["results"]] == ["deal 3", "deal 4"]


def test_create_deal_with_contact_associations_then_get_and_update(
    hubspot: FakeHubSpot, tester: ConnectorTester
) -> None:
    contact = hubspot.add("contacts", email="ada@example.com")
    deal = tester.run(
        "create_deal", {"dealname": "Big one", "amount": 1200.5, "contact_ids": [contact["id"]]}
    )
    assert deal["properties"]["amount"] == "1200.5" and deal["properties"]["pipeline"] == "default"
    assert hubspot.associations == [(deal["id"], contact["id"], 3)]
    assert hubspot.requests[-1].json()["associations"][0]["types"] == [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}
    ]
    moved = tester.run("update_deal", {"object_id": deal["id"], "properties": {"dealstage": "closedwon"}})
    assert moved["properties"]["dealstage"] == "closedwon"
    assert tester.run("get_deal", {"object_id": deal["id"]})["properties"]["dealstage"] == "closedwon"


def test_wrong_token_is_an_auth_error_without_the_token(
    hubspot: FakeHubSpot, logs_without: Callable[..., None]
) -> None:
    wrong = ConnectorTester(connector, credential={"token": "pat-na1-wrong-0000"}, base_url=hubspot.url)
    with pytest.raises(
        AuthError, match=r"Authentication credentials not found.*INVALID_AUTHENTICATION"
    ) as caught:
        wrong.run("get_contact", {"object_id": "51"})
    assert "pat-na1-wrong-0000" not in str(caught.value)
    logs_without("pat-na1-wrong-0000")


def test_hubspot_errors_keep_category_and_correlation_id(tester: ConnectorTester) -> None:
    with pytest.raises(
        NotFoundError, match=r"resource not found \(OBJECT_NOT_FOUND, correlationId [0-9a-f-]{36}\)"
    ):
        tester.run("get_deal", {"object_id": "999"})
    with pytest.raises(InvalidInputError, match=r"nope.*PROPERTY_DOESNT_EXIST.*VALIDATION_ERROR"):
        tester.run("create_contact", {"properties": {"nope": "x"}})


def test_ten_secondly_limit_waits_out_the_window(hubspot: FakeHubSpot, tester: ConnectorTester) -> None:
    hubspot.fail_next(
        429, rate_limit_body(), headers={"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}, times=3
    )
    with pytest.raises(
        RateLimitedError, match=r"ten_secondly_rolling limit\. \(TEN_SECONDLY_ROLLING"
    ) as caught:
        tester.run("get_contact", {"object_id": "51"})
    assert caught.value.retry_after == 10.0
    assert len(hubspot.requests) == 3 and all(s < 5 for s in tester.sleeps)


def test_retry_after_is_honoured_in_the_function(hubspot: FakeHubSpot, tester: ConnectorTester) -> None:
    hubspot.add("contacts", email="ada@example.com")
    hubspot.fail_next(429, rate_limit_body(), headers={"Retry-After": "2"})
    assert tester.run("get_contact", {"object_id": "51"})["id"] == "51"
    assert tester.sleeps == [2.0]


def test_daily_limit_says_when_it_resets(hubspot: FakeHubSpot, tester: ConnectorTester) -> None:
    hubspot.fail_next(429, rate_limit_body("DAILY"), times=3)
    with pytest.raises(RateLimitedError, match="daily quota resets at midnight") as caught:
        tester.run("search_contacts", {})
    assert caught.value.retry_after is None


def test_server_error_on_create_is_left_to_the_state_machine(
    hubspot: FakeHubSpot, tester: ConnectorTester
) -> None:
    hubspot.fail_next(
        502, {"status": "error", "message": "Bad Gateway", "correlationId": "c-1", "category": "UNKNOWN"}
    )
    with pytest.raises(UpstreamUnavailableError, match=r"Bad Gateway \(UNKNOWN, correlationId c-1\)"):
        tester.run("create_deal", {"dealname": "x"})
    assert len(hubspot.requests) == 1 and hubspot.objects["deals"] == {}


def test_invalid_input_is_refused_before_calling_hubspot(
    hubspot: FakeHubSpot, tester: ConnectorTester
) -> None:
    with pytest.raises(InvalidInputError, match=r"params\.email"):
        tester.run("create_contact", {"email": "not-an-email"})
    with pytest.raises(InvalidInputError, match=r"params\.filters\.0\.operator"):
        tester.run("search_contacts", {"filters": [{"property_name": "email", "operator": "LIKE"}]})
    with pytest.raises(InvalidInputError, match=r"params\.limit"):
        tester.run("search_deals", {"limit": 500})
    with pytest.raises(InvalidInputError, match=r"params\.properties"):
        tester.run("update_deal", {"object_id": "1", "properties": {}})
    assert hubspot.requests == []
