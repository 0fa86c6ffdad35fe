"""App nodes (HTTP Request, Slack, Telegram, GitHub, OpenAI, Postgres, AWS, …) → connector actions.

Each mapper reads the n8n node's ``resource``/``operation`` and parameters and builds the
WFAIB action's params; an operation with no matching action raises ``UnsupportedNodeError``.
Credentials are never imported (n8n exports only their names): the node's ``credential`` stays
empty and the converter reports which n8n credential it used.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from state_machines.n8n.control import json_template
from state_machines.n8n.nodes import Mapped, NodeContext, UnsupportedNodeError, locator

__all__ = ["APP_MAPPERS"]

Mapper = Callable[[NodeContext], Mapped]


def _operation(context: NodeContext, resource: str, operation: str) -> tuple[str, str]:
    node = context.node
    return str(node.param("resource", resource)), str(node.param("operation", operation))


def _unsupported(context: NodeContext, resource: str, operation: str) -> UnsupportedNodeError:
    return UnsupportedNodeError(
        f"{context.node.short_type} '{resource}: {operation}' has no WFAIB action yet"
    )


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    """Params without empty values, so optional fields n8n left blank are not sent."""
    return {key: value for key, value in params.items() if value not in (None, "", [], {})}


def _pairs(context: NodeContext, container: Any, key: str = "parameters") -> dict[str, Any]:
    """n8n's ``{parameters: [{name, value}]}`` lists as one object."""
    items = container.get(key) if isinstance(container, dict) else None
    return {
        str(item.get("name")): context.value(item.get("value", ""))
        for item in items or []
        if isinstance(item, dict) and item.get("name")
    }


def _emails(context: NodeContext, value: Any) -> list[Any]:
    """A comma-separated list (addresses, URLs), or one expression, as a list."""
    translated = context.text(value)
    if not isinstance(translated, str) or not translated:
        return []
    if "{{" in translated:
        return [translated]
    return [address.strip() for address in translated.split(",") if address.strip()]


# --- HTTP --------------------------------------------------------------------------------------

# Names under which n8n users type secrets straight into a request. Their literal values are not
# imported: a workflow's params end up in the state machine definition and its execution history.
_SECRET_NAME = re.compile(
    r"^(authorization|proxy-authorization|cookie|x-[a-z0-9-]*(key|token|secret|signature)|"
    r"[a-z0-9_-]*(api[_-]?key|apikey|access[_-]?token|auth[_-]?token|secret|password|passwd)|key|token|sig)$",
    re.IGNORECASE,
)
_WITHHELD = "<move this secret into a credential>"


def _literal_secret(name: str, value: Any) -> bool:
    return bool(_SECRET_NAME.match(name)) and isinstance(value, str) and bool(value) and "{{" not in value


def _without_secrets(values: dict[str, Any], kind: str, notes: list[str]) -> dict[str, Any]:
    """``values`` with literal secrets replaced, each named in a note (never its value)."""
    kept = dict(values)
    for name, value in values.items():
        if _literal_secret(name, value):
            kept[name] = _WITHHELD
            notes.append(
                f"the {kind} '{name}' held a literal secret, which was not imported: create a "
                "credential for it and select it on the node (or use an expression)"
            )
    return kept


def _url_without_secrets(url: Any, notes: list[str]) -> Any:
    """The URL with literal secrets in its query string replaced (``?api_key=...``)."""
    if not isinstance(url, str) or "?" not in url or "{{" in url.split("?", 1)[1]:
        return url
    base, _, query = url.partition("?")
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    cleaned = _without_secrets(dict(pairs), "URL query parameter", notes)
    if cleaned == dict(pairs):
        return url
    return f"{base}?{urllib.parse.urlencode(list(cleaned.items()), safe='<>')}"


def http_request(context: NodeContext) -> Mapped:
    node = context.node
    notes: list[str] = []
    method = str(node.param("method", node.param("requestMethod", "GET"))).upper()
    params: dict[str, Any] = {"method": method, "url": context.text(node.param("url", ""))}
    if node.version >= 3:
        query = _pairs(context, node.param("queryParameters")) if node.param("sendQuery") else {}
        headers = _pairs(context, node.param("headerParameters")) if node.param("sendHeaders") else {}
        if node.param("sendBody"):
            content_type = node.param("contentType", "json")
            if content_type == "json":
                if node.param("specifyBody", "keypair") == "json":
                    params["body"] = json_template(context, node.param("jsonBody", "{}"))
                else:
                    params["body"] = _pairs(context, node.param("bodyParameters"))
            elif content_type == "form-urlencoded":
                params["body_type"] = "form"
                params["body"] = _pairs(context, node.param("bodyParameters"))
            elif content_type == "raw":
                params["body_type"] = "text"
                params["body"] = context.value(node.param("body", ""))
                if node.param("rawContentType"):
                    headers.setdefault("Content-Type", str(node.param("rawContentType")))
            else:
                raise UnsupportedNodeError(
                    f"an HTTP body of type '{content_type}' (files) cannot be imported"
                )
    else:
        query = _pairs(context, node.param("queryParametersUi"), "parameter")
        headers = _pairs(context, node.param("headerParametersUi"), "parameter")
        if node.param("jsonParameters"):
            if node.param("bodyParametersJson"):
                params["body"] = json_template(context, node.param("bodyParametersJson"))
        elif method not in ("GET", "HEAD"):
            body = _pairs(context, node.param("bodyParametersUi"), "parameter")
            if body:
                params["body"] = body
    params["url"] = _url_without_secrets(params["url"], notes)
    params["query"] = _without_secrets(query, "query parameter", notes)
    params["headers"] = _without_secrets(
        {key: value if isinstance(value, str) else str(value) for key, value in headers.items()},
        "header",
        notes,
    )
    response = node.option("options", "response", {}) or {}
    response_format = (response.get("response") or {}).get("responseFormat") or node.param("responseFormat")
    if response_format == "file":
        raise UnsupportedNodeError("downloading a file (binary response) has no WFAIB equivalent")
    if response_format == "text":
        params["response_format"] = "text"
    if node.option("options", "pagination"):
        notes.append("n8n's pagination settings were not imported; set `pagination` on the node")
    full = (response.get("response") or {}).get("fullResponse") or node.param("fullResponse")
    output = (
        {"statusCode": "{{ $input.status }}", "headers": "{{ $input.headers }}", "body": "{{ $input.body }}"}
        if full
        else "{{ $input.body }}"
    )
    return Mapped("http.request", _clean(params), notes=notes, output=output)


# --- Communication --------------------------------------------------------------------------------


def slack(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "message", "post")
    channel = context.text(node.param("channelId", node.param("channel", "")))
    if resource == "message" and operation == "post":
        if node.param("select", "channel") == "user":
            channel = context.text(node.param("user", ""))
        params = {"channel": channel, "text": context.value(node.param("text", ""))}
        thread = node.option("otherOptions", "thread_ts") or node.option("otherOptions", "thread_ts_reply")
        if isinstance(thread, dict):
            thread = (thread.get("replyValues") or {}).get("thread_ts")
        if thread:
            params["thread_ts"] = context.text(thread)
        mapped = Mapped(context.require("slack.post_message"), _clean(params))
        if node.param("messageType", "text") != "text":
            mapped.partial = "Slack blocks/attachments were not imported; only the text is sent"
        return mapped
    if resource == "message" and operation == "update":
        return Mapped(
            context.require("slack.update_message"),
            _clean(
                {
                    "channel": channel,
                    "ts": context.text(node.param("ts", "")),
                    "text": context.value(node.param("text", "")),
                }
            ),
        )
    if resource == "reaction" and operation == "add":
        return Mapped(
            context.require("slack.add_reaction"),
            _clean(
                {
                    "channel": channel,
                    "timestamp": context.text(node.param("timestamp", "")),
                    "name": context.text(node.param("name", "")),
                }
            ),
        )
    raise _unsupported(context, resource, operation)


def telegram(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "message", "sendMessage")
    chat = context.text(node.param("chatId", ""))
    extra = node.param("additionalFields") or {}
    if resource != "message":
        raise _unsupported(context, resource, operation)
    if operation == "sendMessage":
        params: dict[str, Any] = {"chat_id": chat, "text": context.value(node.param("text", ""))}
        if extra.get("parse_mode"):
            params["parse_mode"] = extra["parse_mode"]
        if extra.get("reply_to_message_id"):
            params["reply_to_message_id"] = context.value(extra["reply_to_message_id"])
        if extra.get("disable_notification") is not None:
            params["disable_notification"] = bool(extra["disable_notification"])
        if extra.get("disable_web_page_preview") is not None:
            params["disable_link_preview"] = bool(extra["disable_web_page_preview"])
        return Mapped(context.require("telegram.send_message"), _clean(params), output=_TELEGRAM_RESULT)
    if operation in ("sendPhoto", "sendDocument"):
        if node.param("binaryData"):
            raise UnsupportedNodeError("sending a file from n8n binary data has no WFAIB equivalent")
        action = "telegram.send_photo" if operation == "sendPhoto" else "telegram.send_document"
        params = {
            "chat_id": chat,
            "url_or_file_id": context.text(node.param("file", "")),
            "caption": context.value(extra.get("caption", "")),
            "parse_mode": extra.get("parse_mode"),
        }
        return Mapped(context.require(action), _clean(params))
    raise _unsupported(context, resource, operation)


# n8n's Telegram node answers with the Bot API's envelope; the connector returns the message itself.
_TELEGRAM_RESULT = {
    "ok": True,
    "result": {
        "message_id": "{{ $input.message_id }}",
        "chat": {"id": "{{ $input.chat_id }}"},
        "date": "{{ $input.date }}",
        "text": "{{ $input.text }}",
    },
}


def discord(context: NodeContext) -> Mapped:
    node = context.node
    if node.version < 2 or node.param("authentication") == "webhook":
        text = node.param("text", node.param("content", ""))
        return Mapped(
            context.require("discord.send_webhook_message"),
            _clean({"content": context.value(text)}),
            notes=["the Discord webhook URL is part of the credential in WFAIB"],
        )
    resource, operation = _operation(context, "message", "send")
    if resource == "message" and operation == "send":
        params = {
            "channel_id": context.text(node.param("channelId", "")),
            "content": context.value(node.param("content", "")),
        }
        return Mapped(context.require("discord.send_message"), _clean(params))
    raise _unsupported(context, resource, operation)


def teams(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "channel", "create")
    if resource == "channelMessage" and operation == "create":
        params = {
            "team_id": context.text(node.param("teamId", "")),
            "channel_id": context.text(node.param("channelId", "")),
            "content": context.value(node.param("message", "")),
            "content_type": node.param("messageType", "text"),
        }
        return Mapped(context.require("teams.send_channel_message"), _clean(params))
    raise _unsupported(context, resource, operation)


def twilio(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "sms", "send")
    if resource == "sms" and operation == "send" and not node.param("toWhatsapp"):
        params = {
            "to": context.text(node.param("to", "")),
            "from_number": context.text(node.param("from", "")),
            "body": context.value(node.param("message", "")),
        }
        return Mapped(context.require("twilio.send_sms"), _clean(params))
    raise _unsupported(context, resource, operation)


def email_send(context: NodeContext) -> Mapped:
    node = context.node
    params: dict[str, Any] = {
        "to": _emails(context, node.param("toEmail", "")),
        "cc": _emails(context, node.option("options", "ccEmail", node.param("ccEmail", ""))),
        "bcc": _emails(context, node.option("options", "bccEmail", node.param("bccEmail", ""))),
        "from_email": context.text(node.param("fromEmail", "")),
        "subject": context.value(node.param("subject", "")),
    }
    email_format = node.param("emailFormat", "text" if node.version >= 2 else "both")
    if email_format in ("text", "both"):
        params["text"] = context.value(node.param("text", ""))
    if email_format in ("html", "both"):
        params["html"] = context.value(node.param("html", ""))
    return Mapped(context.require("smtp.send_email"), _clean(params))


def sendgrid(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "contact", "upsert")
    if resource == "mail" and operation == "send":
        content = context.value(node.param("contentValue", ""))
        params = {
            "to": _emails(context, node.param("toEmail", "")),
            "from_email": context.text(node.param("fromEmail", "")),
            "from_name": context.text(node.param("fromName", "")),
            "subject": context.value(node.param("subject", "")),
            ("html" if node.param("contentType", "text/plain") == "text/html" else "text"): content,
        }
        return Mapped(context.require("sendgrid.send_email"), _clean(params))
    raise _unsupported(context, resource, operation)


# --- Developer and project tools -------------------------------------------------------------------


def github(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "issue", "create")
    repo = {
        "owner": context.text(node.param("owner", "")),
        "repo": context.text(node.param("repository", "")),
    }
    if resource == "issue" and operation == "create":
        labels = [
            context.text(label.get("label"))
            for label in node.param("labels") or []
            if isinstance(label, dict)
        ]
        assignees = [
            context.text(entry.get("assignee"))
            for entry in node.param("assignees") or []
            if isinstance(entry, dict)
        ]
        params = {
            **repo,
            "title": context.value(node.param("title", "")),
            "body": context.value(node.param("body", "")),
            "labels": labels,
            "assignees": assignees,
        }
        return Mapped(context.require("github.create_issue"), _clean(params))
    if resource == "issue" and operation == "createComment":
        params = {
            **repo,
            "issue_number": _number(context, node.param("issueNumber")),
            "body": context.value(node.param("body", "")),
        }
        return Mapped(context.require("github.add_comment"), _clean(params))
    if resource == "issue" and operation == "get":
        params = {**repo, "issue_number": _number(context, node.param("issueNumber"))}
        return Mapped(context.require("github.get_issue"), _clean(params))
    if resource == "repository" and operation == "getIssues":
        return Mapped(context.require("github.list_issues"), _clean(repo))
    raise _unsupported(context, resource, operation)


def _number(context: NodeContext, value: Any) -> Any:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return context.value(value)


def jira(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "issue", "create")
    extra = node.param("additionalFields") or {}
    if resource == "issue" and operation == "create":
        params = {
            "project_key": context.text(node.param("project", "")),
            "issue_type": context.text(node.param("issueType", "")),
            "summary": context.value(node.param("summary", "")),
            "description": context.value(extra.get("description", "")),
            "labels": [context.text(label) for label in extra.get("labels") or []],
        }
        return Mapped(
            context.require("jira.create_issue"),
            _clean(params),
            notes=[
                "n8n picks the Jira project and issue type by id; WFAIB takes the project key and type name"
            ],
        )
    if resource == "issueComment" and operation == "add":
        params = {
            "issue_key": context.text(node.param("issueKey", "")),
            "text": context.value(node.param("comment", "")),
        }
        return Mapped(context.require("jira.add_comment"), _clean(params))
    if resource == "issue" and operation == "get":
        return Mapped(
            context.require("jira.get_issue"), _clean({"issue_key": context.text(node.param("issueKey", ""))})
        )
    if resource == "issue" and operation == "getAll":
        jql = node.option("options", "jql", "")
        return Mapped(
            context.require("jira.search_issues"),
            _clean({"jql": context.value(jql) or "order by created DESC"}),
        )
    raise _unsupported(context, resource, operation)


def notion(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "page", "create")
    if resource == "databasePage" and operation == "create":
        params = {
            "database_id": context.text(node.param("databaseId", "")),
            "title": context.value(node.param("title", "")),
        }
        mapped = Mapped(context.require("notion.create_page"), _clean(params))
        if (node.param("propertiesUi") or {}).get("propertyValues"):
            mapped.partial = "the page's other properties were not imported; set `properties` on the node"
        return mapped
    if resource == "databasePage" and operation == "getAll":
        return Mapped(
            context.require("notion.query_database"),
            _clean({"database_id": context.text(node.param("databaseId", ""))}),
        )
    if resource == "page" and operation == "get":
        return Mapped(
            context.require("notion.get_page"), _clean({"page_id": context.text(node.param("pageId", ""))})
        )
    if resource == "block" and operation == "append":
        blocks = (node.param("blockUi") or {}).get("blockValues") or []
        texts = [block.get("textContent", "") for block in blocks if isinstance(block, dict)]
        if len(texts) != 1:
            raise UnsupportedNodeError("only appending one paragraph can be imported")
        params = {"block_id": context.text(node.param("blockId", "")), "text": context.value(texts[0])}
        return Mapped(context.require("notion.append_paragraph"), _clean(params))
    raise _unsupported(context, resource, operation)


def airtable(context: NodeContext) -> Mapped:
    node = context.node
    operation = str(node.param("operation", "read" if node.version < 2 else "create"))
    base = context.text(node.param("base", node.param("application", node.param("baseId", ""))))
    table = context.text(node.param("table", ""))
    where = {"base_id": base, "table": table}
    if operation in ("create", "append"):
        values = (node.param("columns") or {}).get("value")
        records: Any = [context.value(values)] if isinstance(values, dict) and values else "{{ [$input] }}"
        return Mapped(context.require("airtable.create_records"), _clean({**where, "records": records}))
    if operation in ("update", "upsert") and node.version >= 2:
        values = dict((node.param("columns") or {}).get("value") or {})
        matching = [str(column) for column in (node.param("columns") or {}).get("matchingColumns") or []]
        if not values:
            raise UnsupportedNodeError(
                "an Airtable update that maps input fields automatically cannot be imported"
            )
        record: dict[str, Any] = {}
        if operation == "update" and matching == ["id"] and "id" in values:
            record["id"] = context.text(values.pop("id"))
        record["fields"] = context.value(values)
        params: dict[str, Any] = {**where, "records": [record]}
        if "id" not in record:
            params["merge_on"] = matching[:3]
        return Mapped(context.require("airtable.update_records"), _clean(params))
    if operation in ("search", "list"):
        formula = node.param("filterByFormula", node.option("additionalOptions", "filterByFormula", ""))
        return Mapped(
            context.require("airtable.list_records"),
            _clean({**where, "filter_by_formula": context.value(formula)}),
        )
    if operation in ("get", "read"):
        return Mapped(
            context.require("airtable.get_record"),
            _clean({**where, "record_id": context.text(node.param("id", ""))}),
        )
    raise _unsupported(context, "record", operation)


# --- Payments and CRM ---------------------------------------------------------------------------


def stripe(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "balance", "get")
    extra = node.param("additionalFields") or {}
    if resource == "customer" and operation == "create":
        params = {
            "name": context.value(node.param("name", "")),
            "email": context.value(extra.get("email", "")),
            "description": context.value(extra.get("description", "")),
            "phone": context.value(extra.get("phone", "")),
        }
        return Mapped(context.require("stripe.create_customer"), _clean(params))
    if resource == "customer" and operation == "get":
        return Mapped(
            context.require("stripe.get_customer"),
            _clean({"customer_id": context.text(node.param("customerId", ""))}),
        )
    if resource == "customer" and operation == "getAll":
        return Mapped(context.require("stripe.list_customers"), {})
    raise _unsupported(context, resource, operation)


def hubspot(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "deal", "create")
    extra = node.param("additionalFields") or {}
    if resource == "contact" and operation == "upsert":
        params = {
            "email": context.value(node.param("email", "")),
            "firstname": context.value(extra.get("firstName", "")),
            "lastname": context.value(extra.get("lastName", "")),
            "phone": context.value(extra.get("phoneNumber", "")),
            "company": context.value(extra.get("companyName", "")),
            "if_exists": "update",
        }
        return Mapped(context.require("hubspot.create_contact"), _clean(params))
    if resource == "contact" and operation == "get":
        return Mapped(
            context.require("hubspot.get_contact"),
            _clean({"object_id": context.text(node.param("contactId", ""))}),
        )
    if resource == "deal" and operation == "create":
        params = {
            "dealname": context.value(extra.get("dealName", "")),
            "dealstage": context.text(node.param("stage", "")),
            "amount": context.value(extra.get("amount", "")),
        }
        return Mapped(context.require("hubspot.create_deal"), _clean(params))
    raise _unsupported(context, resource, operation)


# --- Databases ------------------------------------------------------------------------------------


def _sql(action_prefix: str) -> Mapper:
    def mapper(context: NodeContext) -> Mapped:
        node = context.node
        operation = str(node.param("operation", "insert" if node.version >= 2 else "executeQuery"))
        if operation == "executeQuery":
            mapped = Mapped(
                context.require(f"{action_prefix}.query"),
                {"sql": context.value(node.param("query", ""))},
                output="{{ $input.rows }}",
            )
            if node.option("options", "queryReplacement"):
                mapped.partial = "n8n's query parameters ($1, …) were not imported; set `params` on the node"
            return mapped
        if operation == "insert":
            table = context.text(node.param("table", ""))
            values = (
                (node.param("columns") or {}).get("value")
                if isinstance(node.param("columns"), dict)
                else None
            )
            rows: Any = [context.value(values)] if isinstance(values, dict) and values else "{{ [$input] }}"
            return Mapped(
                context.require(f"{action_prefix}.insert_rows"), _clean({"table": table, "rows": rows})
            )
        raise _unsupported(context, "database", operation)

    return mapper


def redis(context: NodeContext) -> Mapped:
    node = context.node
    operation = str(node.param("operation", "info"))
    key = context.text(node.param("key", ""))
    if operation == "get":
        field = str(node.param("propertyName", "propertyName"))
        return Mapped(
            context.require("redis.get"), _clean({"key": key}), output={field: "{{ $input.value }}"}
        )
    if operation == "set":
        params = {"key": key, "value": context.value(node.param("value", ""))}
        if node.param("expire") and isinstance(node.param("ttl"), int):
            params["ttl_seconds"] = node.param("ttl")
        return Mapped(context.require("redis.set"), _clean(params))
    if operation == "delete":
        return Mapped(context.require("redis.delete"), {"keys": [key]})
    if operation == "incr":
        return Mapped(context.require("redis.incr"), _clean({"key": key}))
    if operation == "publish":
        params = {
            "channel": context.text(node.param("channel", "")),
            "message": context.value(node.param("messageData", "")),
        }
        return Mapped(context.require("redis.publish"), _clean(params))
    raise _unsupported(context, "redis", operation)


# --- AWS (service integrations) ---------------------------------------------------------------------


def aws_sqs(context: NodeContext) -> Mapped:
    node = context.node
    body = (
        "{{ $string($input) }}"
        if node.param("sendInputData", True)
        else context.value(node.param("message", ""))
    )
    return Mapped(
        "aws.sqs.send_message", {"QueueUrl": context.text(node.param("queue", "")), "MessageBody": body}
    )


def aws_sns(context: NodeContext) -> Mapped:
    node = context.node
    params = {
        "TopicArn": context.text(node.param("topic", "")),
        "Message": context.value(node.param("message", "")),
        "Subject": context.value(node.param("subject", "")),
    }
    return Mapped("aws.sns.publish", _clean(params))


def aws_s3(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "file", "download")
    where = {
        "Bucket": context.text(node.param("bucketName", "")),
        "Key": context.value(node.param("fileKey", node.param("fileName", ""))),
    }
    if resource == "file" and operation == "download":
        return Mapped("aws.s3.get_object", where)
    if resource == "file" and operation == "upload" and not node.param("binaryData", True):
        return Mapped("aws.s3.put_object", {**where, "Body": context.value(node.param("fileContent", ""))})
    raise _unsupported(context, resource, operation)


def aws_ses(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "email", "send")
    if resource != "email" or operation != "send":
        raise _unsupported(context, resource, operation)
    body_kind = "Html" if node.param("isBodyHtml") else "Text"
    params = {
        "FromEmailAddress": context.text(node.param("fromEmail", "")),
        "Destination": {
            "ToAddresses": [context.text(address) for address in node.param("toAddresses") or []]
        },
        "Content": {
            "Simple": {
                "Subject": {"Data": context.value(node.param("subject", ""))},
                "Body": {body_kind: {"Data": context.value(node.param("body", ""))}},
            }
        },
    }
    return Mapped("aws.ses.send_email", params)


# --- AI ---------------------------------------------------------------------------------------------


def _model_of(context: NodeContext) -> tuple[str, dict[str, Any]]:
    """The model name and options of the language model attached to an AI node."""
    models = context.attached("ai_languageModel")
    if not models:
        raise UnsupportedNodeError("no language model is attached")
    model = models[0]
    name = locator(model.param("model", model.param("modelName", model.param("modelId", ""))))
    if not isinstance(name, str) or not name or name.startswith("="):
        name = "gpt-4o-mini" if "OpenAi" in model.type else model.short_type
    options = model.param("options") or {}
    params: dict[str, Any] = {}
    if isinstance(options.get("temperature"), int | float):
        params["temperature"] = options["temperature"]
    tokens = options.get("maxTokens", options.get("maxTokensToSample"))
    if isinstance(tokens, int) and tokens > 0:
        params["max_tokens"] = tokens
    return name.removeprefix("models/"), params


def _prompt(context: NodeContext) -> Any:
    node = context.node
    if node.param("promptType", node.param("prompt", "auto")) == "define" or node.param("text"):
        return context.value(node.param("text", ""))
    return context.value("={{ $json.chatInput }}")


def chain_llm(context: NodeContext) -> Mapped:
    node = context.node
    model, options = _model_of(context)
    system = [
        message.get("message", "")
        for message in (node.param("messages") or {}).get("messageValues") or []
        if isinstance(message, dict)
        and message.get("type", "SystemMessagePromptTemplate") == "SystemMessagePromptTemplate"
    ]
    params: dict[str, Any] = {"model": model, "prompt": _prompt(context), **options}
    if system:
        params["system"] = context.value("\n".join(str(s) for s in system))
    parsers = context.attached("ai_outputParser")
    if parsers:
        schema = _parser_schema(parsers[0])
        if schema is None:
            raise UnsupportedNodeError(f"the output parser '{parsers[0].name}' has no JSON Schema to import")
        params["json_schema"] = schema
        return Mapped(
            context.require("llm.structured_output"), _clean(params), output={"output": "{{ $input.data }}"}
        )
    return Mapped(context.require("llm.chat"), _clean(params), output={"text": "{{ $input.content }}"})


def _parser_schema(parser: Any) -> dict[str, Any] | None:
    if not parser.type.endswith("outputParserStructured"):
        return None
    if parser.param("schemaType") == "manual" or parser.param("inputSchema"):
        try:
            schema = json.loads(str(parser.param("inputSchema", "")))
        except ValueError:
            return None
        return schema if isinstance(schema, dict) else None
    try:
        example = json.loads(str(parser.param("jsonSchemaExample", "")))
    except ValueError:
        return None
    return _schema_from_example(example)


def _schema_from_example(example: Any) -> dict[str, Any]:
    if isinstance(example, dict):
        return {
            "type": "object",
            "properties": {key: _schema_from_example(value) for key, value in example.items()},
            "required": list(example),
        }
    if isinstance(example, list):
        return {"type": "array", "items": _schema_from_example(example[0]) if example else {}}
    if isinstance(example, bool):
        return {"type": "boolean"}
    if isinstance(example, int | float):
        return {"type": "number"}
    return {"type": "string"}


def agent(context: NodeContext) -> Mapped:
    if context.attached("ai_tool"):
        names = ", ".join(tool.name for tool in context.attached("ai_tool"))
        raise UnsupportedNodeError(f"an AI agent with tools ({names}) has no WFAIB equivalent yet")
    node = context.node
    model, options = _model_of(context)
    params: dict[str, Any] = {"model": model, "prompt": _prompt(context), **options}
    system = node.option("options", "systemMessage")
    if system:
        params["system"] = context.value(system)
    mapped = Mapped(context.require("llm.chat"), _clean(params), output={"output": "{{ $input.content }}"})
    if context.attached("ai_memory"):
        mapped.partial = (
            "the agent's conversation memory was not imported; each run starts a new conversation"
        )
    return mapped


def openai_langchain(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "text", "message")
    if resource == "image" and operation == "analyze":
        return _analyze_image(context)
    if resource != "text" or operation != "message":
        raise _unsupported(context, resource, operation)
    messages = []
    for message in (node.param("messages") or {}).get("values") or []:
        if isinstance(message, dict):
            messages.append(
                {"role": message.get("role", "user"), "content": context.value(message.get("content", ""))}
            )
    params: dict[str, Any] = {
        "model": str(locator(node.param("modelId", "gpt-4o-mini"))),
        "messages": messages,
    }
    options = node.param("options") or {}
    if isinstance(options.get("temperature"), int | float):
        params["temperature"] = options["temperature"]
    if isinstance(options.get("maxTokens"), int) and options["maxTokens"] > 0:
        params["max_tokens"] = options["maxTokens"]
    if context.attached("ai_tool"):
        raise UnsupportedNodeError("OpenAI tools attached to the message node have no WFAIB equivalent yet")
    content = "{{ $parse($input.content) }}" if options.get("jsonOutput") else "{{ $input.content }}"
    output = {"message": {"role": "assistant", "content": content}}
    return Mapped(context.require("llm.chat"), _clean(params), output=output)


def _analyze_image(context: NodeContext) -> Mapped:
    """OpenAI's *Analyze image* (by URL) is a chat message whose content holds the image parts."""
    node = context.node
    if node.param("inputType", "url") != "url":
        raise UnsupportedNodeError("analyzing an image from n8n binary data has no WFAIB equivalent")
    urls = _emails(context, node.param("imageUrls", ""))
    if not urls:
        raise UnsupportedNodeError("no image URL is given")
    content: list[dict[str, Any]] = [
        {"type": "text", "text": context.value(node.param("text", "What's in this image?"))}
    ]
    content.extend({"type": "image_url", "image_url": {"url": url}} for url in urls)
    params: dict[str, Any] = {
        "model": str(locator(node.param("modelId", "gpt-4o"))),
        "messages": [{"role": "user", "content": content}],
    }
    tokens = node.option("options", "maxTokens")
    if isinstance(tokens, int) and tokens > 0:
        params["max_tokens"] = tokens
    return Mapped(context.require("llm.chat"), params)


def openai_base(context: NodeContext) -> Mapped:
    node = context.node
    resource, operation = _operation(context, "text", "complete")
    options = node.param("options") or {}
    params: dict[str, Any] = {
        "model": str(locator(node.param("model", node.param("chatModel", "gpt-3.5-turbo"))))
    }
    if resource == "chat" and operation == "complete":
        params["messages"] = [
            {"role": message.get("role", "user"), "content": context.value(message.get("content", ""))}
            for message in (node.param("prompt") or {}).get("messages") or []
            if isinstance(message, dict)
        ]
    elif resource == "text" and operation == "complete":
        params["prompt"] = context.value(node.param("prompt", ""))
    else:
        raise _unsupported(context, resource, operation)
    if isinstance(options, dict) and isinstance(options.get("temperature"), int | float):
        params["temperature"] = options["temperature"]
    if isinstance(options, dict) and isinstance(options.get("maxTokens"), int) and options["maxTokens"] > 0:
        params["max_tokens"] = options["maxTokens"]
    if resource == "chat":
        output: Any = {"message": {"role": "assistant", "content": "{{ $input.content }}"}}
    else:
        output = {"text": "{{ $input.content }}"}
    return Mapped(context.require("llm.chat"), _clean(params), output=output)


APP_MAPPERS: dict[str, Mapper] = {
    "n8n-nodes-base.httpRequest": http_request,
    "n8n-nodes-base.slack": slack,
    "n8n-nodes-base.telegram": telegram,
    "n8n-nodes-base.discord": discord,
    "n8n-nodes-base.microsoftTeams": teams,
    "n8n-nodes-base.twilio": twilio,
    "n8n-nodes-base.emailSend": email_send,
    "n8n-nodes-base.sendGrid": sendgrid,
    "n8n-nodes-base.github": github,
    "n8n-nodes-base.jira": jira,
    "n8n-nodes-base.notion": notion,
    "n8n-nodes-base.airtable": airtable,
    "n8n-nodes-base.stripe": stripe,
    "n8n-nodes-base.hubspot": hubspot,
    "n8n-nodes-base.postgres": _sql("postgres"),
    "n8n-nodes-base.mySql": _sql("mysql"),
    "n8n-nodes-base.redis": redis,
    "n8n-nodes-base.awsSqs": aws_sqs,
    "n8n-nodes-base.awsSns": aws_sns,
    "n8n-nodes-base.awsS3": aws_s3,
    "n8n-nodes-base.awsSes": aws_ses,
    "n8n-nodes-base.openAi": openai_base,
    "@n8n/n8n-nodes-langchain.openAi": openai_langchain,
    "@n8n/n8n-nodes-langchain.chainLlm": chain_llm,
    "@n8n/n8n-nodes-langchain.agent": agent,
}
