"""n8n expressions (JavaScript inside ``={{ … }}``) → WFAIB ``{{ JSONata }}`` templates.

n8n evaluates JavaScript with helpers (``$json``, ``$('Node').item.json``, ``$node["Node"].json``);
WFAIB evaluates JSONata. No library translates one into the other, so this module parses the
small, common subset of JavaScript that n8n workflows use in parameters — property paths,
literals, comparisons, ``&&``/``||``/``!``, ``+``, the ternary, a few well-known methods
(``toLowerCase``, ``includes``, ``join``, ``JSON.stringify``, …) — with a Pratt parser and writes
the equivalent JSONata. Anything outside that subset raises ``UntranslatableError``; the
converter then keeps the original text in the report and leaves a visible marker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from state_machines.model.expressions import jsonata_syntax_error
from state_machines.n8n.dates import date_chain

__all__ = [
    "ExpressionContext",
    "UntranslatableError",
    "is_expression",
    "marker",
    "to_jsonata",
    "translate_string",
    "translate_value",
]

MARKER_PREFIX = "[n8n expression not translated]"


class UntranslatableError(ValueError):
    """The expression uses JavaScript this translator does not know; ``str()`` says what."""


@dataclass(frozen=True)
class ExpressionContext:
    """What names mean for one node's expressions.

    ``references`` maps n8n node names to the JSONata they become (``$fetch_order`` or
    ``$trigger``); ``item`` is what ``$json`` becomes (``$input``, or ``$item`` in a filter);
    ``webhook_names`` are n8n webhook triggers, whose output ``{body, headers, query}`` is
    only ``body`` in WFAIB; ``input_is_webhook`` says the node's input is such a trigger's output.
    """

    references: Mapping[str, str] = field(default_factory=dict)
    item: str = "$input"
    webhook_names: frozenset[str] = frozenset()
    input_is_webhook: bool = False


def is_expression(value: Any) -> bool:
    """True for an n8n expression string (``"={{ $json.x }}"``, ``"=Hi {{ $json.name }}"``)."""
    return isinstance(value, str) and value.startswith("=")


def marker(original: str) -> str:
    """A visible literal standing in for an expression that could not be translated.

    Braces are spaced out so the marker is plain text, not a WFAIB expression.
    """
    text = original.removeprefix("=").replace("{{", "{ {").replace("}}", "} }")
    return f"{MARKER_PREFIX} {text}"


def translate_string(value: str, context: ExpressionContext) -> Any:
    """One n8n parameter string → the WFAIB value (a template string, or the literal itself).

    Example:
        >>> ctx = ExpressionContext(references={"Fetch": "$fetch"})
        >>> translate_string("=Hi {{ $json.name }}, {{ $('Fetch').item.json.total }}", ctx)
        'Hi {{ $input.name }}, {{ $fetch.total }}'
    """
    if not value.startswith("="):
        return _literal(value)
    parts = []
    for text, is_expression in _split_template(value[1:]):
        parts.append("{{ " + to_jsonata(text, context) + " }}" if is_expression else _literal(text))
    return "".join(parts)


def _literal(text: str) -> str:
    """Literal text; as a JSONata string when it holds braces WFAIB would read as an expression."""
    return "{{ " + _jsonata_string(text) + " }}" if "{{" in text or "}}" in text else text


def _split_template(body: str) -> list[tuple[str, bool]]:
    """n8n's ``text {{ js }} text`` as (piece, is_expression) pairs.

    A scan rather than a regex: the JavaScript inside may itself hold ``}}`` (nested object
    literals) or braces inside strings, and only the ``}}`` at brace depth zero ends it.
    """
    parts: list[tuple[str, bool]] = []
    position = 0
    while True:
        start = body.find("{{", position)
        if start < 0:
            break
        end = _expression_end(body, start + 2)
        if end < 0:
            raise UntranslatableError("an expression's '{{' is never closed")
        if start > position:
            parts.append((body[position:start], False))
        parts.append((body[start + 2 : end], True))
        position = end + 2
    if position < len(body):
        parts.append((body[position:], False))
    return parts


def _expression_end(body: str, index: int) -> int:
    depth, quote = 0, ""
    while index < len(body):
        char = body[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and body.startswith("}}", index):
                return index
            depth = max(0, depth - 1)
        index += 1
    return -1


def translate_value(value: Any, context: ExpressionContext, untranslated: list[str]) -> Any:
    """Translate every string inside ``value`` (dicts and lists walked); failures become markers.

    Each failure appends ``"<original> (<why>)"`` to ``untranslated``.
    """
    if isinstance(value, str):
        try:
            return translate_string(value, context)
        except UntranslatableError as exc:
            untranslated.append(f"{value} ({exc})")
            return marker(value)
    if isinstance(value, dict):
        return {key: translate_value(item, context, untranslated) for key, item in value.items()}
    if isinstance(value, list):
        return [translate_value(item, context, untranslated) for item in value]
    return value


def to_jsonata(source: str, context: ExpressionContext) -> str:
    """The JSONata equal to one n8n JavaScript expression (the inside of ``{{ }}``).

    Example:
        >>> to_jsonata("$json.total > 100 && $json.paid === true", ExpressionContext())
        '(($input.total > 100) and $input.paid = true)'
    """
    try:
        parser = _Parser(_tokenize(source))
        tree = parser.parse_expression(0)
        parser.expect_end()
        result = _Emitter(context).emit(tree)
    except RecursionError as exc:
        raise UntranslatableError("the expression is nested too deeply") from exc
    error = jsonata_syntax_error(result)
    if error:
        raise UntranslatableError(f"the translation is not JSONata: {error}")
    return result


# ---------------------------------------------------------------------------------------------
# Tokens

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<template>`(?:[^`\\]|\\.)*`)
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<op>===|!==|==|!=|<=|>=|&&|\|\||\?\?|\?\.|=>|[-+*/%<>!?:.,()\[\]{}])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str


_REGEX = re.compile(r"/((?:[^/\\\n\[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+)/([a-z]*)")
_BEFORE_OPERAND = frozenset(
    {"(", ",", "=", ":", "[", "!", "&&", "||", "?", "{", "==", "===", "!=", "!==", "=>"}
)


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        # A '/' where an operand is expected starts a regular expression literal, not a division.
        if source[position] == "/" and (
            not tokens or (tokens[-1].kind == "op" and tokens[-1].text in _BEFORE_OPERAND)
        ):
            regex = _REGEX.match(source, position)
            if regex is None:
                raise UntranslatableError("unterminated regular expression")
            tokens.append(_Token("regex", regex.group()))
            position = regex.end()
            continue
        match = _TOKEN.match(source, position)
        if match is None:
            raise UntranslatableError(f"unexpected character {source[position]!r}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group()))
        position = match.end()
    return tokens


def _js_string(text: str) -> str:
    """The value of a JavaScript string literal (quotes and escapes removed)."""
    inner = text[1:-1]
    if "\\" not in inner:
        return inner
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "`": "`", "/": "/"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), inner)


# ---------------------------------------------------------------------------------------------
# Parse tree: tuples, tagged by their first item

Tree = tuple[Any, ...]

_BINARY = {
    "??": 1,
    "||": 2,
    "&&": 3,
    "===": 5,
    "!==": 5,
    "==": 5,
    "!=": 5,
    "<": 6,
    ">": 6,
    "<=": 6,
    ">=": 6,
    "+": 7,
    "-": 7,
    "*": 8,
    "/": 8,
    "%": 8,
}


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def next(self) -> _Token:
        token = self.peek()
        if token is None:
            raise UntranslatableError("the expression ends too early")
        self.position += 1
        return token

    def accept(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text == text:
            self.position += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            found = self.peek()
            raise UntranslatableError(f"expected {text!r}, found {found.text if found else 'the end'!r}")

    def expect_end(self) -> None:
        token = self.peek()
        if token is not None:
            raise UntranslatableError(f"unsupported JavaScript near {token.text!r}")

    def parse_expression(self, min_precedence: int) -> Tree:
        left = self.parse_unary()
        while True:
            token = self.peek()
            if token is None or token.kind != "op":
                return left
            if token.text == "?" and min_precedence == 0:
                self.position += 1
                then = self.parse_expression(0)
                self.expect(":")
                otherwise = self.parse_expression(0)
                left = ("cond", left, then, otherwise)
                continue
            precedence = _BINARY.get(token.text)
            if precedence is None or precedence <= min_precedence:
                return left
            self.position += 1
            right = self.parse_expression(precedence)
            left = ("binary", token.text, left, right)

    def parse_unary(self) -> Tree:
        if self.accept("!"):
            return ("not", self.parse_unary())
        if self.accept("-"):
            return ("neg", self.parse_unary())
        if self.accept("+"):
            return ("call", ("name", "Number"), [self.parse_unary()])
        return self.parse_postfix(self.parse_primary())

    def parse_primary(self) -> Tree:
        token = self.next()
        if token.kind == "number":
            return ("num", token.text)
        if token.kind == "string":
            return ("str", _js_string(token.text))
        if token.kind == "template":
            return self.template(token.text[1:-1])
        if token.kind == "regex":
            pattern, _, flags = token.text[1:].rpartition("/")
            return ("regex", pattern, flags)
        if token.kind == "name":
            if token.text == "new":
                callee = self.next()
                if callee.text == "Date" and self.accept("("):
                    self.expect(")")
                    return ("now",)
                raise UntranslatableError(f"'new {callee.text}' is not supported")
            return ("name", token.text)
        if token.text == "(":
            inner = self.parse_expression(0)
            self.expect(")")
            return inner
        if token.text == "{":
            return self.object_literal()
        if token.text == "[":
            items: list[Tree] = []
            while not self.accept("]"):
                items.append(self.parse_expression(0))
                if not self.accept(","):
                    self.expect("]")
                    break
            return ("array", items)
        raise UntranslatableError(f"unsupported JavaScript near {token.text!r}")

    def object_literal(self) -> Tree:
        pairs: list[tuple[str, Tree]] = []
        while not self.accept("}"):
            key = self.next()
            if key.kind not in ("name", "string", "number"):
                raise UntranslatableError(f"unsupported object key {key.text!r}")
            self.expect(":")
            pairs.append(
                (_js_string(key.text) if key.kind == "string" else key.text, self.parse_expression(0))
            )
            if not self.accept(","):
                self.expect("}")
                break
        return ("object", pairs)

    def template(self, raw: str) -> Tree:
        parts: list[Tree] = []
        position = 0
        while True:
            start = raw.find("${", position)
            if start < 0:
                break
            end = raw.find("}", start)
            if end < 0:
                raise UntranslatableError("unterminated ${ in a template literal")
            if start > position:
                parts.append(("str", _js_string("`" + raw[position:start] + "`")))
            inner = _Parser(_tokenize(raw[start + 2 : end]))
            parts.append(inner.parse_expression(0))
            inner.expect_end()
            position = end + 1
        if position < len(raw):
            parts.append(("str", _js_string("`" + raw[position:] + "`")))
        return ("concat", parts or [("str", "")])

    def parse_postfix(self, tree: Tree) -> Tree:
        while True:
            if self.accept(".") or self.accept("?."):
                token = self.next()
                if token.kind != "name":
                    if token.text == "[":
                        self.position -= 1
                        continue
                    raise UntranslatableError(f"unexpected {token.text!r} after '.'")
                tree = ("member", tree, token.text)
            elif self.accept("["):
                index = self.parse_expression(0)
                self.expect("]")
                tree = ("index", tree, index)
            elif self.accept("("):
                arguments: list[Tree] = []
                while not self.accept(")"):
                    arguments.append(self.parse_expression(0))
                    if not self.accept(","):
                        self.expect(")")
                        break
                tree = ("call", tree, arguments)
            else:
                return tree


# ---------------------------------------------------------------------------------------------
# JSONata

_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BOOLEAN_TAGS = frozenset({"not", "bool"})
_COMPARISONS = frozenset({"===", "!==", "==", "!=", "<", ">", "<=", ">=", "&&", "||"})
_MATH = {"round": "$round", "floor": "$floor", "ceil": "$ceil", "abs": "$abs", "sqrt": "$sqrt"}
_GLOBAL_CALLS = {
    "String": "$string",
    "Number": "$number",
    "parseInt": "$number",
    "parseFloat": "$number",
    "Boolean": "$boolean",
    "encodeURIComponent": "$encodeUrlComponent",
    "encodeURI": "$encodeUrl",
    "decodeURIComponent": "$decodeUrlComponent",
}
_ITEM_ACCESSORS = frozenset({"item", "first", "last", "all"})


def _field(name: str) -> str:
    return name if _SAFE_NAME.match(name) and name not in ("and", "or", "in") else f"`{name}`"


class _Emitter:
    def __init__(self, context: ExpressionContext) -> None:
        self.context = context

    def emit(self, tree: Tree) -> str:
        tag = tree[0]
        handler: Callable[[Tree], str] | None = getattr(self, f"emit_{tag}", None)
        if handler is None:
            raise UntranslatableError(f"unsupported construct ({tag})")
        return handler(tree)

    def emit_num(self, tree: Tree) -> str:
        return str(tree[1])

    def emit_str(self, tree: Tree) -> str:
        return _jsonata_string(str(tree[1]))

    def emit_regex(self, tree: Tree) -> str:
        """JSONata regexes are JavaScript's, with the flags ``i`` and ``m`` (it always replaces all)."""
        _, pattern, flags = tree
        unknown = set(flags) - set("gim")
        if unknown:
            raise UntranslatableError(
                f"the regular expression flags {''.join(sorted(unknown))} are not supported"
            )
        return f"/{pattern}/" + "".join(flag for flag in flags if flag in "im")

    def emit_now(self, tree: Tree) -> str:
        return "$now()"

    def emit_array(self, tree: Tree) -> str:
        return "[" + ", ".join(self.emit(item) for item in tree[1]) + "]"

    def emit_object(self, tree: Tree) -> str:
        pairs = [f"{_jsonata_string(str(key))}: {self.emit(value)}" for key, value in tree[1]]
        inner = ", ".join(pairs)
        return "{" + inner + (" }" if inner.endswith("}") else "}")  # never "}}": it would end the template

    def emit_concat(self, tree: Tree) -> str:
        pieces = [self.emit(part) if part[0] == "str" else f"$string({self.emit(part)})" for part in tree[1]]
        return pieces[0] if len(pieces) == 1 else "(" + " & ".join(pieces) + ")"

    def emit_not(self, tree: Tree) -> str:
        inner = tree[1]
        if inner[0] == "not":
            return f"$boolean({self.emit(inner[1])})"
        return f"$not({self.emit(inner)})"

    def emit_neg(self, tree: Tree) -> str:
        return f"-{self.emit(tree[1])}"

    def emit_cond(self, tree: Tree) -> str:
        return f"({self.emit(tree[1])} ? {self.emit(tree[2])} : {self.emit(tree[3])})"

    def emit_binary(self, tree: Tree) -> str:
        _, op, left, right = tree
        a, b = self.emit(left), self.emit(right)
        if op in ("===", "=="):
            return f"{a} = {b}"
        if op in ("!==", "!="):
            return f"{a} != {b}"
        if op == "&&":
            return f"({a} and {b})"
        if op == "||":
            if _is_boolean(left) or _is_boolean(right):
                return f"({a} or {b})"
            return f"({a} ? {a} : {b})"  # JavaScript's `x || default`
        if op == "??":
            return f"($exists({a}) ? {a} : {b})"
        if op == "+" and (_is_text(left) or _is_text(right)):
            return f"({a} & {b})"
        return f"({a} {op} {b})"

    def emit_name(self, tree: Tree) -> str:
        return self.emit_chain(tree)

    def emit_member(self, tree: Tree) -> str:
        return self.emit_chain(tree)

    def emit_index(self, tree: Tree) -> str:
        return self.emit_chain(tree)

    def emit_call(self, tree: Tree) -> str:
        return self.emit_chain(tree)

    def emit_chain(self, tree: Tree) -> str:
        root, steps = _flatten(tree)
        base, steps = self.root(root, steps)
        return self.steps(base, steps)

    def root(self, root: Tree, steps: list[Tree]) -> tuple[str, list[Tree]]:
        """The JSONata for the start of a path, and the steps left to apply."""
        if (
            root[0] == "regex"
            and len(steps) >= 2
            and steps[0] == ("member", "test")
            and steps[1][0] == "call"
        ):
            arguments = steps[1][1]
            if len(arguments) == 1:
                return f"$contains({self.emit(arguments[0])}, {self.emit(root)})", steps[2:]
        if root[0] != "name":
            return self.emit(root), steps
        name = root[1]
        if name == "$json":
            base = self.context.item
            return self.webhook_body(base, steps, self.context.input_is_webhook)
        if name == "$" and steps and steps[0][0] == "call":
            return self.node_reference(steps[0][1], steps[1:])
        if name == "$node" and steps and steps[0][0] in ("member", "index"):
            step = steps[0]
            target = step[1] if step[0] == "member" else _literal_string(step[2])
            return self.node_reference([("str", target)], steps[1:], legacy=True)
        if name == "$items" and steps and steps[0][0] == "call":
            rest = steps[1:]
            if rest and rest[0][0] == "index" and rest[0][2][0] == "num":
                rest = rest[1:]
            return self.node_reference(steps[0][1], rest, legacy=True)
        if name == "$input":
            rest = _item_steps(steps)
            return self.webhook_body(self.context.item, rest, self.context.input_is_webhook)
        if name in ("$now", "$today", "DateTime"):
            try:
                return date_chain(name, steps, self.emit)
            except ValueError as exc:
                raise UntranslatableError(str(exc)) from None
        if name == "$execution" and steps and steps[0] == ("member", "id"):
            return "$execution.id", steps[1:]
        if name == "JSON" and steps and steps[0][0] == "member" and len(steps) > 1 and steps[1][0] == "call":
            function = {"stringify": "$string", "parse": "$parse"}.get(steps[0][1])
            arguments = steps[1][1]
            if function and arguments:
                return f"{function}({self.emit(arguments[0])})", steps[2:]
        if name == "Math" and steps and steps[0][0] == "member" and len(steps) > 1 and steps[1][0] == "call":
            method, arguments = steps[0][1], steps[1][1]
            if method in _MATH and len(arguments) == 1:
                return f"{_MATH[method]}({self.emit(arguments[0])})", steps[2:]
            if method in ("max", "min") and arguments:
                inner = ", ".join(self.emit(a) for a in arguments)
                return f"${method}([{inner}])", steps[2:]
        if name in _GLOBAL_CALLS and steps and steps[0][0] == "call" and steps[0][1]:
            return f"{_GLOBAL_CALLS[name]}({self.emit(steps[0][1][0])})", steps[1:]
        if name in ("true", "false", "null"):
            return name, steps
        if name == "undefined":
            return "null", steps
        raise UntranslatableError(f"'{name}' is not supported")

    def node_reference(
        self, arguments: list[Tree], steps: list[Tree], legacy: bool = False
    ) -> tuple[str, list[Tree]]:
        if len(arguments) != 1:
            raise UntranslatableError("a node reference takes one node name")
        target = _literal_string(arguments[0])
        reference = self.context.references.get(target)
        if reference is None:
            raise UntranslatableError(f"'{target}' is not a converted node of this workflow")
        rest = steps if legacy else _item_steps(steps)
        if legacy:
            if not rest or rest[0] != ("member", "json"):
                raise UntranslatableError("only .json of another node can be read")
            rest = rest[1:]
        return self.webhook_body(reference, rest, target in self.context.webhook_names)

    def webhook_body(self, base: str, steps: list[Tree], is_webhook: bool) -> tuple[str, list[Tree]]:
        if not is_webhook or not steps:
            return base, steps
        first = steps[0]
        name = first[1] if first[0] == "member" else None
        if first[0] == "index" and first[2][0] == "str":
            name = first[2][1]
        if name == "body":
            return base, steps[1:]
        if name in ("headers", "query", "params"):
            raise UntranslatableError(f"a webhook's {name} are not part of a WFAIB run's input")
        return base, steps

    def steps(self, base: str, steps: list[Tree]) -> str:
        result = base
        index = 0
        while index < len(steps):
            step = steps[index]
            following = steps[index + 1] if index + 1 < len(steps) else None
            if step[0] == "member" and following is not None and following[0] == "call":
                result = self.method(result, step[1], following[1])
                index += 2
                continue
            if step[0] == "member":
                if step[1] == "length":
                    result = f'($type({result}) = "array" ? $count({result}) : $length({result}))'
                else:
                    result = f"{_wrap(result)}.{_field(step[1])}"
            elif step[0] == "index":
                key = step[2]
                if key[0] == "str":
                    result = f"{_wrap(result)}.{_field(key[1])}"
                elif key[0] == "num" and "." not in key[1]:
                    result = f"{_wrap(result)}[{key[1]}]"
                elif key[0] == "neg" and key[1][0] == "num":
                    result = f"{_wrap(result)}[-{key[1][1]}]"
                else:
                    raise UntranslatableError("computed property access is not supported")
            else:
                raise UntranslatableError("calling a value is not supported")
            index += 1
        return result

    def method(self, target: str, name: str, arguments: list[Tree]) -> str:
        args = [self.emit(argument) for argument in arguments]
        simple = {
            "toLowerCase": "$lowercase",
            "toUpperCase": "$uppercase",
            "trim": "$trim",
            "toString": "$string",
            "keys": "$keys",
            # n8n's own extension methods
            "toJsonString": "$string",
            "parseJson": "$parse",
            "urlEncode": "$encodeUrlComponent",
            "urlDecode": "$decodeUrlComponent",
            "toNumber": "$number",
        }
        if name in simple and not args:
            return f"{simple[name]}({target})"
        if name == "first" and not args:
            return f"{_wrap(target)}[0]"
        if name == "last" and not args:
            return f"{_wrap(target)}[-1]"
        if name == "includes" and len(args) == 1:
            return f'($type({target}) = "array" ? {args[0]} in {target} : $contains({target}, {args[0]}))'
        if name == "join" and len(args) <= 1:
            separator = args[0] if args else '","'
            return f"$join({target}, {separator})"
        if name == "split" and len(args) == 1 and arguments[0][0] in ("str", "regex"):
            return f"$split({target}, {args[0]})"
        if name == "startsWith" and len(args) == 1:
            return f"($substring({target}, 0, $length({args[0]})) = {args[0]})"
        if name == "endsWith" and len(args) == 1:
            return f"($substring({target}, -$length({args[0]})) = {args[0]})"
        if name in ("replace", "replaceAll") and len(args) == 2 and arguments[0][0] in ("str", "regex"):
            pattern = arguments[0]
            every = name == "replaceAll" or (pattern[0] == "regex" and "g" in pattern[2])
            return f"$replace({target}, {args[0]}, {args[1]}{'' if every else ', 1'})"
        if name == "toFixed" and len(args) <= 1:
            digits = "0" * int(arguments[0][1]) if args and arguments[0][0] == "num" else ""
            return f'$formatNumber({target}, "0{"." + digits if digits else ""}")'
        if name == "slice" and 1 <= len(args) <= 2 and all(a[0] == "num" for a in arguments):
            start = int(arguments[0][1])
            length = f", {int(arguments[1][1]) - start}" if len(args) == 2 else ""
            return f"$substring({target}, {start}{length})"
        raise UntranslatableError(f"the method .{name}() is not supported")


def _jsonata_string(text: str) -> str:
    """A JSONata string literal that never contains ``{{`` or ``}}`` (they would end the template)."""
    return json.dumps(text, ensure_ascii=False).replace("{{", "{\\u007b").replace("}}", "}\\u007d")


def _flatten(tree: Tree) -> tuple[Tree, list[Tree]]:
    """A chain ``a.b[c](d)`` as its root and the steps after it, in order."""
    steps: list[Tree] = []
    while tree[0] in ("member", "index", "call"):
        if tree[0] == "member":
            steps.append(("member", tree[2]))
        elif tree[0] == "index":
            steps.append(("index", None, tree[2]))
        else:
            steps.append(("call", tree[2]))
        tree = tree[1]
    steps.reverse()
    return tree, steps


def _item_steps(steps: list[Tree]) -> list[Tree]:
    """Drop n8n's item accessors (``.item``, ``.first()``, ``.all()``) and ``.json`` after them."""
    if not steps or steps[0][0] != "member" or steps[0][1] not in _ITEM_ACCESSORS:
        if steps and steps[0] == ("member", "json"):
            return steps[1:]
        raise UntranslatableError("only .item.json, .first().json, .last().json or .all() are supported")
    accessor = steps[0][1]
    rest = steps[1:]
    if accessor != "item":
        if not rest or rest[0][0] != "call" or rest[0][1]:
            raise UntranslatableError(f".{accessor} must be called without arguments")
        rest = rest[1:]
    if accessor == "all":
        if len(rest) >= 2 and rest[0][0] == "index" and rest[1] == ("member", "json"):
            return [rest[0], *rest[2:]]
        return rest
    if rest and rest[0] == ("member", "json"):
        return rest[1:]
    if rest:
        raise UntranslatableError("only .json of an item can be read")
    return rest


def _literal_string(tree: Tree) -> str:
    if tree[0] != "str":
        raise UntranslatableError("a node must be named by a string literal")
    return str(tree[1])


def _is_boolean(tree: Tree) -> bool:
    return tree[0] in _BOOLEAN_TAGS or (tree[0] == "binary" and tree[1] in _COMPARISONS)


def _is_text(tree: Tree) -> bool:
    return tree[0] in ("str", "concat") or (tree[0] == "binary" and tree[1] == "+" and _is_text_sum(tree))


def _is_text_sum(tree: Tree) -> bool:
    return _is_text(tree[2]) or _is_text(tree[3])


def _wrap(expression: str) -> str:
    """Parenthesise an expression before a path step unless it is already a plain path or call."""
    if re.fullmatch(r"\$[A-Za-z0-9_.`\[\]\- ]*(\([^()]*\))?", expression):
        return expression
    return f"({expression})"
