"""Reading synthesized CloudFormation templates in tests: resources by type, IAM statements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["as_list", "iam_statements", "render", "resources_of", "role_statements"]


def resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical id -> resource, for one CloudFormation type."""
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == resource_type}


def render(value: Any) -> str:
    """A resource string with intrinsics as ``${...}`` placeholders, e.g. ``arn:${AWS::Partition}:...``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((function, argument),) = value.items()
        if function == "Ref":
            return "${" + argument + "}"
        if function == "Fn::GetAtt":
            return "${" + ".".join(argument) + "}"
        if function == "Fn::ImportValue":
            return "${import:" + render(argument) + "}"
        if function == "Fn::Sub":
            return argument if isinstance(argument, str) else argument[0]
        if function == "Fn::Join":
            separator, parts = argument
            return separator.join(render(part) for part in parts)
    raise AssertionError(f"cannot render {value!r}")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def iam_statements(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(logical id, statement) of every policy statement in a template, inline or attached."""
    for lid, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for statement in properties["PolicyDocument"]["Statement"]:
                yield lid, statement
        if resource["Type"] == "AWS::IAM::Role":
            for policy in properties.get("Policies", []):
                for statement in policy["PolicyDocument"]["Statement"]:
                    yield lid, statement


def role_statements(template: dict[str, Any], role_logical_id: str) -> list[dict[str, Any]]:
    """Every statement granted to one role (its inline policies and the policies attached to it)."""
    statements = []
    for lid, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role_logical_id} in properties.get("Roles", []):
            statements.extend(properties["PolicyDocument"]["Statement"])
        if lid == role_logical_id:
            for policy in properties.get("Policies", []):
                statements.extend(policy["PolicyDocument"]["Statement"])
    return statements
