"""n8n's Luxon dates (``$now``, ``$today``, ``DateTime``) → JSONata over epoch milliseconds.

A date chain is carried as a JSONata expression giving milliseconds (``$toMillis($now())``),
shifted by ``plus``/``minus`` and turned into text at the end (``toISO``, ``format``) with
``$fromMillis`` and an XPath picture string made from the Luxon format. Anything else (locales,
months and years arithmetic, time zones) is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

__all__ = ["date_chain", "luxon_picture"]

Tree = tuple[Any, ...]

_UNIT_MS = {
    "millisecond": 1,
    "second": 1000,
    "minute": 60_000,
    "hour": 3_600_000,
    "day": 86_400_000,
    "week": 604_800_000,
}
_TODAY = '$toMillis($substring($now(), 0, 10) & "T00:00:00.000Z")'
_PICTURE = {
    "yyyy": "[Y0001]",
    "yy": "[Y01]",
    "y": "[Y]",
    "MMMM": "[MNn]",
    "LLLL": "[MNn]",
    "MMM": "[MNn,*-3]",
    "LLL": "[MNn,*-3]",
    "MM": "[M01]",
    "LL": "[M01]",
    "M": "[M1]",
    "L": "[M1]",
    "dd": "[D01]",
    "d": "[D1]",
    "EEEE": "[FNn]",
    "cccc": "[FNn]",
    "EEE": "[FNn,*-3]",
    "ccc": "[FNn,*-3]",
    "HH": "[H01]",
    "H": "[H1]",
    "hh": "[h01]",
    "h": "[h1]",
    "mm": "[m01]",
    "m": "[m1]",
    "ss": "[s01]",
    "s": "[s1]",
    "SSS": "[f001]",
    "a": "[P]",
}


class _Untranslatable(ValueError):
    pass


def luxon_picture(luxon: str) -> str:
    """A Luxon ``toFormat`` string as an XPath picture for ``$fromMillis``.

    Example:
        >>> luxon_picture("yyyy-MM-dd 'at' HH:mm")
        '[Y0001]-[M01]-[D01] at [H01]:[m01]'
    """
    picture = []
    for match in re.finditer(r"'([^']*)'|([A-Za-z])\2*|[^A-Za-z']+", luxon):
        text = match.group()
        if match.group(1) is not None:
            picture.append(match.group(1).replace("[", "[[").replace("]", "]]"))
        elif match.group(2):
            if text not in _PICTURE:
                raise _Untranslatable(f"the date format token '{text}' is not supported")
            picture.append(_PICTURE[text])
        else:
            picture.append(text.replace("[", "[[").replace("]", "]]"))
    return "".join(picture)


def date_chain(name: str, steps: list[Tree], emit: Callable[[Tree], str]) -> tuple[str, list[Tree]]:
    """``$now``/``$today``/``DateTime`` and the Luxon steps after it → JSONata, and the steps left.

    Raises ``ValueError`` (the caller reports it as untranslatable) for what it does not know.
    """
    try:
        millis, steps = _start(name, steps, emit)
        while steps:
            step = steps[0]
            following = steps[1] if len(steps) > 1 else None
            if step[0] == "member" and following is not None and following[0] == "call":
                method, arguments = step[1], following[1]
                if method in ("plus", "minus"):
                    offset = _offset(arguments, emit)
                    millis = f"({millis} {'+' if method == 'plus' else '-'} {offset})"
                    steps = steps[2:]
                    continue
                return _finish(millis, method, arguments), steps[2:]
            if step == ("member", "ts"):
                return millis, steps[1:]
            if step == ("member", "weekdayLong"):
                return f'$fromMillis({millis}, "[FNn]")', steps[1:]
            raise _Untranslatable("this use of a date is not supported")
    except _Untranslatable as exc:
        raise ValueError(str(exc)) from None
    if name == "$now":
        return "$now()", []
    return f"$fromMillis({millis})", []


def _start(name: str, steps: list[Tree], emit: Callable[[Tree], str]) -> tuple[str, list[Tree]]:
    if name == "$now":
        return "$toMillis($now())", steps
    if name == "$today":
        return _TODAY, steps
    if len(steps) < 2 or steps[0][0] != "member" or steps[1][0] != "call":
        raise _Untranslatable("DateTime is only supported as DateTime.now() or DateTime.fromISO(…)")
    method, arguments = steps[0][1], steps[1][1]
    if method in ("now", "local") and not arguments:
        return "$toMillis($now())", steps[2:]
    if len(arguments) == 1:
        value = emit(arguments[0])
        if method == "fromISO":
            return f"$toMillis({value})", steps[2:]
        if method == "fromSeconds":
            return f"({value} * 1000)", steps[2:]
        if method == "fromMillis":
            return value, steps[2:]
    raise _Untranslatable(f"DateTime.{method}() is not supported")


def _offset(arguments: list[Tree], emit: Callable[[Tree], str]) -> str:
    if len(arguments) == 2 and arguments[1][0] == "str":  # n8n's older form: minus(1, 'days')
        unit = str(arguments[1][1]).removesuffix("s")
        if unit not in _UNIT_MS:
            raise _Untranslatable(f"adding {arguments[1][1]} (calendar arithmetic) is not supported")
        return f"({emit(arguments[0])} * {_UNIT_MS[unit]})"
    if len(arguments) != 1:
        raise _Untranslatable("plus/minus take one duration")
    duration = arguments[0]
    if duration[0] != "object":
        return emit(duration)  # milliseconds
    terms = []
    for key, value in duration[1]:
        unit = str(key).removesuffix("s")
        if unit not in _UNIT_MS:
            raise _Untranslatable(f"adding {key} (calendar arithmetic) is not supported")
        terms.append(f"{emit(value)} * {_UNIT_MS[unit]}")
    return "(" + " + ".join(terms) + ")" if terms else "0"


def _finish(millis: str, method: str, arguments: list[Tree]) -> str:
    if method in ("toISO", "toISOString", "toJSON", "toString") and not arguments:
        return "$now()" if millis == "$toMillis($now())" else f"$fromMillis({millis})"
    if method == "toISODate" and not arguments:
        return f"$substring($fromMillis({millis}), 0, 10)"
    if method in ("toMillis", "valueOf") and not arguments:
        return millis
    if method in ("toSeconds", "toUnixInteger") and not arguments:
        return f"$floor({millis} / 1000)"
    if method in ("format", "toFormat") and len(arguments) == 1 and arguments[0][0] == "str":
        return f"$fromMillis({millis}, {json.dumps(luxon_picture(str(arguments[0][1])))})"
    raise _Untranslatable(f"the date method .{method}() is not supported")
