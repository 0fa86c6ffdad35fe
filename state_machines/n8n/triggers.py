"""n8n trigger nodes → the one WFAIB trigger (webhook, schedule, manual, sub-workflow).

n8n's app triggers have no WFAIB twin: services that push (Telegram, Typeform, forms, chat)
become a webhook, services n8n polls (Gmail, Google Drive, IMAP, RSS) become a schedule; both
are reported so the user knows what to wire up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from state_machines.n8n.nodes import N8nNode

__all__ = ["TriggerResult", "convert_trigger", "is_trigger"]

_NATIVE = {
    "n8n-nodes-base.manualTrigger",
    "n8n-nodes-base.start",
    "n8n-nodes-base.webhook",
    "n8n-nodes-base.scheduleTrigger",
    "n8n-nodes-base.cron",
    "n8n-nodes-base.interval",
    "n8n-nodes-base.executeWorkflowTrigger",
}
_POLLING = {
    "n8n-nodes-base.emailReadImap",
    "n8n-nodes-base.rssFeedReadTrigger",
    "n8n-nodes-base.gmailTrigger",
    "n8n-nodes-base.googleDriveTrigger",
    "n8n-nodes-base.googleSheetsTrigger",
    "n8n-nodes-base.localFileTrigger",
    "n8n-nodes-base.microsoftOutlookTrigger",
    "n8n-nodes-base.notionTrigger",
    "n8n-nodes-base.airtableTrigger",
}
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


@dataclass
class TriggerResult:
    """The WFAIB trigger, whether it does the n8n trigger's job, and why not."""

    trigger: dict[str, Any]
    native: bool = True
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    is_webhook: bool = False


def is_trigger(node: N8nNode) -> bool:
    """True for nodes that start an n8n workflow."""
    return (
        node.type in _NATIVE
        or node.type in _POLLING
        or node.short_type.lower().endswith("trigger")
        or node.type == "n8n-nodes-base.errorTrigger"
    )


def convert_trigger(node: N8nNode | None, timezone: str) -> TriggerResult:
    """The WFAIB trigger for ``node`` (a manual trigger when the workflow has none)."""
    if node is None:
        return TriggerResult({"type": "manual"})
    kind = node.type
    if kind in ("n8n-nodes-base.manualTrigger", "n8n-nodes-base.start"):
        return TriggerResult({"type": "manual"})
    if kind == "n8n-nodes-base.webhook":
        return _webhook(node)
    if kind == "n8n-nodes-base.executeWorkflowTrigger":
        return TriggerResult({"type": "sub_workflow"})
    if kind in ("n8n-nodes-base.scheduleTrigger", "n8n-nodes-base.cron", "n8n-nodes-base.interval"):
        expression, problem = _schedule(node)
        result = TriggerResult({"type": "schedule", "expression": expression, "timezone": timezone})
        if problem:
            result.native, result.reason = False, problem
        return result
    if kind == "n8n-nodes-base.errorTrigger":
        return TriggerResult(
            {"type": "manual"},
            native=False,
            reason="an n8n error workflow: in WFAIB, add a logic.error_handler node to the workflow that fails",
        )
    service = re.sub(r"(?i)trigger$", "", node.short_type) or node.short_type
    if kind in _POLLING:
        minutes = _poll_minutes(node)
        return TriggerResult(
            {"type": "schedule", "expression": _rate(minutes), "timezone": timezone},
            native=False,
            reason=f"n8n polled {service} for new items; the schedule stands in — add a step that fetches them",
        )
    path = re.sub(r"[^A-Za-z0-9_\-/]+", "-", service).strip("-/") or "hook"
    reason = {
        "chatTrigger": "n8n's hosted chat has no WFAIB equivalent; post {chatInput, sessionId} to the webhook",
        "manualChatTrigger": "n8n's chat window has no WFAIB equivalent; post {chatInput} to the webhook",
        "formTrigger": "n8n's hosted form has no WFAIB equivalent; post the form fields as JSON to the webhook",
    }.get(node.short_type, f"register this workflow's webhook URL with {service} so it posts its events")
    return TriggerResult({"type": "webhook", "path": path, "method": "POST"}, native=False, reason=reason)


def _webhook(node: N8nNode) -> TriggerResult:
    path = re.sub(r"[^A-Za-z0-9_\-/]+", "-", str(node.param("path", ""))).strip("-")
    method = str(node.param("httpMethod", "GET")).upper()
    notes = []
    if method not in ("POST", "PUT", "GET"):
        notes.append(f"the webhook accepted {method}; WFAIB webhooks take POST, PUT or GET — POST is used")
        method = "POST"
    mode = node.param("responseMode", "onReceived")
    trigger: dict[str, Any] = {"type": "webhook", "path": path, "method": method}
    if mode in ("lastNode", "responseNode"):
        trigger["response_mode"] = "last_node"
    return TriggerResult(trigger, notes=notes, is_webhook=True)


def _rate(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return f"rate({days} day{'s' if days > 1 else ''})"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"rate({hours} hour{'s' if hours > 1 else ''})"
    return f"rate({minutes} minute{'s' if minutes > 1 else ''})"


def _poll_minutes(node: N8nNode) -> int:
    items = (node.param("pollTimes") or {}).get("item") or []
    first = items[0] if items and isinstance(items[0], dict) else {}
    mode = first.get("mode", "everyMinute")
    if mode == "everyHour":
        return 60
    if mode == "everyX":
        value = int(first.get("value", 1) or 1)
        return value * (60 if first.get("unit") == "hours" else 1)
    if mode in ("everyDay", "everyWeek", "everyMonth"):
        return 1440
    return 1


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _schedule(node: N8nNode) -> tuple[str, str]:
    """An EventBridge Scheduler expression, and what could not be carried over ("" if nothing)."""
    if node.type == "n8n-nodes-base.interval":
        amount = max(1, _int(node.param("interval", 1), 1))
        unit = node.param("unit", "seconds")
        minutes = amount * {"hours": 60, "days": 1440}.get(str(unit), 1)
        if unit == "seconds":
            return "rate(1 minute)", "" if amount >= 60 else "schedules run at most once a minute"
        return _rate(minutes), ""
    if node.type == "n8n-nodes-base.cron":
        items = (node.param("triggerTimes") or {}).get("item") or [{}]
        problem = "only the first of several trigger times was imported" if len(items) > 1 else ""
        return _cron_item(items[0] if isinstance(items[0], dict) else {}), problem
    rules = (node.param("rule") or {}).get("interval") or [{}]
    problem = "only the first of several schedule rules was imported" if len(rules) > 1 else ""
    rule = rules[0] if isinstance(rules[0], dict) else {}
    field_name = rule.get("field", "days")
    minute = _int(rule.get("triggerAtMinute", 0), 0)
    hour = _int(rule.get("triggerAtHour", 0), 0)
    if field_name == "seconds":
        return "rate(1 minute)", "schedules run at most once a minute"
    if field_name == "minutes":
        return _rate(max(1, _int(rule.get("minutesInterval", 5), 5))), problem
    if field_name == "hours":
        every = max(1, _int(rule.get("hoursInterval", 1), 1))
        return f"cron({minute} {'*' if every == 1 else f'*/{every}'} * * ? *)", problem
    if field_name == "weeks":
        days = rule.get("triggerAtDay") or [0]
        names = ",".join(_DAYS[_int(day, 0) % 7] for day in days)
        every = _int(rule.get("weeksInterval", 1), 1)
        if every > 1:
            problem = problem or f"every {every} weeks became every week"
        return f"cron({minute} {hour} ? * {names} *)", problem
    if field_name == "months":
        day = _int(rule.get("triggerAtDayOfMonth", 1), 1)
        every = max(1, _int(rule.get("monthsInterval", 1), 1))
        return f"cron({minute} {hour} {day} {'*' if every == 1 else f'1/{every}'} ? *)", problem
    if field_name == "cronExpression":
        converted = _unix_cron(str(rule.get("expression", "")))
        if converted is None:
            return "rate(1 day)", f"the cron expression '{rule.get('expression')}' could not be converted"
        return converted, problem
    every = max(1, _int(rule.get("daysInterval", 1), 1))
    return f"cron({minute} {hour} {'*' if every == 1 else f'*/{every}'} * ? *)", problem


def _cron_item(item: dict[str, Any]) -> str:
    mode = item.get("mode", "everyDay")
    minute, hour = _int(item.get("minute", 0), 0), _int(item.get("hour", 14), 14)
    if mode == "everyMinute":
        return "rate(1 minute)"
    if mode == "everyHour":
        return f"cron({minute} * * * ? *)"
    if mode == "everyWeek":
        return f"cron({minute} {hour} ? * {_DAYS[_int(item.get('weekday', 1), 1) % 7]} *)"
    if mode == "everyMonth":
        return f"cron({minute} {hour} {_int(item.get('dayOfMonth', 1), 1)} * ? *)"
    if mode == "everyX":
        value = max(1, _int(item.get("value", 1), 1))
        return _rate(value * (60 if item.get("unit") == "hours" else 1))
    if mode == "custom":
        return _unix_cron(str(item.get("cronExpression", ""))) or "rate(1 day)"
    return f"cron({minute} {hour} * * ? *)"


def _unix_cron(expression: str) -> str | None:
    """``0 8 * * 1-5`` (or with seconds first) → ``cron(0 8 ? * 2-6 *)``; None when it cannot be."""
    fields = expression.split()
    if len(fields) == 6:
        fields = fields[1:]
    if len(fields) != 5:
        return None
    minute, hour, day, month, weekday = fields
    if weekday != "*":
        weekday = re.sub(r"\d", lambda m: str(int(m.group()) % 7 + 1), weekday)
    if day != "*" and weekday != "*":
        return None
    if weekday == "*":
        weekday = "?"
    else:
        day = "?"
    return f"cron({minute} {hour} {day} {month} {weekday} *)"
