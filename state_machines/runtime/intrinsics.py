"""The ``States.*`` intrinsic functions of the JSONPath query language.

A payload key ending in ``.$`` whose value starts with ``States.`` is an intrinsic call, e.g.
``States.Format('Hello {}', $.name)``. Arguments are string literals (single quotes, ``\\``
escapes), numbers, ``true``/``false``/``null``, paths (``$.x``, ``$$.x``, ``$var.x``) and nested
calls. AWS reports intrinsic failures as ``States.Runtime`` (``States.IntrinsicFailure`` is
reserved), so that is what :func:`evaluate_intrinsic` raises.

The grammar is small and has no Python library, so it is parsed by hand; parsed calls are cached
by their text.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import random
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from state_machines.runtime._hashes import HASH_ALGORITHMS
from state_machines.runtime.errors import StatesError
from state_machines.runtime.jsonpath import compact_json, read_path

__all__ = ["evaluate_intrinsic", "is_intrinsic", "json_equal", "parse_intrinsic"]

_FUNCTION_RE = re.compile(r"States\.([A-Za-z0-9]+)\s*\(")
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_MAX_ARRAY_RANGE = 1000
_MAX_ENCODE_CHARS = 10_000
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_SYSTEM_RANDOM = random.Random()


@dataclass(frozen=True)
class _Literal:
    """A string literal; ``raw`` keeps ``\\{``/``\\}`` so States.Format can tell them from ``{}``."""

    value: str
    raw: str


@dataclass(frozen=True)
class _Path:
    path: str


@dataclass(frozen=True)
class _Const:
    value: Any


@dataclass(frozen=True)
class _Call:
    name: str
    args: tuple[_Literal | _Path | _Const | _Call, ...]
    text: str


_Arg = _Literal | _Path | _Const | _Call


def is_intrinsic(value: Any) -> bool:
    """Tell whether ``value`` is a string holding an intrinsic function call."""
    return isinstance(value, str) and _FUNCTION_RE.match(value.lstrip()) is not None


class _Parser:
    """Recursive-descent parser for one intrinsic expression."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, reason: str) -> StatesError:
        return StatesError(
            "States.Runtime", f"The intrinsic function '{self.text}' could not be parsed: {reason}"
        )

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def call(self) -> _Call:
        start = self.pos
        match = _FUNCTION_RE.match(self.text, self.pos)
        if match is None:
            raise self.fail(f"expected 'States.<Function>(' at position {self.pos}")
        self.pos = match.end()
        args: list[_Arg] = []
        self.skip_space()
        if self.peek() == ")":
            self.pos += 1
            return _Call(match.group(1), (), self.text[start : self.pos])
        while True:
            self.skip_space()
            args.append(self.argument())
            self.skip_space()
            char = self.peek()
            self.pos += 1
            if char == ")":
                return _Call(match.group(1), tuple(args), self.text[start : self.pos])
            if char != ",":
                raise self.fail(f"expected ',' or ')' at position {self.pos - 1}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def argument(self) -> _Arg:
        char = self.peek()
        if char == "'":
            return self.string()
        if char == "$":
            return self.path()
        if self.text.startswith("States.", self.pos):
            return self.call()
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return _Const(value)
        match = _NUMBER_RE.match(self.text, self.pos)
        if match is None:
            raise self.fail(f"unexpected character {char!r} at position {self.pos}")
        self.pos = match.end()
        number = match.group(0)
        return _Const(float(number) if any(c in number for c in ".eE") else int(number))

    def string(self) -> _Literal:
        self.pos += 1
        value: list[str] = []
        raw: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                escaped = self.text[self.pos + 1]
                self.pos += 2
                plain = {"n": "\n", "t": "\t", "r": "\r"}.get(escaped, escaped)
                value.append(plain)
                raw.append("\\" + escaped if escaped in "{}\\" else plain)
                continue
            self.pos += 1
            if char == "'":
                return _Literal("".join(value), "".join(raw))
            value.append(char)
            raw.append(char)
        raise self.fail("unterminated string literal")

    def path(self) -> _Path:
        """A path runs to the next top-level ``,`` or ``)`` (brackets and quotes nest)."""
        start = self.pos
        depth = 0
        quote = ""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if quote:
                if char == "\\":
                    self.pos += 1
                elif char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char in "[(":
                depth += 1
            elif char in "])":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                break
            self.pos += 1
        return _Path(self.text[start : self.pos].rstrip())


@lru_cache(maxsize=2048)
def parse_intrinsic(expression: str) -> _Call:
    """Parse ``expression`` into a call tree (cached); raise ``States.Runtime`` when malformed."""
    parser = _Parser(expression.strip())
    call = parser.call()
    parser.skip_space()
    if parser.pos != len(parser.text):
        raise parser.fail(f"unexpected text after position {parser.pos}")
    return call


def json_equal(left: Any, right: Any) -> bool:
    """JSON equality: unlike Python's ``==``, ``true`` is not ``1`` and ``1`` equals ``1.0``."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and bool(left == right)


def _java_text(value: Any) -> str:
    """Render a value as AWS's States.Format does (Java ``toString``: ``{a=1, b=[x]}``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, list):
        return "[" + ", ".join(_java_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_java_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def _java_double(value: float) -> str:
    """``Double.toString``: shortest digits, scientific (``1.0E7``) outside ``[1e-3, 1e7)``."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    scale = len(text) - 1 + int(exponent)
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{scale}"


def _java_round(value: float) -> int:
    """``Math.round``: halves go up (``-2.5`` -> ``-2``), as AWS rounds MathAdd arguments."""
    return math.floor(value + 0.5)


class _Evaluator:
    def __init__(
        self,
        data: Any,
        context: Mapping[str, Any] | None,
        variables: Mapping[str, Any] | None,
        field: str,
        rng: random.Random | None,
    ) -> None:
        self.rng = rng
        self.data = data
        self.context = context
        self.variables = variables
        self.field = field

    def value(self, arg: _Arg) -> Any:
        if isinstance(arg, _Literal):
            return arg.value
        if isinstance(arg, _Const):
            return arg.value
        if isinstance(arg, _Path):
            return read_path(
                arg.path, self.data, context=self.context, variables=self.variables, field=self.field
            )
        return self.call(arg)

    def call(self, call: _Call) -> Any:
        handler = _FUNCTIONS.get(call.name)
        if handler is None:
            raise _error(call, f"the function 'States.{call.name}' does not exist")
        return handler(self, call)


def _error(call: _Call, reason: str) -> StatesError:
    return StatesError("States.Runtime", f"The function '{call.text}' had the following error: {reason}")


def _arity(call: _Call, low: int, high: int | None = None) -> None:
    high = low if high is None else high
    count = len(call.args)
    if low <= count <= high:
        return
    wanted = str(low) if low == high else f"{low} to {high}"
    raise _error(call, f"expected {wanted} argument(s) but received {count}")


def _number(call: _Call, value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _error(call, f"the {what} must be a number, but was {compact_json(value)}")
    return value


def _integer(call: _Call, value: Any, what: str) -> int:
    number = _number(call, value, what)
    if isinstance(number, float) and not number.is_integer():
        raise _error(call, f"the {what} must be an integer, but was {compact_json(value)}")
    return int(number)


def _string(call: _Call, value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise _error(call, f"the {what} must be a string, but was {compact_json(value)}")
    return value


def _array(call: _Call, value: Any, what: str = "first argument") -> list[Any]:
    if not isinstance(value, list):
        raise _error(call, f"the {what} must be an array, but was {compact_json(value)}")
    return value


def _format(ev: _Evaluator, call: _Call) -> str:
    if not call.args:
        raise _error(call, "expected at least 1 argument(s) but received 0")
    template = call.args[0]
    if isinstance(template, _Literal):
        raw = template.raw
    else:
        raw = _string(call, ev.value(template), "first argument").replace("\\", "\\\\")
    values = [ev.value(arg) for arg in call.args[1:]]
    parts = re.split(r"(\\.|\{\})", raw)
    placeholders = sum(1 for part in parts if part == "{}")
    if placeholders != len(values):
        raise _error(
            call,
            f"the number of arguments ({len(values)}) does not match the number of placeholders "
            f"({placeholders})",
        )
    out: list[str] = []
    remaining = iter(values)
    for part in parts:
        if part == "{}":
            out.append(_java_text(next(remaining)))
        elif len(part) == 2 and part.startswith("\\"):
            out.append(part[1])
        else:
            out.append(part)
    return "".join(out)


def _string_to_json(ev: _Evaluator, call: _Call) -> Any:
    _arity(call, 1)
    text = _string(call, ev.value(call.args[0]), "argument")
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(call, f"the argument is not valid JSON text: {exc.msg}") from None


def _json_to_string(ev: _Evaluator, call: _Call) -> str:
    _arity(call, 1)
    return compact_json(ev.value(call.args[0]))


def _array_fn(ev: _Evaluator, call: _Call) -> list[Any]:
    return [ev.value(arg) for arg in call.args]


def _array_partition(ev: _Evaluator, call: _Call) -> list[list[Any]]:
    _arity(call, 2)
    array = _array(call, ev.value(call.args[0]))
    size = _integer(call, ev.value(call.args[1]), "chunk size")
    if size <= 0:
        raise _error(call, f"the chunk size must be a positive integer, but was {size}")
    return [array[i : i + size] for i in range(0, len(array), size)]


def _array_contains(ev: _Evaluator, call: _Call) -> bool:
    _arity(call, 2)
    array = _array(call, ev.value(call.args[0]))
    needle = ev.value(call.args[1])
    return any(json_equal(item, needle) for item in array)


def _array_range(ev: _Evaluator, call: _Call) -> list[int]:
    _arity(call, 3)
    start, end, step = (_integer(call, ev.value(arg), "range argument") for arg in call.args)
    if step == 0:
        raise _error(call, "the step must not be 0")
    values = list(range(start, end + (1 if step > 0 else -1), step))
    if len(values) > _MAX_ARRAY_RANGE:
        raise _error(call, f"the range must not contain more than {_MAX_ARRAY_RANGE} items")
    return values


def _array_get_item(ev: _Evaluator, call: _Call) -> Any:
    _arity(call, 2)
    array = _array(call, ev.value(call.args[0]))
    index = _integer(call, ev.value(call.args[1]), "index")
    if not 0 <= index < len(array):
        raise _error(call, f"the index {index} is out of bounds for an array of length {len(array)}")
    return array[index]


def _array_length(ev: _Evaluator, call: _Call) -> int:
    _arity(call, 1)
    return len(_array(call, ev.value(call.args[0]), "argument"))


def _array_unique(ev: _Evaluator, call: _Call) -> list[Any]:
    _arity(call, 1)
    unique: list[Any] = []
    for item in _array(call, ev.value(call.args[0]), "argument"):
        if not any(json_equal(item, seen) for seen in unique):
            unique.append(item)
    return unique


def _base64_encode(ev: _Evaluator, call: _Call) -> str:
    _arity(call, 1)
    text = _string(call, ev.value(call.args[0]), "argument")
    if len(text) > _MAX_ENCODE_CHARS:
        raise _error(call, f"the input must not be longer than {_MAX_ENCODE_CHARS} characters")
    return base64.b64encode(text.encode()).decode()


def _base64_decode(ev: _Evaluator, call: _Call) -> str:
    _arity(call, 1)
    text = _string(call, ev.value(call.args[0]), "argument")
    if len(text) > _MAX_ENCODE_CHARS:
        raise _error(call, f"the input must not be longer than {_MAX_ENCODE_CHARS} characters")
    try:
        return base64.b64decode(text, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise _error(call, "the argument is not valid base64-encoded UTF-8 text") from None


def _hash(ev: _Evaluator, call: _Call) -> str:
    _arity(call, 2)
    data = ev.value(call.args[0])
    algorithm = _string(call, ev.value(call.args[1]), "algorithm")
    hasher = HASH_ALGORITHMS.get(algorithm)
    if hasher is None:
        raise _error(
            call, f"the algorithm must be one of {', '.join(HASH_ALGORITHMS)}, but was '{algorithm}'"
        )
    text = data if isinstance(data, str) else compact_json(data)
    if len(text) > _MAX_ENCODE_CHARS:
        raise _error(call, f"the input must not be longer than {_MAX_ENCODE_CHARS} characters")
    return str(hasher(text.encode()).hexdigest())


def _json_merge(ev: _Evaluator, call: _Call) -> dict[str, Any]:
    _arity(call, 3)
    left, right, deep = (ev.value(arg) for arg in call.args)
    for position, value in (("first", left), ("second", right)):
        if not isinstance(value, dict):
            raise _error(
                call, f"the {position} argument must be a JSON object, but was {compact_json(value)}"
            )
    if not isinstance(deep, bool):
        raise _error(call, f"the third argument must be a boolean, but was {compact_json(deep)}")
    if deep:
        raise _error(call, "only the shallow merging mode is supported: the third argument must be false")
    return {**left, **right}


def _math_random(ev: _Evaluator, call: _Call) -> int:
    _arity(call, 2, 3)
    values = [ev.value(arg) for arg in call.args]
    start = _java_round(_number(call, values[0], "start number"))
    end = _java_round(_number(call, values[1], "end number"))
    if start >= end:
        raise _error(call, f"the start number ({start}) must be less than the end number ({end})")
    if len(values) == 3:
        return random.Random(_integer(call, values[2], "seed")).randrange(start, end)
    return (ev.rng or _SYSTEM_RANDOM).randrange(start, end)


def _math_add(ev: _Evaluator, call: _Call) -> int:
    _arity(call, 2)
    total = sum(_java_round(_number(call, ev.value(arg), "argument")) for arg in call.args)
    if not _INT_MIN <= total <= _INT_MAX:
        raise _error(call, f"the result {total} is out of the 32-bit integer range")
    return total


def _string_split(ev: _Evaluator, call: _Call) -> list[str]:
    _arity(call, 2)
    text = _string(call, ev.value(call.args[0]), "first argument")
    delimiters = _string(call, ev.value(call.args[1]), "second argument")
    if not delimiters:
        return [text] if text else []
    pieces = re.split("[" + re.escape(delimiters) + "]", text)
    return [piece for piece in pieces if piece]


def _uuid(ev: _Evaluator, call: _Call) -> str:
    _arity(call, 0)
    if ev.rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=ev.rng.getrandbits(128), version=4))


_FUNCTIONS: dict[str, Callable[[_Evaluator, _Call], Any]] = {
    "Format": _format,
    "StringToJson": _string_to_json,
    "JsonToString": _json_to_string,
    "Array": _array_fn,
    "ArrayPartition": _array_partition,
    "ArrayContains": _array_contains,
    "ArrayRange": _array_range,
    "ArrayGetItem": _array_get_item,
    "ArrayLength": _array_length,
    "ArrayUnique": _array_unique,
    "Base64Encode": _base64_encode,
    "Base64Decode": _base64_decode,
    "Hash": _hash,
    "JsonMerge": _json_merge,
    "MathRandom": _math_random,
    "MathAdd": _math_add,
    "StringSplit": _string_split,
    "UUID": _uuid,
}


def evaluate_intrinsic(
    expression: str,
    data: Any,
    *,
    context: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
    field: str = "Parameters",
    rng: random.Random | None = None,
) -> Any:
    """Evaluate an intrinsic call against the state's ``data``, ``context`` and ``variables``.

    ``field`` names the payload key (``FunctionResult.$``) for path-not-found causes. ``rng``
    drives ``States.MathRandom`` and ``States.UUID`` (pass a seeded one for reproducible runs).

    Example:
        >>> evaluate_intrinsic("States.MathAdd($.a, 2)", {"a": 1})
        3
    """
    call = parse_intrinsic(expression)
    return _Evaluator(data, context, variables, field, rng).call(call)
