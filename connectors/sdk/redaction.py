"""Keep secrets out of logs, error messages and action outputs.

Two rules, applied to every log record of a connector's logger and to every error message that
leaves the runtime: known credential values (registered when a credential is loaded) become
``***``, and values of keys that name secrets (``authorization``, ``password``, ``token``, ...)
in structured log fields become ``***``. The set of known values only grows (a process serves one
tenant's invocations at a time in Lambda; locally, redacting more is the safe side). Action
outputs get the first rule only (``redact_strings``): there, a key named ``token`` is data.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

__all__ = ["REDACTED", "RedactingFilter", "Redactor"]

REDACTED = "***"
_SECRET_KEY = re.compile(r"(authorization|password|passwd|secret|token|api[_-]?key|cookie)", re.IGNORECASE)
_MIN_SECRET_LENGTH = 4
_FORMATTER = logging.Formatter()
_STANDARD_RECORD_KEYS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class Redactor:
    """Replaces registered secret values (and values under secret-looking keys) with ``***``.

    Example:
        >>> r = Redactor()
        >>> r.add(["xoxb-123-secret"])
        >>> r.redact("token xoxb-123-secret refused")
        'token *** refused'
        >>> r.redact_value({"Authorization": "Bearer abc", "channel": "C1"})
        {'Authorization': '***', 'channel': 'C1'}
    """

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, values: Iterable[str]) -> None:
        """Register secret values (too-short values are ignored: they would redact noise)."""
        new = {value for value in values if len(value) >= _MIN_SECRET_LENGTH} - self._secrets
        if not new:
            return
        with self._lock:
            self._secrets |= new
            alternatives = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(value) for value in alternatives))

    def redact(self, text: str) -> str:
        """``text`` with every registered secret replaced."""
        pattern = self._pattern
        return pattern.sub(REDACTED, text) if pattern else text

    def redact_strings(self, value: Any) -> Any:
        """Redact registered secrets in every string of a JSON-like value, keys left as they are.

        For an action's output: a provider may echo the credential back (an echo endpoint, an error
        quoted inside a 200), and the output goes into the execution history. Unlike
        ``redact_value``, a key that names a secret keeps its value (``total_tokens`` is data).

        Example:
            >>> r = Redactor()
            >>> r.add(["sk-123-secret"])
            >>> r.redact_strings({"echo": "Bearer sk-123-secret", "total_tokens": 10})
            {'echo': 'Bearer ***', 'total_tokens': 10}
        """
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_strings(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_strings(v) for v in value]
        return value

    def redact_value(self, value: Any, key: str = "") -> Any:
        """Redact strings inside a JSON-like value; keys that name secrets hide their value."""
        if key and _SECRET_KEY.search(key) and value not in (None, ""):
            return REDACTED
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_value(v) for v in value]
        return value


class RedactingFilter(logging.Filter):
    """A logging filter that redacts a record's message, arguments and extra fields in place.

    Example:
        >>> logger = logging.getLogger("example")
        >>> logger.addFilter(RedactingFilter(Redactor()))
    """

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact and keep the record."""
        if isinstance(record.msg, str):
            record.msg = self.redactor.redact(record.msg)
        elif isinstance(record.msg, dict):
            record.msg = self.redactor.redact_value(record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(self.redactor.redact_value(arg) for arg in args)
        if record.exc_info and record.exc_info[0] is not None:
            # Tracebacks quote exception messages, which may hold a secret: render the traceback
            # now, redacted, instead of letting the formatter render the raw exception later.
            record.__dict__["exception"] = self.redactor.redact(_FORMATTER.formatException(record.exc_info))
            record.__dict__["exception_name"] = record.exc_info[0].__name__
            record.exc_info = None
            record.exc_text = None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_RECORD_KEYS:
                record.__dict__[key] = self.redactor.redact_value(value, key)
        return True
