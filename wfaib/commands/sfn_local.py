"""``wfaib sfn-local``: a local AWS Step Functions endpoint for boto3, the AWS CLI and SDKs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["register", "sfn_local"]

SNIPPET = """\
import boto3
from botocore.config import Config

sfn = boto3.client(
    "stepfunctions",
    endpoint_url="{endpoint}",
    region_name="{region}",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
    config=Config(inject_host_prefix=False),  # StartSyncExecution would go to sync-<host>
)
print(sfn.list_state_machines()["stateMachines"])"""


def sfn_local(
    *,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0 picks a free one).")] = 8083,
    data_dir: Annotated[
        Path, typer.Option(help="Where state machines and executions are kept across restarts.")
    ] = Path(".wfaib/sfn"),
    region: Annotated[
        str, typer.Option(help="Region in the ARNs, and of the AWS integrations.")
    ] = "us-east-1",
    account_id: Annotated[str, typer.Option(help="Account id in the ARNs.")] = "123456789012",
    aws_endpoint_url: Annotated[
        str | None,
        typer.Option(help="Endpoint of the AWS APIs that Task states call (e.g. a moto server)."),
    ] = None,
) -> None:
    """Serve the Step Functions API (AWS's JSON protocol) over the local ASL runtime."""
    from wfaib.local.aws_integrations import AwsIntegrationSettings
    from wfaib.sfn_local import SfnHttpServer, SfnLocal

    console = Console()
    aws = AwsIntegrationSettings(endpoint_url=aws_endpoint_url, region_name=region)
    with SfnLocal(data_dir, region=region, account_id=account_id, aws=aws) as service:
        server = SfnHttpServer(service, host=host, port=port)
        console.print(f"Step Functions API at [bold]{server.endpoint_url}[/bold] (data in {data_dir})")
        console.print(
            f"AWS CLI: aws stepfunctions list-state-machines --endpoint-url {server.endpoint_url}",
            highlight=False,
        )
        console.print("boto3:", highlight=False)
        console.print(
            SNIPPET.format(endpoint=server.endpoint_url, region=region), highlight=False, markup=False
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            console.print("Stopped; running executions resume on the next start.")
        finally:
            server.stop()


def register(app: typer.Typer) -> None:
    """Add ``sfn-local`` to the ``wfaib`` command line."""
    app.command("sfn-local")(sfn_local)
