"""Interrupted decisions: failures injected between the claim and Step Functions, against the
local platform's real table and Step Functions API (the answer seam of ``decide`` is the only fake)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from functions.shared.approvals import (
    CLAIM_LEASE_SECONDS,
    ApprovalClosedError,
    Decider,
    StepFunctionsAnswer,
    decide,
)
from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique
from integration.test_approvals import EXPENSE, MANAGER, notification_of, pending_approval

AS_MANAGER = Decider(identity=MANAGER, via="api", roles=frozenset({"member"}))


class Crash(BaseException):
    """The process dies here (a Lambda timeout, an out-of-memory kill): nothing after it runs."""


class CrashBeforeAnswering:
    def succeed(self, task_token: str, output: dict[str, Any]) -> None:
        raise Crash

    def fail(self, task_token: str, *, error: str, cause: str) -> None:
        raise Crash


class AnswerThenCrash:
    """Step Functions is told, then the process dies before the outcome is recorded."""

    def __init__(self, real: StepFunctionsAnswer) -> None:
        self.real = real

    def succeed(self, task_token: str, output: dict[str, Any]) -> None:
        self.real.succeed(task_token, output)
        raise Crash

    def fail(self, task_token: str, *, error: str, cause: str) -> None:
        self.real.fail(task_token, error=error, cause=cause)
        raise Crash


class StepFunctionsSays:
    """Step Functions answering SendTask* with ``code``."""

    def __init__(self, code: str) -> None:
        self.code = code

    def _raise(self, operation: str) -> None:
        raise ClientError({"Error": {"Code": self.code, "Message": f"{self.code} (injected)"}}, operation)

    def succeed(self, task_token: str, output: dict[str, Any]) -> None:
        self._raise("SendTaskSuccess")

    def fail(self, task_token: str, *, error: str, cause: str) -> None:
        self._raise("SendTaskFailure")


class Unreachable:
    def succeed(self, task_token: str, output: dict[str, Any]) -> None:
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")

    def fail(self, task_token: str, *, error: str, cause: str) -> None:
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")


@pytest.fixture
def waiting(acme: Api) -> tuple[str, str]:
    """A run waiting on the expense example's approval: ``(run id, approval id)``."""
    workflow_id = unique("expense")
    acme.create(example("expense-approval", workflow_id))
    acme.publish(workflow_id)
    run = acme.start(workflow_id, EXPENSE)
    return run["id"], pending_approval(acme, run["id"])["id"]


def _crash(handle: PlatformHandle, approval_id: str, *, claimed_at: int, comment: str = "first try") -> None:
    with pytest.raises(Crash):
        decide(
            handle.platform.settings,
            "acme",
            approval_id,
            "approve",
            decider=AS_MANAGER,
            comment=comment,
            now=claimed_at,
            answer=CrashBeforeAnswering(),
        )


def test_a_decision_that_dies_after_its_claim_holds_the_approval_only_for_its_lease(
    acme: Api, handle: PlatformHandle, waiting: tuple[str, str]
) -> None:
    run_id, approval_id = waiting
    manager = handle.client("acme", role="member", subject=MANAGER)
    claimed_at = int(time.time()) - 10

    # Given a decision that claimed the approval and died before telling Step Functions
    _crash(handle, approval_id, claimed_at=claimed_at)
    stuck = acme.get(f"/approvals/{approval_id}").json()

    # When it is retried while the claim is fresh
    too_soon = manager.post(f"/approvals/{approval_id}/approve")

    # Then the claim says who and when, and the retry is told to come back after the lease
    assert (stuck["status"], stuck["claimed_by"], stuck["claimed_at"]) == ("deciding", MANAGER, claimed_at)
    error = assert_envelope(too_soon, 409, "approval_deciding")
    assert 0 < error["details"]["retry_after"] <= CLAIM_LEASE_SECONDS
    assert acme.get(f"/runs/{run_id}").json()["status"] == "RUNNING"

    # When the lease has run out (the decision's clock, not the wall clock), the retry takes it over
    retried = decide(
        handle.platform.settings,
        "acme",
        approval_id,
        "approve",
        decider=AS_MANAGER,
        comment="second try",
        now=claimed_at + CLAIM_LEASE_SECONDS,
    )
    finished = acme.wait_finished(run_id)
    replayed = manager.post(f"/approvals/{approval_id}/approve")

    # Then the run resumes once, and asking again returns the recorded outcome
    assert (retried.status, retried.decided_by, retried.comment) == ("approved", MANAGER, "second try")
    assert (retried.claimed_by, retried.claimed_at) == (None, None)
    assert finished["status"] == "SUCCEEDED", finished
    assert finished["output"] == {"status": "approved", "amount": 420, "by": MANAGER}
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["status"] == "approved"
    assert datetime.fromisoformat(replayed.json()["decided_at"]) == retried.decided_at


def test_a_stale_claim_is_taken_over_through_the_api_and_the_link(
    acme: Api, handle: PlatformHandle, waiting: tuple[str, str]
) -> None:
    run_id, approval_id = waiting
    _crash(handle, approval_id, claimed_at=int(time.time()) - CLAIM_LEASE_SECONDS - 5)
    link = notification_of(handle, approval_id).links[MANAGER]["reject"]

    answered = httpx.post(link, json={"comment": "changed my mind"})
    finished = acme.wait_finished(run_id)

    assert answered.status_code == 200, answered.text
    assert (answered.json()["status"], answered.json()["decided_via"]) == ("rejected", "link")
    assert answered.json()["comment"] == "changed my mind"
    assert finished["output"] == {"status": "rejected", "amount": 420}


@pytest.mark.parametrize(
    ("code", "status", "api_code"),
    [
        ("TaskTimedOut", "expired", "approval_expired"),
        ("TaskDoesNotExist", "cancelled", "approval_cancelled"),
        ("InvalidToken", "cancelled", "approval_cancelled"),
    ],
)
def test_step_functions_saying_the_task_is_gone_closes_the_approval_with_a_reason(
    acme: Api, handle: PlatformHandle, waiting: tuple[str, str], code: str, status: str, api_code: str
) -> None:
    run_id, approval_id = waiting
    manager = handle.client("acme", role="member", subject=MANAGER)

    with pytest.raises(ApprovalClosedError) as raised:
        decide(
            handle.platform.settings,
            "acme",
            approval_id,
            "approve",
            decider=AS_MANAGER,
            comment=None,
            now=int(time.time()),
            answer=StepFunctionsSays(code),
        )
    closed = acme.get(f"/approvals/{approval_id}").json()
    again = manager.post(f"/approvals/{approval_id}/approve")

    assert raised.value.status == status
    assert closed["status"] == status
    assert closed["closed_reason"] and "run" in closed["closed_reason"]
    assert (closed["claimed_by"], closed["claimed_at"]) == (None, None)
    assert_envelope(again, 410, api_code)
    assert acme.post(f"/runs/{run_id}/cancel").status_code == 200  # the injected error lied: tidy up


def test_step_functions_out_of_reach_releases_the_claim_for_a_retry(
    acme: Api, handle: PlatformHandle, waiting: tuple[str, str]
) -> None:
    run_id, approval_id = waiting

    with pytest.raises(EndpointConnectionError):
        decide(
            handle.platform.settings,
            "acme",
            approval_id,
            "reject",
            decider=AS_MANAGER,
            comment=None,
            now=int(time.time()),
            answer=Unreachable(),
        )
    released = acme.get(f"/approvals/{approval_id}").json()
    retried = decide(
        handle.platform.settings,
        "acme",
        approval_id,
        "reject",
        decider=AS_MANAGER,
        comment="no",
        now=int(time.time()),
        answer=StepFunctionsAnswer(handle.platform.settings),
    )

    assert (released["status"], released["decided_by"], released["claimed_by"]) == ("pending", None, None)
    assert retried.status == "rejected"
    assert acme.wait_finished(run_id)["output"] == {"status": "rejected", "amount": 420}


def test_a_decision_that_reached_step_functions_before_its_claimant_died_is_recovered_from_the_run_history(
    acme: Api, handle: PlatformHandle, waiting: tuple[str, str]
) -> None:
    run_id, approval_id = waiting
    manager = handle.client("acme", role="member", subject=MANAGER)

    # Given a rejection that reached the run, whose claimant died before recording it (long ago)
    with pytest.raises(Crash):
        decide(
            handle.platform.settings,
            "acme",
            approval_id,
            "reject",
            decider=AS_MANAGER,
            comment="too much",
            now=int(time.time()) - CLAIM_LEASE_SECONDS - 5,
            answer=AnswerThenCrash(StepFunctionsAnswer(handle.platform.settings)),
        )
    finished = acme.wait_finished(run_id)
    stuck = acme.get(f"/approvals/{approval_id}").json()

    # When an approval is attempted after the lease, and then the rejection is repeated
    other_decision = manager.post(f"/approvals/{approval_id}/approve")
    repeated = manager.post(f"/approvals/{approval_id}/reject")

    # Then the rejection that really happened is what the approval records, once
    assert finished["output"] == {"status": "rejected", "amount": 420}
    assert stuck["status"] == "deciding"
    assert_envelope(other_decision, 409, "approval_closed")
    assert repeated.status_code == 200, repeated.text
    recorded = repeated.json()
    assert (recorded["status"], recorded["decided_by"], recorded["comment"]) == (
        "rejected",
        MANAGER,
        "too much",
    )
    audit = [
        entry
        for entry in acme.get("/audit").json()["items"]
        if entry["resource"] == f"approval/{approval_id}"
    ]
    assert [(entry["action"], entry["details"].get("recovered")) for entry in audit] == [
        ("approval.reject", True)
    ]


def test_answering_after_the_links_expired_closes_the_approval(
    acme: Api, handle: PlatformHandle, waiting: tuple[str, str]
) -> None:
    run_id, approval_id = waiting
    expires_at = acme.get(f"/approvals/{approval_id}").json()["link_expires_at"]

    with pytest.raises(ApprovalClosedError) as raised:
        decide(
            handle.platform.settings,
            "acme",
            approval_id,
            "approve",
            decider=AS_MANAGER,
            comment=None,
            now=expires_at,
        )
    closed = acme.get(f"/approvals/{approval_id}").json()

    assert raised.value.status == "expired"
    assert (closed["status"], closed["closed_reason"]) == (
        "expired",
        "Its links expired before anyone answered.",
    )
    assert acme.get(f"/runs/{run_id}").json()["status"] == "RUNNING", "the step's own timeout ends the run"
    assert acme.post(f"/runs/{run_id}/cancel").status_code == 200
