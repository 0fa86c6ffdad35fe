"""A compiled workflow using PostgreSQL, MySQL and Redis runs on the local runtime, as in AWS.

Given real local servers, credentials in Secrets Manager (moto over HTTP) and the connector
functions the local platform registers, when the compiler's ASL runs, then each node reads its
credential by reference, values flow from one database to the next, and an unreachable database
fails the run with ``UpstreamUnavailableError`` after the compiled Retry (virtual clock: nothing
sleeps) with no password in the error.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import psycopg
import pymysql
import pytest
import redis
from db_servers import DatabaseServer, free_port
from moto.server import ThreadedMotoServer

from connectors.catalog import build_catalog, to_json
from connectors.sdk.local import connector_lambdas
from connectors.sdk.registry import load_connector
from state_machines.compiler import compile_workflow
from state_machines.model import NodeCatalog, Workflow
from state_machines.runtime import LocalRuntime, VirtualClock

CATALOG = NodeCatalog.with_connectors(
    to_json(build_catalog([load_connector(name) for name in ("mysql", "postgres", "redis")]))
)


@pytest.fixture
def moto_endpoint(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    try:
        yield endpoint
    finally:
        server.stop()


def _workflow(signups: str, audit: str, counter: str, *, pg_credential: str = "pg") -> Workflow:
    return Workflow.model_validate(
        {
            "id": "signup-fan-out",
            "name": "Signup fan-out",
            "trigger": {"type": "manual"},
            "nodes": [
                {
                    "id": "save",
                    "type": "postgres.insert_rows",
                    "credential": pg_credential,
                    "params": {
                        "table": signups,
                        "rows": [{"email": "{{ $trigger.email }}"}],
                        "returning": ["id"],
                    },
                },
                {
                    "id": "fetch",
                    "type": "postgres.query",
                    "credential": "pg",
                    "params": {
                        "sql": f"SELECT id, email FROM {signups} WHERE id = %s",
                        "params": ["{{ $save.rows[0].id }}"],
                    },
                },
                {
                    "id": "audit",
                    "type": "mysql.insert_rows",
                    "credential": "my",
                    "params": {
                        "table": audit,
                        "rows": [{"email": "{{ $fetch.rows[0].email }}", "source": "pg"}],
                    },
                },
                {"id": "tally", "type": "redis.incr", "credential": "cache", "params": {"key": counter}},
            ],
            "edges": [
                {"source": "save", "target": "fetch"},
                {"source": "fetch", "target": "audit"},
                {"source": "audit", "target": "tally"},
            ],
        }
    )


def _run(runtime: LocalRuntime, workflow: Workflow, payload: dict[str, Any]) -> Any:
    compiled = compile_workflow(workflow, CATALOG)
    info = runtime.start_execution(
        state_machine_arn=f"arn:aws:states:us-east-1:123456789012:stateMachine:{workflow.id}",
        definition=compiled.asl,
        input=json.dumps(payload),
    )
    return runtime.wait(info.execution_arn, timeout=30)


def test_compiled_workflow_moves_a_row_across_postgres_mysql_and_redis(
    moto_endpoint: str,
    postgres_server: DatabaseServer,
    mariadb_server: DatabaseServer,
    redis_server: DatabaseServer,
) -> None:
    suffix = uuid.uuid4().hex[:8]
    signups, audit, counter = f"signups_{suffix}", f"audit_{suffix}", f"signups:{suffix}"
    pg, my = postgres_server, mariadb_server
    with psycopg.connect(
        host=pg.host, port=pg.port, user=pg.user, password=pg.password, dbname=pg.database, autocommit=True
    ) as conn:
        conn.execute(f"CREATE TABLE {signups} (id serial PRIMARY KEY, email text NOT NULL)")
    with (
        pymysql.connect(
            host=my.host,
            port=my.port,
            user=my.user,
            password=my.password,
            database=my.database,
            autocommit=True,
        ) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute(f"CREATE TABLE {audit} (id INT AUTO_INCREMENT PRIMARY KEY, email TEXT, source TEXT)")

    secrets = boto3.client("secretsmanager")
    for name, value in {
        "pg": pg.credential(),
        "my": my.credential(ssl_mode="disabled"),
        "cache": {"host": redis_server.host, "port": redis_server.port, "password": redis_server.password},
        "pg-down": pg.credential(port=free_port()),
    }.items():
        secrets.create_secret(Name=f"wfaib/local/credentials/{name}", SecretString=json.dumps(value))

    with LocalRuntime(
        lambda_handlers=connector_lambdas("wfaib-local", env={}), clock=VirtualClock(auto_advance=True)
    ) as runtime:
        done = _run(runtime, _workflow(signups, audit, counter), {"email": "ada@example.com"})
        assert done.status == "SUCCEEDED", (done.error, done.cause)
        output = json.loads(done.output or "null")
        assert output == {"key": counter, "value": 1}

        with (
            pymysql.connect(
                host=my.host, port=my.port, user=my.user, password=my.password, database=my.database
            ) as conn,
            conn.cursor() as cursor,
        ):
            cursor.execute(f"SELECT email, source FROM {audit}")
            assert cursor.fetchall() == (("ada@example.com", "pg"),)
        cache = redis.Redis(port=redis_server.port, password=redis_server.password, decode_responses=True)
        assert cache.get(counter) == "1"

        down = _workflow(signups, audit, counter, pg_credential="pg-down")
        failed = _run(runtime, down, {"email": "bob@example.com"})
        assert failed.status == "FAILED"
        assert failed.error == "UpstreamUnavailableError"
        assert pg.password not in (failed.cause or "")
        history = runtime.get_execution_history(failed.execution_arn)
        attempts = [event for event in history if event["type"] == "TaskFailed"]
        assert len(attempts) == 4  # the first call and the compiled default Retry (3 more)
    assert cache.get(counter) == "1"  # the failed run stopped before Redis
