"""Property-based fuzzing of every documented operation: whatever the input, never a 5xx.

Schemathesis generates requests (valid and invalid ones) from the OpenAPI document the platform
serves; an owner of a tenant of its own sends them. Hypothesis drives each operation directly:
schemathesis' pytest plugin does not load under this pytest version.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from integration.helpers import PlatformHandle


@pytest.fixture
def operations(handle: PlatformHandle) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_url(handle.platform.api_url + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_no_input_makes_the_api_fail(
    handle: PlatformHandle, operations: list[schemathesis.APIOperation]
) -> None:
    assert len(operations) >= 25
    token = handle.platform.token("fuzz", "fuzzer@fuzz.test", "owner")
    headers = {"Authorization": f"Bearer {token}"}
    cases = st.one_of(*(operation.as_strategy() for operation in operations))

    @given(case=cases)
    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def never_a_server_error(case: schemathesis.Case) -> None:
        response = case.call(base_url=handle.platform.api_url, headers=headers)
        case.validate_response(response, checks=[not_a_server_error])
        assert "Traceback" not in response.text

    never_a_server_error()
