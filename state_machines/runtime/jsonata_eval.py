"""JSONata as AWS Step Functions evaluates it (``QueryLanguage: JSONata``).

A field value that is a string of the form ``{% expr %}`` is a JSONata expression; every other
string is a literal, and objects and arrays are walked recursively. ``$states`` (``input``,
``result``, ``errorOutput``, ``context``) and every workflow variable (``$name``) are bound, and so
are Step Functions' additions ``$partition``, ``$range``, ``$hash``, ``$random``, ``$uuid`` and
``$parse``. Compiled expressions are cached by their text, one cache per thread because a compiled
``jsonata-python`` expression keeps evaluation state on itself.

Results are turned back into plain JSON values the way AWS serialises them: JSON ``null`` stays
``None``, an undefined result is an error, JSONata sequences become lists, and integers from
``1e21`` up (the library returns ``1e21`` as an ``int``; JavaScript prints it as a float) become
floats. A result may share containers with the bound values (``$states.input`` is returned as it
is): callers treat JSON values as immutable.

Plain ``$name.a.b`` lookups, alone or behind ``$x := ...;`` bindings, skip the library (they are
most of what compiled workflows evaluate),
a runaway expression times out after 10 s instead of hanging the runtime, and ``$now()`` /
``$millis()`` follow the caller's clock when one is given.

Errors are ``States.QueryEvaluationError`` with AWS's cause sentence (without the
"An error occurred while executing the state ..." prefix, which the interpreter adds).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from jsonata import Jsonata
from jsonata.functions import Functions
from jsonata.jexception import JException
from jsonata.timebox import Timebox
from jsonata.utils import Utils

from state_machines.runtime._hashes import HASH_ALGORITHMS
from state_machines.runtime.errors import StatesError
from state_machines.runtime.jsonpath import compact_json

__all__ = [
    "JSONATA_TYPES",
    "check_jsonata_syntax",
    "evaluate_expression",
    "evaluate_template",
    "is_jsonata_template",
    "json_type",
    "template_expression",
]

_ERROR = "States.QueryEvaluationError"
_BIG_INT = 10**21
_MAX_RANGE_ITEMS = 1000
_TIMEOUT_MS = 10_000
_CACHE_SIZE = 10_000
_LOOP_WORDS = ("function", "\u03bb", "$eval")
JSONATA_TYPES = frozenset({"null", "boolean", "number", "integer", "string", "array", "object"})
"""The values :func:`evaluate_expression` accepts for ``expected``."""


class _FunctionError(Exception):
    """Raised by the Step Functions additions; its text becomes the cause's last sentence."""


class _Undefined:
    """Marks an undefined JSONata result (the library returns ``None`` for it)."""


_UNDEFINED = _Undefined()
_ASK_LIBRARY = _Undefined()
_SYSTEM_RANDOM = random.Random()
_local = threading.local()


def is_jsonata_template(value: Any) -> bool:
    """Tell whether ``value`` is a string of the form ``{% expr %}``."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


def template_expression(value: str) -> str | None:
    """Return the expression inside ``{% ... %}`` (stripped), or ``None`` for a literal string."""
    if not is_jsonata_template(value):
        return None
    return value[2:-2].strip()


def check_jsonata_syntax(expression: str) -> str | None:
    """Return the parser's error (``S0203: Expected ) before end of expression``) or ``None``.

    Example:
        >>> check_jsonata_syntax("$foo(") is not None
        True
    """
    try:
        _compile(expression)
    except JException as exc:
        return f"{exc.error}: {exc}"
    except Exception as exc:  # the parser has internal failures on some inputs
        return str(exc) or type(exc).__name__
    return None


def json_type(value: Any) -> str:
    """Name ``value``'s JSON type as AWS's causes do (``null``, ``boolean``, ``number``...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


# --- Step Functions' additions to JSONata -------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sfn_partition(array: Any = None, size: Any = None, *_: Any) -> Any:
    if not isinstance(array, list):
        raise _FunctionError("The first argument of $partition must be an array")
    if not _is_number(size) or int(size) != size or size <= 0:
        raise _FunctionError("The second argument of $partition must be a positive integer")
    step = int(size)
    items = list(array)
    return [items[i : i + step] for i in range(0, len(items), step)]


def _sfn_range(start: Any = None, end: Any = None, step: Any = None, *_: Any) -> Any:
    for value in (start, end, step):
        if not _is_number(value) or int(value) != value:
            raise _FunctionError("The arguments of $range must be integers")
    first, last, increment = int(start), int(end), int(step)
    if increment == 0:
        raise _FunctionError("The step of $range must not be 0")
    values = range(first, last + (1 if increment > 0 else -1), increment)
    if len(values) > _MAX_RANGE_ITEMS:
        raise _FunctionError(f"$range must not produce more than {_MAX_RANGE_ITEMS} items")
    # AWS returns a JSONata sequence: a single item comes back unwrapped ($range(1, 9, 9) is 1).
    return Utils.create_sequence_from_iter(list(values))


def _sfn_hash(content: Any = None, algorithm: Any = None, *_: Any) -> Any:
    if not isinstance(content, str):
        raise _FunctionError("The first argument of $hash must be a string")
    hasher = HASH_ALGORITHMS.get(algorithm) if isinstance(algorithm, str) else None
    if hasher is None:
        raise _FunctionError(f"The second argument of $hash must be one of {', '.join(HASH_ALGORITHMS)}")
    return str(hasher(content.encode()).hexdigest())


def _current_rng() -> random.Random:
    rng: random.Random | None = getattr(_local, "rng", None)
    return rng if rng is not None else _SYSTEM_RANDOM


def _sfn_random(seed: Any = None, *_: Any) -> Any:
    if seed is None:
        return _current_rng().random()
    if not _is_number(seed):
        raise _FunctionError("The argument of $random must be a number")
    return random.Random(seed).random()


def _sfn_uuid(*_: Any) -> Any:
    rng: random.Random | None = getattr(_local, "rng", None)
    if rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _sfn_parse(text: Any = None, *_: Any) -> Any:
    if not isinstance(text, str):
        raise _FunctionError("The argument of $parse must be a string")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _FunctionError(f"The argument of $parse is not valid JSON: {exc.msg}") from None
    return Utils.NULL_VALUE if value is None else value


def _evaluation_millis() -> int:
    """The evaluation's "now": the caller's clock when given, else the library's timestamp."""
    now_ms: int | None = getattr(_local, "now_ms", None)
    return now_ms if now_ms is not None else int(Jsonata.CURRENT.jsonata.timestamp)


def _now(picture: Any = None, timezone: Any = None, *_: Any) -> Any:
    return Functions.datetime_from_millis(_evaluation_millis(), picture, timezone)


def _millis(*_: Any) -> Any:
    return _evaluation_millis()


_SFN_FUNCTIONS: dict[str, Callable[..., Any]] = {
    # $now/$millis are JSONata's own, rebound so that a local runtime's virtual clock drives them.
    "now": _now,
    "millis": _millis,
    "partition": _sfn_partition,
    "range": _sfn_range,
    "hash": _sfn_hash,
    "random": _sfn_random,
    "uuid": _sfn_uuid,
    "parse": _sfn_parse,
}


# --- compilation and evaluation ------------------------------------------------------------


class _Guard:
    """Stops a runaway expression (``$f := function(){$f()}``) instead of hanging the runtime.

    The library's own ``Timebox`` reads the clock twice per evaluation step (~35% slower on
    filters) and starts its clock when built, which breaks with a compile cache; this one checks
    the clock every 256 steps and is restarted by :func:`_run` on every evaluation.
    """

    def __init__(self, frame: Any, timeout_ms: int | None) -> None:
        self.timeout_ms = timeout_ms
        self.deadline = 0.0
        self.steps = 0
        if timeout_ms is not None:
            frame.set_evaluate_entry_callback(self.enter)

    def restart(self) -> None:
        if self.timeout_ms is not None:
            self.deadline = time.monotonic() + self.timeout_ms / 1000

    def enter(self, *_: Any) -> None:
        self.steps += 1
        if not self.steps & 0xFF and time.monotonic() > self.deadline:
            raise JException("D1012", -1, self.timeout_ms)


def _compile(
    expression: str, timeout_ms: int | None = _TIMEOUT_MS, max_depth: int | None = None
) -> tuple[Jsonata, _Guard | Timebox]:
    """The compiled expression and its runaway guard, from this thread's cache."""
    cache: dict[tuple[str, int | None, int | None], tuple[Jsonata, _Guard | Timebox]] | None = getattr(
        _local, "cache", None
    )
    if cache is None:
        cache = _local.cache = {}
    key = (expression, timeout_ms, max_depth)
    entry = cache.get(key)
    if entry is None:
        if len(cache) >= _CACHE_SIZE:
            # Expressions come from deployed definitions, so this only trips on a runaway caller.
            cache.clear()
        compiled = Jsonata(expression)
        compiled.set_output_convert_nulls(False)
        for name, function in _SFN_FUNCTIONS.items():
            compiled.register_lambda(name, function)
        guard: _Guard | Timebox
        if max_depth is None:
            # Only a user-defined function (or $eval) can loop forever; others need no guard.
            can_loop = any(word in expression for word in _LOOP_WORDS)
            guard = _Guard(compiled.environment, timeout_ms if can_loop else None)
        else:
            guard = Timebox(compiled.environment, timeout_ms, max_depth)
        entry = cache[key] = (compiled, guard)
    return entry


def _shared_ids(bindings: Mapping[str, Any] | None) -> set[int]:
    """Ids of the bound containers (and their direct children) a result may hand back as-is.

    Bound values are already plain JSON, so a result that *is* one of them needs no conversion;
    walking and copying a large ``$states.input`` would dominate the evaluation time.
    """
    shared: set[int] = set()
    roots: list[Any] = []
    for name, value in (bindings or {}).items():
        if name == "states" and isinstance(value, Mapping):
            roots.extend(value.values())
        else:
            roots.append(value)
    for root in roots:
        if isinstance(root, dict):
            shared.add(id(root))
            shared.update(id(child) for child in root.values() if isinstance(child, dict | list))
        elif isinstance(root, list):
            shared.add(id(root))
    return shared


def _to_json(value: Any, shared: set[int]) -> Any:
    """Turn a library result into a plain JSON value; functions become :class:`_FunctionError`.

    Inside a result, ``None`` is a JSON null taken from the input (the library drops undefined
    members itself), while nulls the expression wrote are ``Utils.NULL_VALUE``. Containers whose
    id is in ``shared`` come straight from the bindings and are returned as they are.
    """
    if value is None or value is Utils.NULL_VALUE:
        return None
    if isinstance(value, str | bool | float):
        return value
    if isinstance(value, int):
        return float(value) if abs(value) >= _BIG_INT else value
    if id(value) in shared and type(value) in (dict, list):
        return value
    if isinstance(value, list):
        return [_to_json(item, shared) for item in value]
    if isinstance(value, dict):
        return {key: _to_json(item, shared) for key, item in value.items()}
    raise _FunctionError(f"unsupported result type {type(value).__name__}")


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_SIMPLE_PATH_RE = re.compile(rf"\$({_NAME}(?:\.{_NAME})*)")
_ASSIGNMENT_RE = re.compile(rf"\$({_NAME})\s*:=\s*(.+)", re.DOTALL)
_OPERATOR_WORDS = frozenset({"and", "or", "in", "true", "false", "null"})

# One step of a plain program: (variable to bind or None for the result, path as names).
_Step = tuple[str | None, tuple[str, ...]]


def _unwrap(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def _path_names(text: str) -> tuple[str, ...] | None:
    match = _SIMPLE_PATH_RE.fullmatch(_unwrap(text))
    if match is None:
        return None
    names = tuple(match.group(1).split("."))
    return None if _OPERATOR_WORDS.intersection(names) else names


@lru_cache(maxsize=4096)
def _plain_program(expression: str) -> tuple[_Step, ...] | None:
    """``$a.b`` or ``($x := $a.b; $y := $x; $y.c)`` as steps; ``None`` for anything else.

    These are most of what compiled workflows evaluate (the compiler binds ``$trigger`` and node
    outputs this way), and the library needs 20-40 us for each.
    """
    text = expression.strip()
    if ";" not in text:
        names = _path_names(text)
        return None if names is None else ((None, names),)
    if not (text.startswith("(") and text.endswith(")")):
        return None
    *assignments, final = text[1:-1].split(";")
    steps: list[_Step] = []
    for assignment in assignments:
        match = _ASSIGNMENT_RE.fullmatch(assignment.strip())
        names = _path_names(match.group(2)) if match is not None else None
        if match is None or names is None or match.group(1) in _OPERATOR_WORDS:
            return None
        steps.append((match.group(1), names))
    names = _path_names(final)
    if names is None:
        return None
    steps.append((None, names))
    return tuple(steps)


def _lookup(names: tuple[str, ...], scope: Mapping[str, Any]) -> Any:
    """Follow ``$name.a.b`` through objects only, as JSONata would; ``_ASK_LIBRARY`` otherwise.

    Arrays on the way (where JSONata maps and flattens) and unbound names (functions) are left to
    the library.
    """
    if names[0] not in scope:
        return _ASK_LIBRARY
    current = scope[names[0]]
    for name in names[1:]:
        if not isinstance(current, Mapping):
            return _ASK_LIBRARY
        if name not in current:
            return _UNDEFINED
        current = current[name]
    if current is None or current is Utils.NULL_VALUE:
        return None
    return current if isinstance(current, dict | list | str | bool | int | float) else _ASK_LIBRARY


def _run_plain(steps: tuple[_Step, ...], bindings: Mapping[str, Any]) -> Any:
    """Run a plain program without the library; ``_ASK_LIBRARY`` when it needs the real thing."""
    scope: Mapping[str, Any] = bindings
    for target, names in steps:
        value = _lookup(names, scope)
        if target is None:
            return value
        if value is _ASK_LIBRARY or value is _UNDEFINED or value is None:
            return _ASK_LIBRARY
        scope = {**scope, target: value}
    return _ASK_LIBRARY


def _run(
    expression: str,
    data: Any,
    bindings: Mapping[str, Any] | None,
    rng: random.Random | None = None,
    now_ms: int | None = None,
    *,
    timeout_ms: int | None = _TIMEOUT_MS,
    max_depth: int | None = None,
) -> Any:
    """Evaluate with the library; return a JSON value or ``_UNDEFINED``; errors propagate.

    ``data`` is JSONata's ``$`` (Step Functions binds nothing there); the bounds exist for the
    JSONata test suite, which sets its own.
    """
    steps = _plain_program(expression) if data is None and bindings is not None else None
    if steps is not None and bindings is not None:
        found = _run_plain(steps, bindings)
        if found is not _ASK_LIBRARY:
            return found
    compiled, guard = _compile(expression, timeout_ms, max_depth)
    if isinstance(guard, _Guard):
        guard.restart()
    else:
        guard.time = Timebox.current_milli_time()
        guard.depth = 0
    # jsonata-python evaluates through a per-thread "current" instance that its constructor sets;
    # with a cache that may be another expression, so point it at the one we run.
    Jsonata.CURRENT.jsonata = compiled
    _local.rng = rng
    _local.now_ms = now_ms
    try:
        result = compiled.evaluate(data, bindings)
    finally:
        _local.rng = None
        _local.now_ms = None
    if result is None:
        return _UNDEFINED
    if isinstance(result, dict | list):
        return _to_json(result, _shared_ids(bindings))
    return _to_json(result, set())


def _cause(expression: str, field: str, tail: str) -> str:
    return f"The JSONata expression '{expression}' specified for the field '{field}' {tail}"


def _check_type(expression: str, field: str, value: Any, expected: str) -> None:
    actual = json_type(value)
    if actual == expected:
        return
    if expected == "integer" and actual == "number" and float(value).is_integer():
        return
    raise StatesError(
        _ERROR,
        _cause(
            expression,
            field,
            f"returned an unexpected result type. Expected '{expected}', but was '{actual}' "
            f"for value: {compact_json(value)}",
        ),
    )


def evaluate_expression(
    expression: str,
    *,
    states: Mapping[str, Any],
    variables: Mapping[str, Any] | None = None,
    field: str,
    expected: str | None = None,
    rng: random.Random | None = None,
    now_ms: int | None = None,
) -> Any:
    """Evaluate one JSONata expression (the text between ``{%`` and ``%}``).

    ``expected`` is the JSON type the field requires (see :data:`JSONATA_TYPES`); a result of
    another type raises AWS's "returned an unexpected result type" error. An undefined result
    raises AWS's "returned nothing (undefined)" error. ``rng`` drives ``$random`` and ``$uuid``
    (pass a seeded one for reproducible runs); ``now_ms`` (epoch milliseconds) is what ``$now()``
    and ``$millis()`` return, so a runtime with a virtual clock stays consistent.

    Example:
        >>> evaluate_expression("$states.input.a + 1", states={"input": {"a": 1}}, field="Output")
        2
    """
    # The library reads a bound ``None`` as undefined; a variable holding JSON null is null.
    bindings: dict[str, Any] = {
        name: Utils.NULL_VALUE if value is None else value for name, value in (variables or {}).items()
    }
    bindings["states"] = states
    try:
        result = _run(expression, None, bindings, rng, now_ms)
    except StatesError:
        raise
    except JException as exc:
        detail = f"{exc.error}: {exc}"
        raise StatesError(
            _ERROR, _cause(expression, field, f"threw an error during evaluation. {detail}")
        ) from None
    except _FunctionError as exc:
        raise StatesError(
            _ERROR, _cause(expression, field, f"threw an error during evaluation. {exc}")
        ) from None
    except Exception as exc:  # the library raises plain Python errors on some inputs
        detail = str(exc) or type(exc).__name__
        raise StatesError(
            _ERROR, _cause(expression, field, f"threw an error during evaluation. {detail}")
        ) from None
    if result is _UNDEFINED:
        raise StatesError(_ERROR, _cause(expression, field, "returned nothing (undefined)."))
    if expected is not None:
        _check_type(expression, field, result, expected)
    return result


def evaluate_template(
    value: Any,
    *,
    states: Mapping[str, Any],
    variables: Mapping[str, Any] | None = None,
    field: str,
    expected: str | None = None,
    rng: random.Random | None = None,
    now_ms: int | None = None,
) -> Any:
    """Evaluate every ``{% %}`` string inside ``value`` (e.g. a state's ``Output``/``Arguments``).

    Nested fields are named ``Output/key`` in error causes, as AWS names them (array items as
    ``Output/key[0]``). ``expected`` applies to the top-level value only (see
    :func:`evaluate_expression`); a literal top-level value is checked too.

    Example:
        >>> evaluate_template({"x": "{% $v %}", "y": "lit"}, states={}, variables={"v": 1},
        ...                   field="Output")
        {'x': 1, 'y': 'lit'}
    """
    if isinstance(value, str):
        expression = template_expression(value)
        if expression is not None:
            return evaluate_expression(
                expression,
                states=states,
                variables=variables,
                field=field,
                expected=expected,
                rng=rng,
                now_ms=now_ms,
            )
        result: Any = value
    elif isinstance(value, dict):
        result = {
            key: evaluate_template(
                item, states=states, variables=variables, field=f"{field}/{key}", rng=rng, now_ms=now_ms
            )
            for key, item in value.items()
        }
    elif isinstance(value, list):
        result = [
            evaluate_template(
                item, states=states, variables=variables, field=f"{field}[{pos}]", rng=rng, now_ms=now_ms
            )
            for pos, item in enumerate(value)
        ]
    else:
        result = value
    if expected is not None:
        _check_type(compact_json(value), field, result, expected)
    return result
