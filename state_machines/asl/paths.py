"""Syntax of the JSONPath strings an ASL definition holds (JSONPath query language only).

Step Functions uses Jayway-flavoured JSONPath with three roots: ``$`` (the state input), ``$$``
(the context object) and ``$name`` (a variable). The grammar itself is checked by jsonpath-ng;
this module maps ASL's extra roots and Jayway spellings jsonpath-ng does not know (``$.[0]``,
``[(@.length-1)]``) onto plain JSONPath first, and checks the narrower *reference paths*
(``ResultPath``) with a small pattern, because jsonpath-ng has no notion of "a path that names
exactly one node".
"""

from __future__ import annotations

import re
import threading
import warnings
from functools import lru_cache

from jsonpath_ng.ext.parser import ExtendedJsonPathParser

__all__ = [
    "VARIABLE_NAME",
    "path_error",
    "reference_path_error",
]

# A variable name as AWS documents it (a Unicode identifier, at most 80 characters), ASCII here.
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,79}$")

_VARIABLE_ROOT = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)")
_PLACEHOLDER = re.compile(r"\$\{[^{}]+\}")
_LENGTH_SCRIPT = re.compile(r"\[\(@\.length\s*-\s*(\d+)\)\]")
_FIELD = r"\.[^.\[\]'\"*?()@$\s][^.\[\]'\"*?()\s]*"
_REFERENCE_PATH = re.compile(rf"^\$(?:{_FIELD}|\[\d+\]|\['[^']*'\]|\[\"[^\"]*\"\])*$")


def _to_plain_jsonpath(path: str) -> str:
    """Rewrite ASL's roots and Jayway spellings so that jsonpath-ng can parse the rest."""
    path = "$" + path[2:] if path.startswith("$$") else _VARIABLE_ROOT.sub("$", path, count=1)
    path = path.replace(".[", "[")
    return _LENGTH_SCRIPT.sub(lambda m: f"[-{m.group(1)}]", path)


# Building a jsonpath-ng parser costs ~1 ms; one instance is reused, one parse at a time.
_PARSER = ExtendedJsonPathParser()
_PARSER_LOCK = threading.Lock()


@lru_cache(maxsize=4096)
def _jsonpath_syntax_error(plain: str) -> str | None:
    if _REFERENCE_PATH.match(plain):
        return None  # the common `$.a.b[0]` shape needs no parser
    with _PARSER_LOCK, warnings.catch_warnings():
        # jsonpath-ng warns about unquoted words in filters, which Jayway accepts.
        warnings.simplefilter("ignore")
        try:
            _PARSER.parse(plain)
        except Exception as exc:  # jsonpath-ng raises plain Exception subclasses of several kinds
            return str(exc)
    return None


def path_error(path: str, *, allow_variables: bool = True, allow_context: bool = True) -> str | None:
    """Why ``path`` is not a valid ASL Path, or ``None`` when it is.

    Example:
        >>> path_error("$.items[0].name") is None
        True
        >>> path_error("items")
        "it must start with '$' (the input), '$$' (the context object) or '$name' (a variable)"
    """
    # A `${Name}` deployment placeholder inside a path stands for a field name.
    if _PLACEHOLDER.fullmatch(path):
        return None
    path = _PLACEHOLDER.sub("placeholder", path)
    if not path.startswith("$"):
        return "it must start with '$' (the input), '$$' (the context object) or '$name' (a variable)"
    if path.startswith("$$"):
        if not allow_context:
            return "it cannot refer to the context object ('$$')"
    elif _VARIABLE_ROOT.match(path):
        if not allow_variables:
            return "it cannot refer to a variable"
    elif len(path) > 1 and path[1] not in ".[":
        return "after '$' it must continue with '.' or '['"
    detail = _jsonpath_syntax_error(_to_plain_jsonpath(path))
    if detail is not None:
        return f"it is not valid JSONPath ({detail})"
    return None


def reference_path_error(path: str) -> str | None:
    """Why ``path`` is not a valid Reference Path (a path naming one node of the input)."""
    if path.startswith("$$"):
        return "it cannot refer to the context object ('$$')"
    if _VARIABLE_ROOT.match(path):
        return "it cannot refer to a variable"
    if not path.startswith("$"):
        return "it must start with '$'"
    if _REFERENCE_PATH.match(path):
        return None
    generic = path_error(path)
    if generic is not None:
        return generic
    return "it must name a single node: only '.field', \"['field']\" and '[index]' steps are allowed"
