"""The whole product in one process: what ``wfaib dev`` (and ``make dev``) starts.

- moto's server for the AWS APIs (``aws.py``, keeping connections open) (DynamoDB, Secrets Manager, S3, Scheduler, EventBridge), with the
  platform table copied to ``<data dir>/table.sqlite3`` so it survives restarts;
- the local Step Functions API (``wfaib.sfn_local``) with the connector and code-sandbox Lambdas,
  its state machines and executions kept under ``<data dir>/sfn``;
- the control-plane API handler behind the local gateway (``/api``), and the editor's static files.

The API reaches Step Functions and DynamoDB only through their endpoints, exactly as in AWS.

Example:
    >>> with LocalPlatform(Path(".wfaib"), port=0) as platform:  # doctest: +SKIP
    ...     print(platform.url, platform.demo_token)
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import boto3

from functions.shared.models import TABLE_DEFINITION, TTL_ATTRIBUTE
from functions.shared.settings import Settings
from state_machines.runtime import Clock
from wfaib.dev.aws import MotoServer
from wfaib.dev.events import LocalEventBus
from wfaib.dev.gateway import API_STAGE, Gateway, LocalLambdaContext
from wfaib.dev.scheduler import LocalScheduler
from wfaib.dev.snapshot import SchedulesSnapshot, SecretsSnapshot, TableSnapshot

if TYPE_CHECKING:
    from functions.approvals.notify import Notification

__all__ = ["DEMO_TENANT", "PLACEHOLDER", "REPO_ROOT", "LocalPlatform", "jwt_secret"]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_TENANT = "demo"
DEMO_USER = "demo@wfaib.local"
PLACEHOLDER = Path(__file__).resolve().parent / "placeholder"
_LOCAL_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
_FLUSH_SECONDS = 0.5
_WEBHOOK_INSTANCES = 4
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_DELIVERIES = ("/hooks/", "/events")  # start runs only: they change no secret and no schedule


class LocalPlatform:
    """Starts and stops every local service; ``url`` is the one address a user needs."""

    def __init__(
        self,
        data_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        clock: Clock | None = None,
        seed_examples: bool = True,
        examples_dir: Path | None = None,
        static_root: Path | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        run_scheduler: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self._host = host
        self._port = port
        self._clock = clock
        self._seed_examples = seed_examples
        self.examples_dir = examples_dir or REPO_ROOT / "examples"
        web_dist = REPO_ROOT / "web" / "dist"
        self.static_root = static_root or (web_dist if (web_dist / "index.html").is_file() else PLACEHOLDER)
        self._region = region
        self._run_scheduler = run_scheduler
        self._account_id = account_id
        self._stopping = threading.Event()
        self._dirty = threading.Event()
        self._config_dirty = threading.Event()  # secrets or schedules may have changed
        self._stack: list[Callable[[], None]] = []
        self.seeded: list[dict[str, Any]] = []
        self.approval_outbox: list[Notification] = []
        self.demo_token = ""

    # Addresses -----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self._gateway.url

    @property
    def api_url(self) -> str:
        return f"{self._gateway.url}/{API_STAGE}"

    # Lifecycle -----------------------------------------------------------------------------------

    def start(self) -> LocalPlatform:
        """Start everything (a failure part-way stops what had started)."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        from functions.api import context
        from functions.api.handler import lambda_handler
        from functions.approvals import handler as approvals
        from functions.triggers import handler as triggers
        from wfaib.local.aws_integrations import AwsIntegrationSettings
        from wfaib.sfn_local import SfnHttpServer, SfnLocal

        self.data_dir.mkdir(parents=True, exist_ok=True)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
        self._moto = MotoServer().start()
        self._stack.append(self._moto.stop)
        self.aws_endpoint = self._moto.endpoint

        self.settings = Settings(
            table_name="wfaib",
            idempotency_table_name="wfaib-idempotency",
            region=self._region,
            account_id=self._account_id,
            dynamodb_endpoint=self.aws_endpoint,
            secretsmanager_endpoint=self.aws_endpoint,
            scheduler_endpoint=self.aws_endpoint,
            events_endpoint=self.aws_endpoint,
            schedule_group="wfaib-local",
            jwt_secret=jwt_secret(self.data_dir),
            **_LOCAL_KEYS,  # type: ignore[arg-type]
        )
        dynamodb = boto3.client(  # type: ignore[call-overload]
            "dynamodb", endpoint_url=self.aws_endpoint, region_name=self._region, **_LOCAL_KEYS
        )
        _recreate_table(dynamodb, self.settings.table_name)
        _ensure_idempotency_table(dynamodb, "wfaib-idempotency")
        streams = boto3.client(  # type: ignore[call-overload]
            "dynamodbstreams", endpoint_url=self.aws_endpoint, region_name=self._region, **_LOCAL_KEYS
        )
        self._snapshot = TableSnapshot(
            self.data_dir / "table.sqlite3", dynamodb, self.settings.table_name, streams
        )
        self._snapshot.load()
        self._snapshot.follow()
        secretsmanager = boto3.client(  # type: ignore[call-overload]
            "secretsmanager", endpoint_url=self.aws_endpoint, region_name=self._region, **_LOCAL_KEYS
        )
        _delete_secrets(secretsmanager, self.settings.credential_prefix)
        self._secrets = SecretsSnapshot(
            self.data_dir / "secrets.sqlite3", secretsmanager, self.settings.credential_prefix
        )
        self._secrets.load()
        self._scheduler_client = boto3.client(  # type: ignore[call-overload]
            "scheduler", endpoint_url=self.aws_endpoint, region_name=self._region, **_LOCAL_KEYS
        )
        with contextlib.suppress(self._scheduler_client.exceptions.ConflictException):
            self._scheduler_client.create_schedule_group(Name=self.settings.schedule_group)
        _delete_schedules(self._scheduler_client, self.settings.schedule_group)
        self._schedules = SchedulesSnapshot(
            self.data_dir / "schedules.sqlite3", self._scheduler_client, self.settings.schedule_group
        )
        self._schedules.load()

        # Before the runtime starts: runs resumed from disk may reach an approval step at once.
        approvals.configure(self.settings, self._notify_approvers)
        aws = AwsIntegrationSettings(endpoint_url=self.aws_endpoint, region_name=self._region, **_LOCAL_KEYS)
        self._sfn = SfnLocal(
            self.data_dir / "sfn",
            region=self._region,
            account_id=self._account_id,
            clock=self._clock,
            aws=aws,
            lambda_handlers=_local_lambdas(
                self.settings.resource_prefix,
                self.aws_endpoint,
                self._region,
                table_name=self.settings.table_name,
                claim_check_bucket=_claim_check_bucket(
                    self.aws_endpoint, self._region, self.settings.resource_prefix
                ),
            ),
        )
        self._stack.append(self._sfn.close)
        self._sfn_server = SfnHttpServer(self._sfn, port=0).start()
        self._stack.append(self._sfn_server.stop)
        self.sfn_endpoint = self._sfn_server.endpoint_url
        self.settings = self.settings.model_copy(update={"stepfunctions_endpoint": self.sfn_endpoint})

        context.configure(self.settings)
        triggers.configure(self.settings)
        events_client = boto3.client(  # type: ignore[call-overload]
            "events", endpoint_url=self.aws_endpoint, region_name=self._region, **_LOCAL_KEYS
        )
        self.events = LocalEventBus(
            events_client,
            self.settings,
            lambda payload: triggers.event_handler(payload, LocalLambdaContext()),  # type: ignore[arg-type]
        )
        self.events.restore(_published_event_triggers())
        self._gateway = Gateway(
            lambda_handler,  # type: ignore[arg-type]
            self.static_root,
            host=self._host,
            port=self._port,
            after_request=self._after_request,
            routes={
                "/hooks/": triggers.lambda_handler,  # type: ignore[dict-item]
                "/events": lambda event, _: self.events.handle(event, self._event_caller),
            },
            # Deliveries overlap as on concurrent Lambda instances (the API resolver keeps the
            # current request on itself, so the API function stays one instance).
            instances={"/hooks/": _WEBHOOK_INSTANCES},
        ).start()
        self._stack.append(self._gateway.stop)
        # Links in notifications point at this gateway, known only now that it listens.
        self.settings = self.settings.model_copy(update={"public_api_url": self.api_url})
        approvals.configure(self.settings, self._notify_approvers)
        self.scheduler = LocalScheduler(
            self._scheduler_client,
            self.settings.schedule_group,
            lambda event: triggers.schedule_handler(event, LocalLambdaContext()),  # type: ignore[arg-type]
        )
        if self._run_scheduler:
            self.scheduler.start()
            self._stack.append(self.scheduler.stop)
        self._flusher = threading.Thread(target=self._flush_loop, name="wfaib-snapshot", daemon=True)
        self._flusher.start()
        self._stack.append(self._stop_flusher)

        from wfaib.dev.seed import seed_demo

        self.demo_token = seed_demo(self, load_examples=self._seed_examples)

    def token(self, tenant_id: str, subject: str, role: str) -> str:
        """A signed token for any tenant and role (local sign-in; tests use it for several tenants)."""
        from functions.api.auth import issue_token

        return issue_token(self.settings, tenant_id=tenant_id, subject=subject, role=role)  # type: ignore[arg-type]

    def invoke(self, method: str, path: str, token: str, body: bytes = b"") -> tuple[int, bytes]:
        """Call the API in-process, through the same gateway as HTTP requests (used for seeding)."""
        from wfaib.dev.gateway import proxy_event

        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Host": "local"}
        status, _, payload = self._gateway.invoke(proxy_event(method, f"/{API_STAGE}{path}", headers, body))
        return status, payload

    def _event_caller(self, headers: dict[str, str]) -> str:
        """The tenant of a ``POST /api/events`` caller allowed to start runs (``ApiError`` otherwise)."""
        from functions.api.auth import authenticate

        return authenticate(headers, self.settings).require("workflow:execute").tenant_id

    def _notify_approvers(self, notification: Notification) -> None:
        """The local outbox (a mail catcher): logged, kept in ``approval_outbox``, and saved soon."""
        from functions.approvals.notify import log_notifier

        log_notifier(notification)
        self.approval_outbox.append(notification)
        self._dirty.set()

    def _flush_loop(self) -> None:
        # Table saves are incremental; secrets and schedules are copied whole, and only after a
        # request that may have changed them. Each save still waits at least four times as long as
        # the last one took, so saving stays under a fifth of the time.
        pause = _FLUSH_SECONDS
        while not self._stopping.wait(pause):
            if self._dirty.is_set():
                self._dirty.clear()
                started = time.monotonic()
                self._save()
                pause = max(_FLUSH_SECONDS, 4 * (time.monotonic() - started))

    def _after_request(self, method: str, path: str) -> None:
        """Mark what a request may have changed: the table, and unless it only read or started a
        run (a delivery), the secrets and schedules, which are copied whole when saved."""
        self._dirty.set()
        if method not in _READS and not path.startswith(_DELIVERIES):
            self._config_dirty.set()

    def _save(self) -> None:
        self._snapshot.save()
        if self._config_dirty.is_set():
            self._config_dirty.clear()
            self._secrets.save()
            self._schedules.save()

    def _stop_flusher(self) -> None:
        self._stopping.set()
        self._flusher.join()
        # A complete copy of everything on the way out, whatever the stream or the requests said.
        self._snapshot.save(full=True)
        self._secrets.save()
        self._schedules.save()

    def stop(self) -> None:
        """Stop in reverse order; the table is saved and running executions resume next time."""
        while self._stack:
            self._stack.pop()()

    def __enter__(self) -> LocalPlatform:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _claim_check_bucket(aws_endpoint: str, region: str, resource_prefix: str) -> str:
    """The bucket connector functions put large outputs in (moto; not kept across restarts)."""
    bucket = f"{resource_prefix}-claim-check"
    s3 = boto3.client(  # type: ignore[call-overload]
        "s3", endpoint_url=aws_endpoint, region_name=region, **_LOCAL_KEYS
    )
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket)
    return bucket


def _local_lambdas(
    resource_prefix: str, aws_endpoint: str, region: str, *, table_name: str, claim_check_bucket: str
) -> dict[str, Callable[[Any, Any], Any]]:
    """The functions compiled workflows call, registered by the names they have in AWS.

    Connectors read credentials from moto's Secrets Manager, never from an AWS account that
    happens to be configured on the machine.
    """
    from connectors.sdk.credentials import SecretsManagerCredentials
    from connectors.sdk.local import connector_lambdas
    from functions.code_sandbox.handler import handler as code_handler

    secrets_client = boto3.client(  # type: ignore[call-overload]
        "secretsmanager", endpoint_url=aws_endpoint, region_name=region, **_LOCAL_KEYS
    )

    def approvals(event: Any, context: Any) -> dict[str, Any]:
        from functions.approvals.handler import handler

        return handler(event, LocalLambdaContext(function_name=f"{resource_prefix}-approvals"))  # type: ignore[arg-type]

    return {
        # Connector functions check the kill switches in the platform table and put large
        # outputs in the claim-check bucket, both in moto through these clients.
        **connector_lambdas(
            resource_prefix,
            env={"WFAIB_TABLE_NAME": table_name, "WFAIB_CLAIM_CHECK_BUCKET": claim_check_bucket},
            credentials=SecretsManagerCredentials(client=secrets_client),
            aws_client=lambda service: boto3.client(  # type: ignore[call-overload]
                service, endpoint_url=aws_endpoint, region_name=region, **_LOCAL_KEYS
            ),
        ),
        f"{resource_prefix}-code-python": code_handler,
        f"{resource_prefix}-approvals": approvals,
    }


def _published_event_triggers() -> list[tuple[str, str, str, dict[str, Any]]]:
    """``(tenant, workflow, environment, trigger)`` of every published version with an event trigger.

    A scan of the whole table: fine for one laptop's data, and only the local platform does it.
    """
    from functions.shared import keys, store
    from functions.shared.models import WorkflowItem

    found = []
    for item in WorkflowItem.scan(WorkflowItem.sk.startswith(keys.WORKFLOW_PREFIX)):
        tenant_id = item.pk.removeprefix(keys.tenant_pk(""))
        for environment, published in (item.environments or {}).items():
            document = store.get_version(
                tenant_id, item.sk.removeprefix(keys.WORKFLOW_PREFIX), int(published["version"])
            ).document
            trigger = document.get("trigger") or {}
            if trigger.get("type") == "event":
                found.append((tenant_id, str(document["id"]), environment, dict(trigger)))
    return found


def _recreate_table(dynamodb: Any, table_name: str) -> None:
    """An empty platform table; the snapshot fills it.

    moto keeps its backends per process, so a table from an earlier start in the same process
    (tests restart the platform in-process) is dropped first: the data must come from the snapshot.
    """
    with contextlib.suppress(dynamodb.exceptions.ResourceNotFoundException):
        dynamodb.delete_table(TableName=table_name)
    # Keys only: the snapshot learns which items changed and reads just those (``snapshot.py``).
    dynamodb.create_table(
        TableName=table_name,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        **TABLE_DEFINITION,
    )
    dynamodb.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )


def _ensure_idempotency_table(dynamodb: Any, table_name: str) -> None:
    """Powertools' idempotency table (``id`` key, ``expiration`` TTL), as the data stack deploys it.

    Its records are a day's memory of API retries: they are not part of the saved state.
    """
    if table_name in dynamodb.list_tables()["TableNames"]:
        return
    dynamodb.create_table(
        TableName=table_name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"}
    )


def _delete_secrets(secretsmanager: Any, prefix: str) -> None:
    """No credential secrets but the saved ones (moto's state outlives a restart in the same process)."""
    for page in secretsmanager.get_paginator("list_secrets").paginate(
        Filters=[{"Key": "name", "Values": [prefix]}]
    ):
        for entry in page["SecretList"]:
            secretsmanager.delete_secret(SecretId=entry["ARN"], ForceDeleteWithoutRecovery=True)


def jwt_secret(data_dir: Path) -> str:
    """The token key of the platform in ``data_dir``, made on first use and kept so tokens outlive restarts."""
    path = data_dir / "jwt-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _delete_schedules(scheduler: Any, group: str) -> None:
    """No schedules but the saved ones (moto's state outlives a restart in the same process)."""
    for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group):
        for summary in page["Schedules"]:
            scheduler.delete_schedule(Name=summary["Name"], GroupName=group)
