"""Declaring a connector: identity, auth, and versioned actions and triggers.

A connector is a :class:`Connector` object in ``connectors/<id>/connector.py``; each action is a
function in its own module, registered with ``@CONNECTOR.action(...)``; the package's
``__init__`` imports the action modules and exposes ``connector``. Input and output models come
from the function's type hints, so the JSON Schemas the editor and compiler use are the code.

A published action version never changes: to change an input or output, add ``version=2``
beside version 1 (both stay callable; workflows saved against v1 keep working). The catalog
generator refuses to rewrite the schemas of a version that is already in ``catalog.json``.
"""

from __future__ import annotations

import re
import string
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from connectors.sdk.auth import AuthSpec, Credential, NoAuth

if TYPE_CHECKING:
    import httpx

    from connectors.sdk.context import ActionContext
    from connectors.sdk.errors import ConnectorError

__all__ = [
    "ActionInput",
    "ActionOutput",
    "ActionSpec",
    "Connector",
    "HttpRequest",
    "PollResult",
    "TriggerSpec",
    "WebhookRequest",
]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"})

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)
ActionFunc = Callable[[In, "ActionContext"], Out]


class ActionInput(BaseModel):
    """Base for action input models: unknown params are an error, not silently dropped.

    Example:
        >>> class PostMessageInput(ActionInput):
        ...     channel: str
        >>> PostMessageInput.model_json_schema()["additionalProperties"]
        False
    """

    # defer_build: a connector's models are built when first used, so a cold start builds only
    # the invoked action's models, not every action's.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ActionOutput(BaseModel):
    """Base for action output models: provider fields the model does not name are ignored.

    Example:
        >>> class PostMessageOutput(ActionOutput):
        ...     ts: str
        >>> PostMessageOutput.model_validate({"ts": "1.2", "extra": 1}).model_dump()
        {'ts': '1.2'}
    """

    model_config = ConfigDict(extra="ignore", defer_build=True)


class PollResult(BaseModel):
    """What a polling trigger returns: new events (oldest first) and the cursor to poll from next.

    Example:
        >>> PollResult(events=[], cursor="2026-11-21T00:00:00Z").cursor
        '2026-11-21T00:00:00Z'
    """

    events: list[dict[str, Any]]
    cursor: str | None = None


class WebhookRequest(BaseModel):
    """An inbound webhook as the trigger sees it (headers lower-cased, raw body for signatures).

    Example:
        >>> WebhookRequest(headers={"x-github-event": "push"}, body=b"{}").json_body()
        {}
    """

    headers: dict[str, str]
    body: bytes
    query: dict[str, str] = {}

    def json_body(self) -> Any:
        """The body parsed as JSON."""
        import json

        return json.loads(self.body or b"null")


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One version of one action, as registered (see :meth:`Connector.action`).

    Example:
        >>> spec = SLACK.get_action("post_message", 1)  # doctest: +SKIP
        >>> spec.id, spec.version, spec.side_effect  # doctest: +SKIP
        ('slack.post_message', 1, True)
    """

    connector_id: str
    name: str
    version: int
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    side_effect: bool
    run: Callable[[Any, ActionContext], BaseModel]
    title: str
    description: str
    deprecated: bool = False

    @property
    def id(self) -> str:
        """``<connector>.<action>``, the workflow node ``type``."""
        return f"{self.connector_id}.{self.name}"


@dataclass(frozen=True, slots=True)
class TriggerSpec:
    """One version of a polling or webhook trigger.

    Polling: ``poll(config, ctx, cursor) -> PollResult``, called on a schedule by the platform.
    Webhook: ``verify(request, secret) -> bool`` checks the provider's signature, and the JSON
    body (or ``parse(request)``) gives the events.

    Example:
        >>> spec = GITHUB.get_trigger("issue_opened", 1)  # doctest: +SKIP
        >>> spec.kind  # doctest: +SKIP
        'webhook'
    """

    connector_id: str
    name: str
    version: int
    kind: Literal["polling", "webhook"]
    config_model: type[BaseModel]
    event_model: type[BaseModel]
    title: str
    description: str
    poll: Callable[[Any, ActionContext, str | None], PollResult] | None = None
    verify: Callable[[WebhookRequest, str], bool] | None = None
    parse: Callable[[WebhookRequest], list[dict[str, Any]]] | None = None

    @property
    def id(self) -> str:
        """``<connector>.<trigger>``."""
        return f"{self.connector_id}.{self.name}"


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """A declarative HTTP action: how the input model maps onto one request.

    Path placeholders (``/repos/{owner}/{repo}``) take the fields of the same name; fields named
    in ``query`` or ``headers`` go there; the remaining fields form the body (``json`` or ``form``),
    or the query string for GET/DELETE/HEAD; with ``body_field`` that one field's value is the
    whole JSON body. ``response_field`` picks a dotted key of the JSON response as the output
    (``"data"`` or ``"issue.fields"``); ``wrap_response`` puts the response under a key first
    (for APIs answering with a bare list: ``wrap_response="items"``).

    Example:
        >>> HttpRequest("GET", "/repos/{owner}/{repo}").path_fields
        ('owner', 'repo')
    """

    method: str
    path: str
    query: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    body: Literal["json", "form"] = "json"
    response_field: str | None = None
    body_field: str | None = None
    wrap_response: str | None = None

    @property
    def path_fields(self) -> tuple[str, ...]:
        """The input fields the path template uses."""
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.path) if name)

    def __call__(self, params: BaseModel, ctx: ActionContext, output_model: type[Out]) -> Out:
        """Send the request built from ``params`` and validate the response as ``output_model``."""
        from urllib.parse import quote

        data = params.model_dump(mode="json", by_alias=True, exclude_none=True)
        path = self.path.format(**{name: quote(str(data.pop(name)), safe="") for name in self.path_fields})
        headers = {header: str(data.pop(name)) for header, name in self.headers.items() if name in data}
        query = {name: data.pop(name) for name in self.query if name in data}
        body: dict[str, Any] = {}
        if self.body_field is not None:
            if self.body_field in data:
                body["json"] = data.pop(self.body_field)
            query.update(data)
        elif self.method in {"GET", "DELETE", "HEAD"}:
            query.update(data)
        elif data and self.body == "form":
            body["data"] = data
        elif data:
            body["json"] = data
        response = ctx.http.request(self.method, path, params=query, headers=headers, **body)
        payload: Any = response.json() if response.content else {}
        if self.wrap_response is not None:
            payload = {self.wrap_response: payload}
        for key in (self.response_field or "").split("."):
            if key:
                payload = payload[key]
        return output_model.model_validate(payload)


def _hints(func: Callable[..., Any], localns: dict[str, Any]) -> dict[str, Any]:
    # ``localns``: the scope that applied the decorator, so models defined inside a function
    # (tests, factories) resolve under ``from __future__ import annotations`` too.
    try:
        return typing.get_type_hints(func, localns=localns)
    except NameError as exc:
        raise TypeError(f"{func.__qualname__}: cannot resolve type hints ({exc})") from exc


def _model(hint: Any, where: str) -> type[BaseModel]:
    if not (isinstance(hint, type) and issubclass(hint, BaseModel)):
        raise TypeError(f"{where} must be a pydantic model, got {hint!r}")
    return hint


def _first_line(text: str | None) -> str:
    return (text or "").strip().split("\n\n")[0].replace("\n", " ")


class Connector:
    """A connector package: id, name, version, icon, auth, and its actions and triggers.

    ``base_url`` is the provider's API root (a credential's ``base_url`` overrides it).
    ``credential_model`` extends the auth's credential with the connector's own fields (a
    database's host and port beside ``BasicCredential``'s user and password); it must subclass
    the auth's model so the SDK can still apply the auth.
    ``idempotency_header`` names the header that carries the idempotency key on requests of
    side-effecting actions (e.g. Stripe's ``Idempotency-Key``), sent automatically.
    ``error_message`` extracts the provider's error text from a JSON error body;
    ``check_response`` raises on errors a provider reports with HTTP 200 (Slack's ``ok: false``);
    ``map_error`` may classify a failed answer before the default status mapping (GitHub's 403
    with ``x-ratelimit-remaining: 0`` is a rate limit, not an auth failure).
    ``default_headers`` go on every request (``Accept``, API version pins).

    Example:
        >>> SLACK = Connector("slack", "Slack", version="1.0.0", auth=BearerAuth(),
        ...                   base_url="https://slack.com/api")  # doctest: +SKIP
        >>> @SLACK.action("post_message", version=1, side_effect=True)  # doctest: +SKIP
        ... def post_message(params: PostMessageInput, ctx: ActionContext) -> PostMessageOutput:
        ...     body = ctx.http.post("/chat.postMessage", json=params.model_dump()).json()
        ...     return PostMessageOutput(channel=body["channel"], ts=body["ts"])
    """

    def __init__(
        self,
        id: str,
        name: str,
        *,
        version: str,
        auth: AuthSpec | None = None,
        credential_model: type[Credential] | None = None,
        base_url: str | None = None,
        icon: str | None = None,
        description: str = "",
        category: str = "other",
        idempotency_header: str | None = None,
        error_message: Callable[[Any], str | None] | None = None,
        check_response: Callable[[httpx.Response], None] | None = None,
        map_error: Callable[[httpx.Response], ConnectorError | None] | None = None,
        default_headers: dict[str, str] | None = None,
        timeout: float = 30.0,
        max_attempts: int = 3,
    ) -> None:
        if not _NAME.match(id):
            raise ValueError(f"connector id {id!r} must match {_NAME.pattern}")
        self.id = id
        self.name = name
        self.version = version
        self.auth: AuthSpec = auth or NoAuth()
        default_model = type(self.auth).credential_model
        if credential_model is not None and (
            default_model is None or not issubclass(credential_model, default_model)
        ):
            raise TypeError(
                f"{id}: credential_model must subclass {getattr(default_model, '__name__', 'a credential')} "
                f"for {self.auth.type} auth"
            )
        self.credential_model: type[Credential] | None = credential_model or default_model
        self.base_url = base_url
        self.icon = icon
        self.description = description
        self.category = category
        self.idempotency_header = idempotency_header
        self.error_message = error_message
        self.check_response = check_response
        self.map_error = map_error
        self.default_headers = dict(default_headers or {})
        self.timeout = timeout
        self.max_attempts = max_attempts
        self._actions: dict[tuple[str, int], ActionSpec] = {}
        self._triggers: dict[tuple[str, int], TriggerSpec] = {}

    def __repr__(self) -> str:
        return f"Connector({self.id!r}, actions={len(self._actions)}, triggers={len(self._triggers)})"

    @property
    def actions(self) -> list[ActionSpec]:
        """Every registered action version, sorted by name then version."""
        return [self._actions[key] for key in sorted(self._actions)]

    @property
    def triggers(self) -> list[TriggerSpec]:
        """Every registered trigger version, sorted by name then version."""
        return [self._triggers[key] for key in sorted(self._triggers)]

    def get_action(self, name: str, version: int) -> ActionSpec | None:
        """The action ``name`` (or ``<connector>.<name>``) at ``version``, or None."""
        return self._actions.get((name.removeprefix(f"{self.id}."), version))

    def get_trigger(self, name: str, version: int) -> TriggerSpec | None:
        """The trigger ``name`` (or ``<connector>.<name>``) at ``version``, or None."""
        return self._triggers.get((name.removeprefix(f"{self.id}."), version))

    def _register(self, spec: ActionSpec) -> None:
        if not _NAME.match(spec.name):
            raise ValueError(f"action name {spec.name!r} must match {_NAME.pattern}")
        if spec.version < 1:
            raise ValueError(f"{spec.id}: version must be >= 1")
        if (spec.name, spec.version) in self._actions:
            raise ValueError(f"{spec.id} v{spec.version} is declared twice; add a new version instead")
        if spec.input_model.model_config.get("extra") != "forbid":
            raise TypeError(f"{spec.id}: input model must forbid extra fields (subclass ActionInput)")
        self._actions[(spec.name, spec.version)] = spec

    def action(
        self,
        name: str,
        *,
        version: int = 1,
        side_effect: bool = False,
        title: str | None = None,
        deprecated: bool = False,
    ) -> Callable[[ActionFunc[In, Out]], ActionFunc[In, Out]]:
        """Register ``func(params, ctx) -> Output`` as action ``<connector>.<name>`` at ``version``.

        The input model is the type of ``params``, the output model the return type. Set
        ``side_effect=True`` when the action changes the outside world: it then receives a
        stable idempotency key (and sends it in ``idempotency_header`` if the connector has one).

        Example:
            >>> @SLACK.action("post_message", version=1, side_effect=True)  # doctest: +SKIP
            ... def post_message(params: PostMessageInput, ctx: ActionContext) -> PostMessageOutput:
            ...     ...
        """

        localns = sys._getframe(1).f_locals

        def register(func: ActionFunc[In, Out]) -> ActionFunc[In, Out]:
            hints = _hints(func, localns)
            params_name = next(iter(func.__code__.co_varnames[: func.__code__.co_argcount]), "")
            self._register(
                ActionSpec(
                    connector_id=self.id,
                    name=name,
                    version=version,
                    input_model=_model(hints.get(params_name), f"{func.__qualname__}: params"),
                    output_model=_model(hints.get("return"), f"{func.__qualname__}: return type"),
                    side_effect=side_effect,
                    run=func,
                    title=title or name.replace("_", " ").capitalize(),
                    description=_first_line(func.__doc__),
                    deprecated=deprecated,
                )
            )
            return func

        return register

    def http_action(
        self,
        name: str,
        *,
        version: int = 1,
        request: HttpRequest,
        input: type[BaseModel],
        output: type[BaseModel],
        side_effect: bool | None = None,
        title: str | None = None,
        description: str = "",
        deprecated: bool = False,
    ) -> ActionSpec:
        """Register a declarative HTTP action: no code, just the request mapping.

        ``side_effect`` defaults to True for every method but GET and HEAD.

        Example:
            >>> GITHUB.http_action(  # doctest: +SKIP
            ...     "get_issue", version=1,
            ...     request=HttpRequest("GET", "/repos/{owner}/{repo}/issues/{issue_number}"),
            ...     input=GetIssueInput, output=Issue, description="Get one issue.")
        """
        if request.method not in _HTTP_METHODS:
            raise ValueError(f"{self.id}.{name}: unsupported HTTP method {request.method!r}")

        def run(params: BaseModel, ctx: ActionContext) -> BaseModel:
            return request(params, ctx, output)

        spec = ActionSpec(
            connector_id=self.id,
            name=name,
            version=version,
            input_model=input,
            output_model=output,
            side_effect=request.method not in {"GET", "HEAD"} if side_effect is None else side_effect,
            run=run,
            title=title or name.replace("_", " ").capitalize(),
            description=description,
            deprecated=deprecated,
        )
        self._register(spec)
        return spec

    def polling_trigger(
        self, name: str, *, version: int = 1, event: type[BaseModel], title: str | None = None
    ) -> Callable[[Callable[[In, ActionContext, str | None], PollResult]], Any]:
        """Register ``poll(config, ctx, cursor) -> PollResult`` as a polling trigger.

        Example:
            >>> @GITHUB.polling_trigger("new_issue", version=1, event=Issue)  # doctest: +SKIP
            ... def new_issue(config: NewIssueConfig, ctx: ActionContext, cursor: str | None) -> PollResult:
            ...     ...
        """

        localns = sys._getframe(1).f_locals

        def register(func: Callable[[In, ActionContext, str | None], PollResult]) -> Any:
            hints = _hints(func, localns)
            config_name = func.__code__.co_varnames[0]
            self._add_trigger(
                TriggerSpec(
                    connector_id=self.id,
                    name=name,
                    version=version,
                    kind="polling",
                    config_model=_model(hints.get(config_name), f"{func.__qualname__}: config"),
                    event_model=event,
                    title=title or name.replace("_", " ").capitalize(),
                    description=_first_line(func.__doc__),
                    poll=func,
                )
            )
            return func

        return register

    def webhook_trigger(
        self,
        name: str,
        *,
        version: int = 1,
        config: type[BaseModel],
        event: type[BaseModel],
        verify: Callable[[WebhookRequest, str], bool] | None = None,
        parse: Callable[[WebhookRequest], list[dict[str, Any]]] | None = None,
        title: str | None = None,
        description: str = "",
    ) -> TriggerSpec:
        """Register a webhook trigger: signature check (``verify``) and event parsing.

        Example:
            >>> GITHUB.webhook_trigger("issue_opened", version=1, config=IssueHookConfig,  # doctest: +SKIP
            ...                        event=IssueEvent, verify=verify_signature)
        """
        spec = TriggerSpec(
            connector_id=self.id,
            name=name,
            version=version,
            kind="webhook",
            config_model=config,
            event_model=event,
            title=title or name.replace("_", " ").capitalize(),
            description=description,
            verify=verify,
            parse=parse,
        )
        self._add_trigger(spec)
        return spec

    def _add_trigger(self, spec: TriggerSpec) -> None:
        if not _NAME.match(spec.name):
            raise ValueError(f"trigger name {spec.name!r} must match {_NAME.pattern}")
        if (spec.name, spec.version) in self._triggers:
            raise ValueError(f"{spec.id} v{spec.version} is declared twice; add a new version instead")
        self._triggers[(spec.name, spec.version)] = spec
