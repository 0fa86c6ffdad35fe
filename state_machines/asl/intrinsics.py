"""Static checks of intrinsic function calls such as ``States.Format('{}', $.name)``.

Hand-written because no library parses ASL's intrinsic grammar: a call is ``States.<Name>(``
arguments ``)`` where an argument is a quoted string (``\\`` escapes), a number, ``true``,
``false``, ``null``, a Path or another call. Checked statically: the function exists, the
argument count fits, literal arguments have the type the function needs, and paths parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from state_machines.asl.paths import path_error

__all__ = ["INTRINSIC_FUNCTIONS", "intrinsic_error", "looks_like_intrinsic"]

# name -> (minimum arguments, maximum arguments or None, literal kinds allowed per position;
# the last entry repeats for further arguments). "any" accepts every literal kind.
_Kinds = tuple[str, ...]
INTRINSIC_FUNCTIONS: dict[str, tuple[int, int | None, tuple[_Kinds, ...]]] = {
    "States.Format": (1, None, (("string",), ("any",))),
    "States.StringToJson": (1, 1, (("string",),)),
    "States.JsonToString": (1, 1, (("any",),)),
    "States.Array": (0, None, (("any",),)),
    "States.ArrayPartition": (2, 2, ((), ("number",))),
    "States.ArrayContains": (2, 2, ((), ("any",))),
    "States.ArrayRange": (3, 3, (("number",),)),
    "States.ArrayGetItem": (2, 2, ((), ("number",))),
    "States.ArrayLength": (1, 1, ((),)),
    "States.ArrayUnique": (1, 1, ((),)),
    "States.Base64Encode": (1, 1, (("string",),)),
    "States.Base64Decode": (1, 1, (("string",),)),
    "States.Hash": (2, 2, (("any",), ("string",))),
    "States.JsonMerge": (3, 3, ((), (), ("boolean",))),
    "States.MathRandom": (2, 3, (("number",),)),
    "States.MathAdd": (2, 2, (("number",),)),
    "States.StringSplit": (2, 2, (("string",),)),
    "States.UUID": (0, 0, ()),
}

_NAME = re.compile(r"States\.[A-Za-z0-9]+")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_KEYWORD = re.compile(r"(true|false|null)\b")


class _SyntaxError(Exception):
    pass


@dataclass
class _Argument:
    kind: str  # "string", "number", "boolean", "null", "path", "call"
    text: str


class _Parser:
    """Recursive descent over one call; raises ``_SyntaxError`` with a sentence."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def call(self) -> None:
        self._skip_spaces()
        match = _NAME.match(self.text, self.pos)
        if match is None:
            raise _SyntaxError(f"expected an intrinsic function name at position {self.pos + 1}")
        name = match.group(0)
        if name not in INTRINSIC_FUNCTIONS:
            raise _SyntaxError(f"'{name}' is not an intrinsic function")
        self.pos = match.end()
        self._skip_spaces()
        if self.pos >= len(self.text) or self.text[self.pos] != "(":
            raise _SyntaxError(f"'{name}' must be followed by '('")
        self.pos += 1
        args: list[_Argument] = []
        self._skip_spaces()
        if self.pos < len(self.text) and self.text[self.pos] == ")":
            self.pos += 1
        else:
            while True:
                args.append(self._argument())
                self._skip_spaces()
                if self.pos >= len(self.text):
                    raise _SyntaxError(f"'{name}(' is missing its closing ')'")
                char = self.text[self.pos]
                self.pos += 1
                if char == ")":
                    break
                if char != ",":
                    raise _SyntaxError(f"expected ',' or ')' at position {self.pos}")
        _check_arguments(name, args)

    def _argument(self) -> _Argument:
        self._skip_spaces()
        if self.pos >= len(self.text):
            raise _SyntaxError("an argument is missing at the end")
        char = self.text[self.pos]
        if char == "'":
            return _Argument("string", self._string())
        if char == "$":
            return _Argument("path", self._path())
        if self.text.startswith("States.", self.pos):
            start = self.pos
            self.call()
            return _Argument("call", self.text[start : self.pos])
        for pattern, kind in ((_NUMBER, "number"), (_KEYWORD, "keyword")):
            match = pattern.match(self.text, self.pos)
            if match:
                self.pos = match.end()
                word = match.group(0)
                if kind == "number":
                    return _Argument("number", word)
                return _Argument("null" if word == "null" else "boolean", word)
        raise _SyntaxError(f"unexpected '{char}' at position {self.pos + 1}")

    def _string(self) -> str:
        start = self.pos
        self.pos += 1
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            self.pos += 1
            if char == "'":
                return self.text[start : self.pos]
        raise _SyntaxError("a quoted string is not closed")

    def _path(self) -> str:
        start = self.pos
        depth = 0
        quote: str | None = None
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if quote:
                if char == quote:
                    quote = None
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
        path = self.text[start : self.pos].strip()
        problem = path_error(path)
        if problem:
            raise _SyntaxError(f"the argument {path!r} is not a valid path: {problem}")
        return path


def _check_arguments(name: str, args: list[_Argument]) -> None:
    minimum, maximum, kinds = INTRINSIC_FUNCTIONS[name]
    if len(args) < minimum or (maximum is not None and len(args) > maximum):
        if maximum is None:
            expected = f"at least {minimum}"
        elif minimum == maximum:
            expected = str(minimum)
        else:
            expected = f"{minimum} to {maximum}"
        raise _SyntaxError(f"{name} takes {expected} argument(s), got {len(args)}")
    for index, arg in enumerate(args):
        if arg.kind in ("path", "call") or not kinds:
            continue
        allowed = kinds[min(index, len(kinds) - 1)]
        if "any" in allowed:
            continue
        if arg.kind not in allowed:
            wanted = "a " + " or ".join(allowed) if allowed else "an array"
            raise _SyntaxError(
                f"argument {index + 1} of {name} must be {wanted} or a path, not the {arg.kind} {arg.text}"
            )


def looks_like_intrinsic(value: str) -> bool:
    """True when ``value`` is meant as an intrinsic call (it starts with ``States.<Name>(``)."""
    return re.match(r"\s*States\.[A-Za-z0-9]+\s*\(", value) is not None


def intrinsic_error(value: str) -> str | None:
    """Why ``value`` is not one valid intrinsic function call, or ``None`` when it is.

    Example:
        >>> intrinsic_error("States.Format('Hello {}', $.name)") is None
        True
        >>> intrinsic_error("States.MathAdd(1, 'a')")
        "argument 2 of States.MathAdd must be a number or a path, not the string 'a'"
    """
    parser = _Parser(value)
    try:
        parser.call()
    except _SyntaxError as exc:
        return str(exc)
    parser._skip_spaces()
    if parser.pos != len(value):
        return f"unexpected text after the call: {value[parser.pos :]!r}"
    return None
