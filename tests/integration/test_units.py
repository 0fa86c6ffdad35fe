"""The small pure pieces under the API, at the cheapest layer (no platform, no network)."""

from __future__ import annotations

import base64
import itertools
import json
from datetime import UTC, datetime

import pytest

from functions.api.auth import ROLE_PERMISSIONS, ROLES, authenticate, issue_token, role_at_most
from functions.api.errors import BadRequestError, UnauthorizedError
from functions.api.routes.workflows import _expected_version
from functions.shared import Settings
from functions.shared.exceptions import InvalidCursorError
from functions.shared.keys import new_sortable_id
from functions.shared.schedules import ScheduleExpressionError, fire_times, validate_expression
from functions.shared.stepfunctions import state_machine_name
from functions.shared.store._base import decode_cursor
from wfaib.dev.gateway import proxy_event


def test_each_role_grants_everything_the_one_below_does() -> None:
    for lower, higher in itertools.pairwise(ROLES):
        assert ROLE_PERMISSIONS[lower] < ROLE_PERMISSIONS[higher]
        assert role_at_most(higher, lower) and not role_at_most(lower, higher)
    assert "workflow:update" not in ROLE_PERMISSIONS["viewer"]
    assert "audit:read" not in ROLE_PERMISSIONS["member"]


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = issue_token(Settings(jwt_secret="one-secret-" * 4), tenant_id="acme", subject="ada", role="admin")
    with pytest.raises(UnauthorizedError) as refused:
        authenticate({"authorization": f"Bearer {token}"}, Settings(jwt_secret="another-secret-" * 4))
    assert refused.value.code == "invalid_token"


@pytest.mark.parametrize(
    ("header", "expected"), [(None, None), ("*", None), ('"7"', 7), ('W/"7"', 7), ("7", 7)]
)
def test_if_match_names_a_version(header: str | None, expected: int | None) -> None:
    assert _expected_version(header) == expected


def test_an_if_match_that_is_no_etag_of_ours_is_a_bad_request() -> None:
    with pytest.raises(BadRequestError):
        _expected_version('"seven"')


def test_state_machine_names_fit_aws_limit_and_stay_distinct() -> None:
    short = state_machine_name("wfaib-prod", "acme", "hello")
    long_a = state_machine_name("wfaib-prod", "acme", "a" * 79 + "1")
    long_b = state_machine_name("wfaib-prod", "acme", "a" * 79 + "2")
    assert short == "wfaib-prod-acme-hello"
    assert len(long_a) == len(long_b) == 80
    assert long_a != long_b


def _cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def test_only_a_cursor_of_the_callers_tenant_is_accepted() -> None:
    own = {"pk": {"S": "TENANT#acme"}, "sk": {"S": "WF#hello"}}
    assert decode_cursor("acme", _cursor(own)) == own
    for bad in (
        _cursor({"pk": {"S": "TENANT#globex"}, "sk": {"S": "WF#hello"}}),
        _cursor({"pk": 1}),
        _cursor({"pk": {"S": "TENANT#acme"}, "extra": {"S": "x"}}),
        _cursor([1]),
        "***",
    ):
        with pytest.raises(InvalidCursorError):
            decode_cursor("acme", bad)


def test_the_gateway_builds_an_api_gateway_rest_proxy_event() -> None:
    event = proxy_event(
        "PUT",
        "/api/workflows/hello%20world?limit=2&tag=a&tag=b",
        {"Host": "h", "If-Match": '"1"'},
        b'{"a": 1}',
    )

    assert (event["httpMethod"], event["path"], event["resource"]) == (
        "PUT",
        "/workflows/hello world",
        "/{proxy+}",
    )
    assert event["queryStringParameters"] == {"limit": "2", "tag": "b"}
    assert event["multiValueQueryStringParameters"] == {"limit": ["2"], "tag": ["a", "b"]}
    assert event["requestContext"]["stage"] == "api"
    assert event["requestContext"]["path"] == "/api/workflows/hello world"
    assert (event["body"], event["isBase64Encoded"]) == ('{"a": 1}', False)
    binary = proxy_event("POST", "/api/x", {}, b"\xff\x00")
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\xff\x00"


def test_sortable_ids_increase_strictly_within_a_process() -> None:
    ids = [new_sortable_id() for _ in range(2000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(len(value) == 26 and value.isalnum() for value in ids)


@pytest.mark.parametrize(
    ("expression", "timezone", "expected"),
    [
        ("rate(30 minutes)", "UTC", ["2026-11-21T00:30:00+00:00", "2026-11-21T01:00:00+00:00"]),
        ("cron(15 0 ? * 7 *)", "UTC", ["2026-11-21T00:15:00+00:00"]),  # 7 is Saturday in EventBridge
        ("cron(0 1 21 11 ? 2026)", "Asia/Tokyo", []),  # 01:00 Tokyo on the 21st is still the 20th in UTC
        ("cron(0 10 21 11 ? 2026)", "Asia/Tokyo", ["2026-11-21T01:00:00+00:00"]),
        ("at(2026-11-21T00:45:00)", "UTC", ["2026-11-21T00:45:00+00:00"]),
    ],
)
def test_schedule_expressions_fire_as_eventbridge_does(
    expression: str, timezone: str, expected: list[str]
) -> None:
    after, until = datetime(2026, 11, 21, 0, 0, tzinfo=UTC), datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    assert [moment.isoformat() for moment in fire_times(expression, timezone, after, until)] == expected


@pytest.mark.parametrize(
    "expression",
    ["cron(0 9 * * * *)", "cron(0 9 ? * ? *)", "rate(0 minutes)", "cron(0 9 ? * MON)", "every day"],
)
def test_invalid_schedule_expressions_are_refused(expression: str) -> None:
    with pytest.raises(ScheduleExpressionError):
        validate_expression(expression, "UTC")
    with pytest.raises(ScheduleExpressionError):
        validate_expression("rate(1 hour)", "Mars/Olympus_Mons")
