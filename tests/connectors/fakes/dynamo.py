"""The platform table (the control plane's own definition) in a moto server of the test's own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from functions.shared.models import TABLE_DEFINITION

__all__ = ["PlatformTable", "moto_platform_table"]


@dataclass
class PlatformTable:
    name: str
    client: Any


@contextmanager
def moto_platform_table() -> Iterator[PlatformTable]:
    """Never ``mock_aws()``: it resets moto for every emulation in the worker."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    try:
        client = boto3.client("dynamodb", endpoint_url=f"http://{host}:{port}", region_name="us-east-1")
        name = f"wfaib-{uuid.uuid4().hex[:8]}"
        client.create_table(TableName=name, **TABLE_DEFINITION)
        yield PlatformTable(name, client)
    finally:
        server.stop()
