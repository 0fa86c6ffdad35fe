"""Step Functions service integrations for the local runtime, executed with boto3.

The runtime hands every non-Lambda ``Task`` resource to a *service caller*; this one calls the
AWS API behind it at a configurable endpoint (moto locally, real AWS if you point it there):

- ``arn:aws:states:::aws-sdk:<service>:<action>`` — any boto3 operation. Parameters are the
  API's member names in PascalCase, as in Step Functions; the result is the API's response with
  PascalCase keys and no ``ResponseMetadata``. Errors are ``<Service>.<ErrorName>Exception``
  (``DynamoDb.ConditionalCheckFailedException``, ``S3.NoSuchKeyException``), Step Functions'
  naming for AWS SDK integrations.
- Optimized integrations: ``dynamodb:getItem|putItem|updateItem|deleteItem``,
  ``sqs:sendMessage``, ``sns:publish``, ``events:putEvents``. Their results carry
  ``SdkHttpMetadata``/``SdkResponseMetadata`` like AWS's do (DynamoDB, SQS, SNS); their errors
  use the service prefixes of the optimized integrations (``DynamoDB.ConditionalCheckFailedException``,
  ``SQS.*``, ``SNS.*``, ``EventBridge.*``, ``EventBridge.FailedEntry``).

boto3 blocks, so every call runs in a worker thread and the runtime's event loop stays free.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import re
import threading
from datetime import datetime
from typing import Any

import boto3
import botocore.session
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.response import StreamingBody
from pydantic import BaseModel, ConfigDict, SecretStr

from state_machines.runtime.errors import StatesError
from state_machines.runtime.models import TaskInvocation

__all__ = ["AwsIntegrationSettings", "AwsServiceCaller", "sdk_service_error_prefix"]

_RESOURCE = re.compile(
    r"^arn:aws[a-z-]*:states:[a-z0-9-]*:\d*:(?:(?P<sdk>aws-sdk):)?(?P<service>[a-z0-9]+):(?P<action>[A-Za-z0-9]+)"
    r"(?P<pattern>\.waitForTaskToken|\.sync(?::2)?)?$"
)

# Step Functions' aws-sdk service names that are not boto3's name with the dashes removed.
_SDK_TO_BOTO3 = {
    "eventbridge": "events",
    "sfn": "stepfunctions",
    "cloudwatchlogs": "logs",
    "cloudwatchevents": "events",
    "cognitoidentityprovider": "cognito-idp",
    "elasticloadbalancingv2": "elbv2",
    "kinesisfirehose": "firehose",
    "costexplorer": "ce",
    "databasemigration": "dms",
    "applicationautoscaling": "application-autoscaling",
}

# Optimized integrations: resource "service:action" -> (boto3 service, error prefix).
_OPTIMIZED = {
    "dynamodb:getItem": ("dynamodb", "DynamoDB"),
    "dynamodb:putItem": ("dynamodb", "DynamoDB"),
    "dynamodb:updateItem": ("dynamodb", "DynamoDB"),
    "dynamodb:deleteItem": ("dynamodb", "DynamoDB"),
    "sqs:sendMessage": ("sqs", "SQS"),
    "sns:publish": ("sns", "SNS"),
    "events:putEvents": ("events", "EventBridge"),
}
# The Java SDK v1 service names AWS quotes in the causes of optimized DynamoDB/SQS/SNS errors.
_OPTIMIZED_SERVICE_NAMES = {"dynamodb": "AmazonDynamoDBv2", "sqs": "AmazonSQS", "sns": "AmazonSNS"}


class AwsIntegrationSettings(BaseModel):
    """Where integrations send their AWS calls (moto locally). Unset values fall back to boto3's chain.

    Example:
        >>> AwsIntegrationSettings(endpoint_url="http://127.0.0.1:5000", region_name="us-east-1")
        AwsIntegrationSettings(endpoint_url='http://127.0.0.1:5000', region_name='us-east-1', ...)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    endpoint_url: str | None = None
    region_name: str = "us-east-1"
    aws_access_key_id: str | None = None
    aws_secret_access_key: SecretStr | None = None
    aws_session_token: SecretStr | None = None
    service_endpoints: dict[str, str] = {}


def sdk_service_error_prefix(service_id: str) -> str:
    """Step Functions' PascalCase name of a service in aws-sdk error names, from botocore's serviceId.

    AWS takes it from the Java SDK v2 client name: words split on spaces and case changes, each
    capitalised with the rest in lower case.

    Example:
        >>> [sdk_service_error_prefix(s) for s in ("DynamoDB", "SQS", "Secrets Manager", "S3")]
        ['DynamoDb', 'Sqs', 'SecretsManager', 'S3']
    """
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", service_id)
    return "".join(word[:1].upper() + word[1:].lower() for word in words)


class AwsServiceCaller:
    """The runtime's ``service_caller``: runs AWS integrations through boto3 in worker threads.

    Example:
        >>> caller = AwsServiceCaller(AwsIntegrationSettings(endpoint_url="http://127.0.0.1:5000"))
        >>> runtime = LocalRuntime(service_caller=caller)  # doctest: +SKIP
    """

    def __init__(self, settings: AwsIntegrationSettings | None = None) -> None:
        self.settings = settings or AwsIntegrationSettings()
        self._session = boto3.Session(
            region_name=self.settings.region_name,
            aws_access_key_id=self.settings.aws_access_key_id,
            aws_secret_access_key=_secret(self.settings.aws_secret_access_key),
            aws_session_token=_secret(self.settings.aws_session_token),
        )
        self._clients: dict[str, BaseClient] = {}
        self._lock = threading.Lock()

    async def __call__(self, resource_arn: str, arguments: dict[str, Any], invocation: TaskInvocation) -> Any:
        """Call the integration named by ``resource_arn`` with the Task's arguments."""
        match = _RESOURCE.match(resource_arn)
        if match is None:
            raise StatesError("States.Runtime", f"Unsupported resource: '{resource_arn}'")
        if match["pattern"] is not None and match["pattern"].startswith(".sync"):
            raise StatesError(
                "States.Runtime", f"The integration pattern of '{resource_arn}' is not supported locally"
            )
        service, action = match["service"], match["action"]
        if match["sdk"] is not None:
            return await asyncio.to_thread(self._call_sdk, service, action, dict(arguments))
        key = f"{service}:{action}"
        if key not in _OPTIMIZED:
            raise StatesError("States.Runtime", f"Unsupported resource: '{resource_arn}'")
        return await asyncio.to_thread(self._call_optimized, key, dict(arguments), invocation)

    def client(self, boto3_service: str) -> BaseClient:
        """The (cached, thread-safe) boto3 client of a service at the configured endpoint."""
        with self._lock:
            client = self._clients.get(boto3_service)
            if client is None:
                endpoint = self.settings.service_endpoints.get(boto3_service, self.settings.endpoint_url)
                client = self._session.client(
                    boto3_service,  # type: ignore[call-overload]
                    endpoint_url=endpoint,
                    config=Config(retries={"mode": "standard", "max_attempts": 1}),
                )
                self._clients[boto3_service] = client
            return client

    # -- aws-sdk ------------------------------------------------------------------------------

    def _call_sdk(self, service: str, action: str, arguments: dict[str, Any]) -> Any:
        boto3_service = _boto3_service(service)
        if boto3_service is None:
            raise StatesError("States.Runtime", f"The AWS SDK service '{service}' is not known")
        client = self.client(boto3_service)
        operation = _operation(client, action)
        if operation is None:
            raise StatesError(
                "States.Runtime",
                f"The API action '{action}' is not an action of the AWS SDK service '{service}'",
            )
        prefix = sdk_service_error_prefix(client.meta.service_model.service_id)
        params = _to_model_names(operation.input_shape, arguments) if operation.input_shape else arguments
        try:
            response = getattr(client, _method_name(client, operation.name))(**params)
        except ClientError as exc:
            code = _error_name(client, exc)
            error = code if code.endswith("Exception") else f"{code}Exception"
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
            request_id = exc.response.get("ResponseMetadata", {}).get("RequestId", "")
            message = exc.response.get("Error", {}).get("Message", str(exc))
            raise StatesError(
                f"{prefix}.{error}",
                f"{message} (Service: {prefix}, Status Code: {status}, Request ID: {request_id})",
            ) from exc
        except ParamValidationError as exc:
            raise StatesError("States.TaskFailed", str(exc)) from exc
        except BotoCoreError as exc:
            raise StatesError(f"{prefix}.SdkClientException", str(exc)) from exc
        response.pop("ResponseMetadata", None)
        return _to_result(operation.output_shape, response)

    # -- optimized ----------------------------------------------------------------------------

    def _call_optimized(self, key: str, arguments: dict[str, Any], invocation: TaskInvocation) -> Any:
        boto3_service, prefix = _OPTIMIZED[key]
        client = self.client(boto3_service)
        action = key.split(":", 1)[1]
        if key == "sqs:sendMessage":
            arguments["MessageBody"] = _as_text(arguments.get("MessageBody"))
        elif key == "sns:publish":
            arguments["Message"] = _as_text(arguments.get("Message"))
        elif key == "events:putEvents":
            arguments["Entries"] = [_event_entry(entry, invocation) for entry in arguments.get("Entries", [])]
        try:
            response = getattr(client, _method_name(client, action[0].upper() + action[1:]))(**arguments)
        except ClientError as exc:
            code = _error_name(client, exc)
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
            request_id = exc.response.get("ResponseMetadata", {}).get("RequestId", "")
            message = exc.response.get("Error", {}).get("Message", str(exc))
            service_name = _OPTIMIZED_SERVICE_NAMES.get(boto3_service, prefix)
            raise StatesError(
                f"{prefix}.{code}",
                f"{message} (Service: {service_name}; Status Code: {status}; Error Code: {code}; "
                f"Request ID: {request_id}; Proxy: null)",
            ) from exc
        except ParamValidationError as exc:
            raise StatesError("States.TaskFailed", str(exc)) from exc
        except BotoCoreError as exc:
            raise StatesError(f"{prefix}.SdkClientException", str(exc)) from exc
        metadata = response.pop("ResponseMetadata", {})
        result = _jsonable(response)
        if key == "events:putEvents":
            if result.get("FailedEntryCount", 0) > 0:
                raise StatesError("EventBridge.FailedEntry", json.dumps(result))
            return result
        headers = {str(k): str(v) for k, v in metadata.get("HTTPHeaders", {}).items()}
        result["SdkHttpMetadata"] = {
            "AllHttpHeaders": {k: [v] for k, v in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": metadata.get("HTTPStatusCode", 200),
        }
        result["SdkResponseMetadata"] = {"RequestId": metadata.get("RequestId", "")}
        return result


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else str(value.get_secret_value())


@functools.cache
def _boto3_service(service: str) -> str | None:
    """boto3's name of a Step Functions aws-sdk service name (cached: listing services reads disk)."""
    if service in _SDK_TO_BOTO3:
        return _SDK_TO_BOTO3[service]
    for name in botocore.session.get_session().get_available_services():
        if name.replace("-", "") == service:
            return str(name)
    return None


def _operation(client: BaseClient, action: str) -> OperationModel | None:
    model = client.meta.service_model
    wanted = action.lower()
    for name in model.operation_names:
        if name.lower() == wanted:
            return model.operation_model(name)
    return None


def _method_name(client: BaseClient, operation_name: str) -> str:
    for method, api_name in client.meta.method_to_api_mapping.items():
        if api_name == operation_name:
            return method
    raise StatesError("States.Runtime", f"No boto3 method for '{operation_name}'")


def _error_name(client: BaseClient, exc: ClientError) -> str:
    """The error shape's name (``QueueDoesNotExist``), else the wire code, as the Java SDK reports it."""
    error = exc.response.get("Error", {})
    # awsQueryCompatible services (SQS) put the legacy query code in Code and the shape name here.
    code = str(error.get("QueryErrorCode") or error.get("Code", "Unknown"))
    known: Any = client.exceptions.from_code(code)
    name = str(known.__name__) if known is not ClientError else code
    return name.rsplit("#", 1)[-1].rsplit(".", 1)[-1]


def _to_model_names(shape: Shape, value: Any) -> Any:
    """Map Step Functions' PascalCase parameter names onto the model's member names, recursively."""
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        members: dict[str, str] = {name.lower(): name for name in shape.members}
        converted: dict[str, Any] = {}
        for key, item in value.items():
            name = members.get(str(key).lower(), str(key))
            member = shape.members.get(name)
            converted[name] = item if member is None else _to_model_names(member, item)
        return converted
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_to_model_names(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: _to_model_names(shape.value, item) for key, item in value.items()}
    return value


def _to_result(shape: Shape | None, value: Any) -> Any:
    """A boto3 response as Step Functions returns it: PascalCase members, JSON values."""
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {
            _pascal(key): _to_result(shape.members.get(key), item)
            for key, item in value.items()
            if key != "ResponseMetadata"
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_to_result(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: _to_result(shape.value, item) for key, item in value.items()}
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    """JSON values only: timestamps as ISO 8601, bodies and blobs as text (base64 if not UTF-8)."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StreamingBody):
        value = value.read()
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode("ascii")
    return value


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _as_text(value: Any) -> Any:
    """Optimized integrations send a JSON message body as its serialised text."""
    return value if isinstance(value, str) or value is None else json.dumps(value, separators=(",", ":"))


def _event_entry(entry: Any, invocation: TaskInvocation) -> Any:
    """EventBridge: Detail as text; execution and state machine ARNs appended to Resources (as AWS does)."""
    if not isinstance(entry, dict):
        return entry
    entry = dict(entry)
    entry["Detail"] = _as_text(entry.get("Detail"))
    machine_arn = _state_machine_arn(invocation.execution_arn)
    entry["Resources"] = [*entry.get("Resources", []), invocation.execution_arn, machine_arn]
    return entry


def _state_machine_arn(execution_arn: str) -> str:
    parts = execution_arn.split(":")
    return ":".join([*parts[:5], "stateMachine", parts[6]]) if len(parts) > 6 else execution_arn
