"""Parent side of the ``code.python`` sandbox: one fresh, limited child process per run.

Layers, from the outside in (docs/code-node.md says what each one protects):

* a new process per run, in its own session, killed as a group at the wall-clock limit;
* an EMPTY environment (no AWS credentials, no secrets) and ``python -I -S -B``;
* a new network namespace with no interfaces up, when the host allows one (``unshare --net`` as
  root, ``unshare --user --net`` otherwise) -- the wrapper binary is used instead of a
  ``preexec_fn`` because ``preexec_fn`` is unsafe in the threaded local platform;
* inside the child (``runner.py``): rlimits, a drop to ``nobody`` when started as root, an audit
  hook, and a builtins copy whose ``__import__`` only admits the allow-list;
* a fresh scratch directory (the only writable place), deleted after the run;
* here: capped reads of the result and of the logs, and a JSON check of the result.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from functions.code_sandbox.errors import (
    CodeError,
    CodeMemoryError,
    CodeOutputError,
    CodeSecurityError,
    CodeTimeoutError,
    SandboxError,
)
from functions.code_sandbox.limits import DEFAULT_LIMITS, SandboxLimits

__all__ = [
    "RUNNER",
    "SandboxResult",
    "isolation_prefix",
    "protect_parent_environment",
    "run_python",
    "run_sandboxed",
]

RUNNER = Path(__file__).with_name("runner.py")
#: uid/gid the child drops to when the platform runs as root (the kernel's overflow ids, "nobody").
UNPRIVILEGED_ID = 65534
_CHUNK = 65536
# Room above max_output_bytes for the frame envelope and error messages.
_FRAME_SLACK = 16 * 1024
# The frame around the output: {"ok":true,"output":...,"layers":[...]} and a newline.
_ENVELOPE_BYTES = 512
_ERRORS: dict[str, type[SandboxError]] = {
    cls.__name__: cls
    for cls in (CodeError, CodeMemoryError, CodeOutputError, CodeSecurityError, CodeTimeoutError)
}
# Folders the child may read (never write): the standard library, for imports of allowed modules,
# and the time zone database for zoneinfo.
_READ_ROOTS = (
    str(Path(os.__file__).parent),
    "/usr/share/zoneinfo",
    "/usr/lib/zoneinfo",
    "/usr/share/lib/zoneinfo",
    "/etc/zoneinfo",
)


@dataclass
class SandboxResult:
    """What one run produced: the output of ``main`` and what the code printed (capped)."""

    output: Any
    logs: str = ""
    #: The isolation layers this run had, e.g. ["network-namespace", "rlimits", "audit-hook", ...].
    layers: list[str] = field(default_factory=list)


@dataclass
class _Exchange:
    result: bytearray = field(default_factory=bytearray)
    logs: bytearray = field(default_factory=bytearray)
    timed_out: bool = False
    overflowed: bool = False
    status: int | None = None
    cpu_seconds: float = 0.0


@cache
def isolation_prefix() -> tuple[str, ...]:
    """The command that puts the child in a new network namespace, or ``()`` where none is allowed.

    Probed once per process: containers without CAP_SYS_ADMIN and hosts without unprivileged
    user namespaces (AWS Lambda) refuse it; the seccomp filter and the audit hook then remain
    the network barriers.
    """
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    prefix = (unshare, "--net", "--") if os.geteuid() == 0 else (unshare, "--user", "--net", "--")
    try:
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=5, env={}, check=False)
    except (OSError, subprocess.SubprocessError):
        return ()
    return prefix if probe.returncode == 0 else ()


@cache
def protect_parent_environment() -> bool:
    """Make this process non-dumpable, so that a child running as the same user cannot read
    ``/proc/<this pid>/environ`` (AWS credentials in Lambda, a developer's keys on a laptop) or
    attach to it, even after escaping every Python-level layer.

    Only needed when the platform does not run as root (as root the child drops to ``nobody``).
    Costs: debuggers cannot attach to this process, and it cannot read its own
    ``/proc/self/environ``. Returns whether the flag was set. ``prctl`` through ctypes: the
    standard library has no binding.
    """
    if os.geteuid() == 0 or not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(4, 0, 0, 0, 0) == 0)  # PR_SET_DUMPABLE, 0


def run_python(code: str, input: Any, limits: SandboxLimits = DEFAULT_LIMITS) -> Any:
    """Run ``main(input)`` from ``code`` in a fresh sandboxed process and return its JSON output.

    Raises one of the ``functions.code_sandbox.errors`` classes, named for Step Functions.

    Example:
        >>> run_python("def main(input):\\n    return {'double': input * 2}", 21)
        {'double': 42}
    """
    return run_sandboxed(code, input, limits).output


def run_sandboxed(
    code: str, input: Any, limits: SandboxLimits = DEFAULT_LIMITS, *, scratch_root: Path | None = None
) -> SandboxResult:
    """Like :func:`run_python`, also returning the printed logs; ``scratch_root`` is for tests."""
    try:
        input_json = json.dumps(input, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise CodeError(f"The node's input is not JSON: {exc}") from None
    scratch = os.path.realpath(tempfile.mkdtemp(prefix="wfaib-code-", dir=scratch_root))
    running_as_root = os.geteuid() == 0
    if running_as_root:
        os.chown(scratch, UNPRIVILEGED_ID, UNPRIVILEGED_ID)
    request = (
        '{"code":'
        + json.dumps(code)
        + ',"input":'
        + input_json
        + ',"limits":'
        + json.dumps(limits.model_dump())
        + ',"read_roots":'
        + json.dumps(_READ_ROOTS)
        + ',"drop_to":'
        + json.dumps([UNPRIVILEGED_ID, UNPRIVILEGED_ID] if running_as_root else None)
        + "}"
    ).encode()
    argv = [*isolation_prefix(), sys.executable, "-I", "-S", "-B", str(RUNNER), scratch]
    try:
        exchange = _exchange(argv, scratch, request, limits)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    frame = _interpret(exchange, limits)
    layers = ["network-namespace"] if argv[0] != sys.executable else []
    if isinstance(frame.get("layers"), list):
        layers += [str(layer) for layer in frame["layers"]]
    return SandboxResult(output=frame["output"], logs=exchange.logs.decode("utf-8", "replace"), layers=layers)


def _exchange(argv: list[str], scratch: str, request: bytes, limits: SandboxLimits) -> _Exchange:
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={},
        cwd=scratch,
        start_new_session=True,
    )
    exchange = _Exchange()
    try:
        _pump(proc, request, limits, exchange)
    finally:
        if exchange.status is None:
            _reap(proc, exchange)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()
    return exchange


def _pump(proc: subprocess.Popen[bytes], request: bytes, limits: SandboxLimits, exchange: _Exchange) -> None:
    """Feed stdin and drain stdout/stderr until the child exits, the deadline passes or output overflows."""
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + limits.wall_seconds
    max_result = limits.max_output_bytes + _FRAME_SLACK
    # Linux: a pidfd tells us when the child exits even if it closed its pipes. Elsewhere the
    # pipes' end is the signal, and a child that closed them is bounded by its CPU limit.
    pidfd = os.pidfd_open(proc.pid) if hasattr(os, "pidfd_open") else None
    stdin_fd, stdout_fd, stderr_fd = proc.stdin.fileno(), proc.stdout.fileno(), proc.stderr.fileno()
    for fd in (stdin_fd, stdout_fd, stderr_fd):
        os.set_blocking(fd, False)
    offset = 0
    with selectors.DefaultSelector() as selector:
        selector.register(stdin_fd, selectors.EVENT_WRITE)
        selector.register(stdout_fd, selectors.EVENT_READ)
        selector.register(stderr_fd, selectors.EVENT_READ)
        if pidfd is not None:
            selector.register(pidfd, selectors.EVENT_READ)
        try:
            while selector.get_map():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    exchange.timed_out = True
                    return
                for key, _ in selector.select(remaining):
                    fd = key.fd
                    if fd == pidfd:
                        selector.unregister(fd)
                    elif fd == stdin_fd:
                        try:
                            offset += os.write(fd, request[offset : offset + _CHUNK])
                        except BlockingIOError:
                            continue
                        except BrokenPipeError:
                            offset = len(request)
                        if offset >= len(request):
                            selector.unregister(fd)
                            proc.stdin.close()
                    else:
                        chunk = os.read(fd, _CHUNK)
                        if not chunk:
                            selector.unregister(fd)
                        elif fd == stdout_fd:
                            exchange.result += chunk
                            if len(exchange.result) > max_result:
                                exchange.overflowed = True
                                return
                        elif len(exchange.logs) < limits.max_log_bytes:
                            exchange.logs += chunk[: limits.max_log_bytes - len(exchange.logs)]
        finally:
            if pidfd is not None:
                os.close(pidfd)
    _reap(proc, exchange)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def _reap(proc: subprocess.Popen[bytes], exchange: _Exchange) -> None:
    # The child cannot fork, but make sure nothing of its group outlives the run. Before wait4:
    # until the child is reaped its pid (the group id) cannot be reused by an unrelated process.
    _kill_group(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    exchange.status = os.waitstatus_to_exitcode(status)
    exchange.cpu_seconds = usage.ru_utime + usage.ru_stime
    proc.returncode = exchange.status


def _interpret(exchange: _Exchange, limits: SandboxLimits) -> dict[str, Any]:
    """The child's success frame, or the error the run ended with."""
    if exchange.timed_out:
        raise CodeTimeoutError(
            f"The code ran longer than {limits.wall_seconds:g} s (wall clock) and was stopped."
        )
    if exchange.overflowed:
        raise CodeOutputError(
            f"The code wrote more than {limits.max_output_bytes} bytes of output and was stopped."
        )
    frame = _parse_frame(bytes(exchange.result))
    if frame is not None:
        if frame.get("ok") is True and "output" in frame:
            if len(exchange.result) > limits.max_output_bytes + _ENVELOPE_BYTES:
                raise CodeOutputError(f"The code returned more than {limits.max_output_bytes} bytes of JSON.")
            return frame
        error = _ERRORS.get(str(frame.get("error")), CodeError)
        raise error(str(frame.get("message", "The code failed.")))
    status = exchange.status
    if status == -signal.SIGXCPU or (
        status == -signal.SIGKILL and exchange.cpu_seconds >= limits.cpu_seconds
    ):
        raise CodeTimeoutError(f"The code used more than {limits.cpu_seconds} s of CPU time and was stopped.")
    if b"MemoryError" in exchange.logs:
        raise CodeMemoryError(f"The code ran out of memory (limit {limits.memory_mb} MB).")
    if status is not None and status < 0:
        raise CodeError(
            f"The code's process was killed by {_signal_name(-status)} before returning a result."
        )
    if exchange.result:
        raise CodeOutputError("The code wrote something that is not a valid result to the result channel.")
    raise CodeError(f"The code's process ended without returning a result (exit status {status}).")


def _parse_frame(data: bytes) -> dict[str, Any] | None:
    """The child's one JSON frame, or None; strict JSON (no NaN/Infinity), since the child is untrusted."""
    if not data:
        return None
    try:
        frame = json.loads(data, parse_constant=_reject_constant)
    except ValueError:
        return None
    return frame if isinstance(frame, dict) else None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
