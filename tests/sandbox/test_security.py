"""The security suite: each attack is blocked with the specific error class and a clear message.

Attacks come in two flavours: the direct one a curious user would try (``import os``), and the
escape a determined one would use (``object.__subclasses__()`` to reach the real builtins and
modules the interpreter already loaded). Escapes get past the import allow-list by design; the
audit hook and the operating-system layers must still stop the operation itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from functions.code_sandbox import (
    CodeError,
    CodeMemoryError,
    CodeOutputError,
    CodeSecurityError,
    CodeTimeoutError,
    SandboxError,
    SandboxLimits,
    run_python,
    run_sandboxed,
)
from functions.code_sandbox.sandbox import RUNNER, isolation_prefix

# Helpers prepended to escape attacks: the real builtins, and a module found through a class.
ESCAPE = """
def real_builtins():
    for cls in ().__class__.__base__.__subclasses__():
        g = getattr(cls.__dict__.get('__init__'), '__globals__', None)
        if g and '__builtins__' in g:
            b = g['__builtins__']
            return b if isinstance(b, dict) else b.__dict__
    raise AssertionError('no escape found')

def real_import(name):
    return real_builtins()['__import__'](name)
"""
LOADED_OS = """
def loaded_os():
    import random  # allowed, and it loads os as a side effect
    for cls in ().__class__.__base__.__subclasses__():
        g = getattr(cls.__dict__.get('__init__'), '__globals__', None)
        if g and 'system' in g and 'fork' in g:
            return g
    raise AssertionError('os not reachable')
"""


def main_with(body: str, escape: bool = False) -> str:
    helpers = (ESCAPE + (LOADED_OS if "loaded_os(" in body else "")) if escape else ""
    return helpers + "def main(input):\n" + "".join(f"    {line}\n" for line in body.splitlines())


WRITE_TARGET = "/tmp/wfaib-pwned"

# (id, code, expected error class, message fragment)
ATTACKS: list[tuple[str, str, type[SandboxError], str]] = [
    ("read-etc-passwd", main_with("return open('/etc/passwd').read()"), CodeSecurityError, "'/etc/passwd'"),
    (
        "read-proc-environ",
        main_with("return open('/proc/self/environ').read()"),
        CodeSecurityError,
        "environ",
    ),
    (
        "read-proc-maps",
        main_with("return open('/proc/self/maps').read()"),
        CodeSecurityError,
        "/proc/self/maps",
    ),
    (
        "read-parent-memory",
        main_with("return open('/proc/1/mem', 'rb').read(16)"),
        CodeSecurityError,
        "/proc/1/mem",
    ),
    ("read-runner-source", main_with(f"return open({str(RUNNER)!r}).read()"), CodeSecurityError, "runner.py"),
    (
        "climb-out-of-scratch",
        main_with("return open('../../../../etc/hostname').read()"),
        CodeSecurityError,
        "scratch",
    ),
    ("open-file-descriptor", main_with("return open(3, 'w').write('x')"), CodeSecurityError, "by name"),
    (
        "write-tmp",
        main_with("open('/tmp/wfaib-pwned', 'w').write('x')"),
        CodeSecurityError,
        "/tmp/wfaib-pwned",
    ),
    ("import-os", main_with("import os\nreturn os.listdir('/')"), CodeSecurityError, "importing 'os'"),
    (
        "import-subprocess",
        main_with("import subprocess\nreturn subprocess.run(['id'])"),
        CodeSecurityError,
        "'subprocess'",
    ),
    ("import-socket", main_with("import socket"), CodeSecurityError, "importing 'socket'"),
    (
        "import-ctypes",
        main_with("import ctypes\nreturn ctypes.CDLL(None).getpid()"),
        CodeSecurityError,
        "'ctypes'",
    ),
    ("import-multiprocessing", main_with("import multiprocessing"), CodeSecurityError, "'multiprocessing'"),
    ("import-threading", main_with("import threading"), CodeSecurityError, "'threading'"),
    (
        "import-sys",
        main_with("import sys\nsys.setrecursionlimit(10**9)"),
        CodeSecurityError,
        "importing 'sys'",
    ),
    ("import-signal", main_with("import signal\nsignal.alarm(1)"), CodeSecurityError, "importing 'signal'"),
    (
        "import-importlib",
        main_with("import importlib\nreturn importlib.import_module('os').getcwd()"),
        CodeSecurityError,
        "'importlib'",
    ),
    ("import-gc", main_with("import gc\nreturn len(gc.get_objects())"), CodeSecurityError, "importing 'gc'"),
    ("dunder-import", main_with("return __import__('os').system('id')"), CodeSecurityError, "importing 'os'"),
    (
        "builtins-dict-open",
        main_with("return __builtins__['open']('/etc/shadow').read()"),
        CodeSecurityError,
        "/etc/shadow",
    ),
    ("exec-with-fresh-globals", main_with("exec('import os', {})"), CodeSecurityError, "importing 'os'"),
    (
        "eval-compiled-open",
        main_with("return eval(compile(\"open('/etc/hostname').read()\", 'x', 'eval'))"),
        CodeSecurityError,
        "/etc/hostname",
    ),
    (
        "escape-import-denied-module",
        main_with("return real_import('pathlib').Path('/etc/passwd').read_text()", escape=True),
        CodeSecurityError,
        "importing 'pathlib'",
    ),
    (
        "escape-os-system",
        main_with("return loaded_os()['system']('id')", escape=True),
        CodeSecurityError,
        "os.system",
    ),
    (
        "escape-posix-spawn",
        main_with("os = loaded_os()\nreturn os['posix_spawn']('/bin/sh', ['sh'], {})", escape=True),
        CodeSecurityError,
        "os.posix_spawn",
    ),
    (
        "escape-exec",
        main_with("return real_import('posix').execv('/bin/sh', ['sh'])", escape=True),
        CodeSecurityError,
        "os.exec",
    ),
    (
        "escape-fork-bomb",
        main_with("posix = real_import('posix')\nwhile True:\n    posix.fork()", escape=True),
        CodeSecurityError,
        "os.fork",
    ),
    (
        "escape-kill-parent",
        main_with("posix = real_import('posix')\nposix.kill(posix.getppid(), 9)", escape=True),
        CodeSecurityError,
        "os.kill",
    ),
    (
        "escape-os-open-write",
        main_with(
            "posix = real_import('posix')\nposix.open('/tmp/wfaib-pwned', posix.O_WRONLY | posix.O_CREAT)",
            escape=True,
        ),
        CodeSecurityError,
        "/tmp/wfaib-pwned",
    ),
    (
        "escape-symlink",
        main_with("real_import('posix').symlink('/etc/passwd', 'link')", escape=True),
        CodeSecurityError,
        "os.symlink",
    ),
    (
        "escape-listdir-root",
        main_with("return real_import('posix').listdir('/')", escape=True),
        CodeSecurityError,
        "'/'",
    ),
    (
        "escape-chdir",
        main_with("real_import('posix').chdir('/')", escape=True),
        CodeSecurityError,
        "os.chdir",
    ),
    (
        "escape-subprocess",
        main_with("return real_import('subprocess').run(['id'])", escape=True),
        CodeSecurityError,
        "importing 'subprocess'",
    ),
    (
        "escape-ctypes",
        main_with("return real_import('ctypes').CDLL(None)", escape=True),
        CodeSecurityError,
        "importing 'ctypes'",
    ),
    (
        "escape-socket-connect",
        main_with("s = real_import('_socket')", escape=True),
        CodeSecurityError,
        "importing '_socket'",
    ),
    (
        "escape-dns",
        main_with("return real_import('socket').getaddrinfo('example.com', 443)", escape=True),
        CodeSecurityError,
        "'socket'",
    ),
    (
        "escape-thread-bomb",
        main_with(
            "t = real_import('_thread')\nwhile True:\n    t.start_new_thread(lambda: None, ())", escape=True
        ),
        CodeSecurityError,
        "importing '_thread'",
    ),
    (
        "escape-signal-alarm",
        main_with("real_import('_signal').alarm(1)", escape=True),
        CodeSecurityError,
        "importing '_signal'",
    ),
    (
        "escape-gc-objects",
        main_with("return len(real_import('gc').get_objects())", escape=True),
        CodeSecurityError,
        "importing 'gc'",
    ),
    (
        "escape-settrace",
        main_with("real_import('sys').settrace(lambda *a: None)", escape=True),
        CodeSecurityError,
        "sys.settrace",
    ),
    (
        "escape-thread-via-importlib",
        main_with(
            "t = real_import('sys').modules['_frozen_importlib']._thread\n"
            "while True:\n"
            "    t.start_new_thread(lambda: None, ())",
            escape=True,
        ),
        CodeError,
        "can't start new thread",
    ),
    (
        "escape-getframe",
        main_with("return list(real_import('sys')._getframe().f_back.f_globals)", escape=True),
        CodeSecurityError,
        "sys._getframe",
    ),
    (
        "traceback-frame-walk",
        main_with(
            """\
try:
    1 / 0
except ZeroDivisionError as exc:
    return list(exc.__traceback__.tb_frame.f_back.f_globals)"""
        ),
        CodeSecurityError,
        "tb_frame",
    ),
    (
        "generator-frame-walk",
        main_with("g = (x for x in [1])\nreturn list(g.gi_frame.f_back.f_globals)"),
        CodeSecurityError,
        "gi_frame",
    ),
    (
        "swap-function-code",
        main_with(
            "f = real_builtins()['__import__']\ndef g(*a, **k): pass\nreal_import.__code__ = g.__code__",
            escape=True,
        ),
        CodeSecurityError,
        "__code__",
    ),
    (
        "forge-bytecode",
        main_with("c = (lambda: 0).__code__\nreturn c.replace(co_code=b'\\x00' * len(c.co_code)).co_name"),
        CodeSecurityError,
        "code.__new__",
    ),
    (
        "raise-rlimits",
        main_with(
            "r = real_import('sys').modules['__main__'].resource\nr.setrlimit(r.RLIMIT_CPU, (-1, -1))",
            escape=True,
        ),
        CodeSecurityError,
        "resource.setrlimit",
    ),
    (
        "too-many-files",
        main_with("for i in range(100):\n    open(f'f{i}', 'w').close()"),
        CodeSecurityError,
        "at most 8 files",
    ),
    (
        "huge-file-in-scratch",
        main_with("with open('big', 'wb') as f:\n    f.write(b'x' * 20_000_000)"),
        CodeSecurityError,
        "file size limit",
    ),
    ("memory-bomb", main_with("return len(bytearray(2 ** 34))"), CodeMemoryError, "out of memory"),
    (
        "memory-growth",
        main_with("chunks = []\nwhile True:\n    chunks.append(b'x' * 10_000_000)"),
        CodeMemoryError,
        "out of memory",
    ),
    ("infinite-loop", main_with("while True:\n    pass"), CodeTimeoutError, "CPU time"),
    (
        "sleep-loop",
        main_with("import time\nwhile True:\n    time.sleep(0.05)"),
        CodeTimeoutError,
        "wall clock",
    ),
    ("giant-output", main_with("return 'x' * 100_000"), CodeOutputError, "the limit is 4096 bytes"),
    (
        "giant-raw-write",
        main_with(
            """\
posix = real_import('posix')
for fd in range(3, 8):
    try:
        posix.write(fd, b'x' * 1_000_000)
    except OSError:
        pass
return 1""",
            escape=True,
        ),
        CodeOutputError,
        "more than 4096 bytes",
    ),
    (
        "close-result-channel",
        main_with(
            """\
posix = real_import('posix')
for fd in range(0, 16):
    try:
        posix.close(fd)
    except OSError:
        pass
return 1""",
            escape=True,
        ),
        CodeError,
        "without returning a result",
    ),
    (
        "recursion-limit-crash",
        main_with(
            "import json\n"
            "real_import('sys').setrecursionlimit(10 ** 8)\n"
            "return json.loads('[' * 1_000_000 + ']' * 1_000_000)",
            escape=True,
        ),
        CodeError,
        "killed by SIGSEGV",
    ),
    (
        "forge-nan-result",
        main_with(
            "posix = real_import('posix')\n"
            'posix.write(3, b\'{"ok":true,"output":NaN}\\n\')\n'
            "posix._exit(0)",
            escape=True,
        ),
        CodeOutputError,
        "not a valid result",
    ),
    (
        "escape-marshal-bytecode",
        main_with("return real_import('marshal').loads(b'\\xe3' + bytes(60))", escape=True),
        CodeSecurityError,
        "marshal.loads",
    ),
    (
        "escape-mkfifo-outside-scratch",
        main_with("real_import('posix').mkfifo('/tmp/wfaib-pwned')", escape=True),
        CodeError,
        "PermissionError: [Errno 1] Operation not permitted",
    ),
    (
        "poison-runner-json",
        main_with(
            """\
class Fake:
    dumps = staticmethod(lambda *a, **k: 'not json')
real_import('sys').modules['__main__'].json = Fake
return 1""",
            escape=True,
        ),
        CodeOutputError,
        "not a valid result",
    ),
]


# Attacks that need other limits than the quick ones, keyed by the attack's code.
LIMIT_OVERRIDES = {
    next(a[1] for a in ATTACKS if a[0] == "sleep-loop"): {"wall_seconds": 1.0},
    # Page faults count as CPU time: on a busy machine a second of it may run out before 256 MB do.
    next(a[1] for a in ATTACKS if a[0] == "memory-growth"): {"cpu_seconds": 10},
}


@pytest.mark.parametrize(
    ("attack", "expected", "fragment"), [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS]
)
def test_attack_is_blocked(
    attack: str, expected: type[SandboxError], fragment: str, quick: SandboxLimits
) -> None:
    limits = quick.model_copy(update={"max_file_bytes": 1_000_000, **LIMIT_OVERRIDES.get(attack, {})})
    target = Path(WRITE_TARGET)
    if WRITE_TARGET in attack:
        target.unlink(missing_ok=True)
    with pytest.raises(SandboxError) as caught:
        run_python(attack, {}, limits)
    if WRITE_TARGET in attack:
        assert not target.exists(), "the attack wrote outside its scratch directory"
    assert type(caught.value) is expected, f"{type(caught.value).__name__}: {caught.value}"
    assert fragment in str(caught.value)


def test_adding_an_audit_hook_is_refused(quick: SandboxLimits) -> None:
    # CPython swallows an Exception raised for "sys.addaudithook" and does not add the hook.
    source = main_with(
        "seen = []\n"
        "real_import('sys').addaudithook(lambda event, args: seen.append(event))\n"
        "open('probe', 'w').close()\n"
        "return len(seen)",
        escape=True,
    )
    assert run_python(source, None, quick) == 0


def test_attack_list_is_large_and_distinct() -> None:
    assert len(ATTACKS) >= 30
    assert len({a[0] for a in ATTACKS}) == len({a[1] for a in ATTACKS}) == len(ATTACKS)


def test_aws_credentials_in_the_parent_are_invisible(
    monkeypatch: pytest.MonkeyPatch, quick: SandboxLimits
) -> None:
    secrets = {
        "AWS_ACCESS_KEY_ID": "fake-access-key-id-1234",
        "AWS_SECRET_ACCESS_KEY": "fake/secret/key/that/must/not/leak",
        "AWS_SESSION_TOKEN": "fake-session-token",
        "WFAIB_DB_PASSWORD": "hunter2",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    source = main_with(
        "os = loaded_os()\n"
        "seen = dict(os['environ'])\n"
        "seen.update({k: os['getenv'](k) for k in input if os['getenv'](k)})\n"
        "return seen",
        escape=True,
    )
    environment = run_python(source, list(secrets), quick)
    assert not set(secrets) & set(environment)
    assert not set(secrets.values()) & set(environment.values())


@pytest.fixture
def loopback_server() -> Iterator[socket.socket]:
    server = socket.create_server(("127.0.0.1", 0))
    server.setblocking(False)
    yield server
    server.close()


def test_network_connect_to_a_loopback_server_fails(
    loopback_server: socket.socket, quick: SandboxLimits
) -> None:
    port = loopback_server.getsockname()[1]
    source = main_with(
        "s = real_import('socket').create_connection(('127.0.0.1', input))\ns.sendall(b'leak')", escape=True
    )
    with pytest.raises(CodeSecurityError, match="importing 'socket'"):
        run_python(source, port, quick)
    with pytest.raises(BlockingIOError):
        loopback_server.accept()


def test_the_network_namespace_layer_has_no_route_even_to_loopback(loopback_server: socket.socket) -> None:
    """The OS layer alone (no audit hook): a process in the sandbox's namespace cannot connect."""
    prefix = isolation_prefix()
    if not prefix:
        pytest.skip("this host allows no new network namespace; the audit hook is the only network barrier")
    port = loopback_server.getsockname()[1]
    probe = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)"
    completed = subprocess.run(
        [*prefix, sys.executable, "-I", "-c", probe], capture_output=True, env={}, check=False
    )
    assert completed.returncode != 0
    assert b"OSError" in completed.stderr or b"unreachable" in completed.stderr
    with pytest.raises(BlockingIOError):
        loopback_server.accept()


def test_the_run_reports_the_layers_this_host_provides(quick: SandboxLimits) -> None:
    layers = run_sandboxed(main_with("return 1"), None, quick).layers
    expected = ["rlimits", "audit-hook"]
    if isolation_prefix():
        expected.insert(0, "network-namespace")
    if os.geteuid() == 0:
        expected.append("unprivileged-user")
    if os.uname().machine in {"x86_64", "aarch64"} and "Seccomp:" in Path("/proc/self/status").read_text():
        expected.append("seccomp")
    assert layers == expected


SYSCALL_PROBE = """
import errno, os, runpy, socket, sys
install = runpy.run_path(sys.argv[1], run_name="probe")["_install_syscall_filter"]
assert install(), "filter refused"
results = {}
for name, attempt in [
    ("socket", lambda: socket.socket()),
    ("fork", os.fork),
    ("exec", lambda: os.execv("/bin/true", ["true"])),
    ("mknod", lambda: os.mkfifo("fifo")),
    ("kill", lambda: os.kill(os.getppid(), 0)),
    ("symlink", lambda: os.symlink("/etc/passwd", "link")),
]:
    try:
        attempt()
        results[name] = "allowed"
    except OSError as exc:
        results[name] = errno.errorcode[exc.errno]
print(results)
"""


def test_the_syscall_filter_alone_refuses_network_processes_and_nodes(tmp_path: Path) -> None:
    """The kernel layer without the audit hook: what a full escape from Python would still meet."""
    if os.uname().machine not in {"x86_64", "aarch64"}:
        pytest.skip("the syscall filter covers x86_64 and aarch64 only")
    completed = subprocess.run(
        [sys.executable, "-I", "-c", SYSCALL_PROBE, str(RUNNER)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == str(
        dict.fromkeys(("socket", "fork", "exec", "mknod", "kill", "symlink"), "EPERM")
    )
    assert list(tmp_path.iterdir()) == []


def test_code_runs_unprivileged_when_the_platform_is_root(quick: SandboxLimits) -> None:
    """The OS layer behind the hook: even a full escape acts as nobody, with forks refused by the kernel."""
    uid = run_python(main_with("return real_import('posix').getuid()", escape=True), None, quick)
    if os.geteuid() == 0:
        assert uid == 65534
    else:
        assert uid == os.geteuid()


def test_platform_still_serves_and_leaves_no_process_after_a_barrage(
    quick: SandboxLimits, scratch_root: Path, processes_mentioning: Callable[[str], list[int]]
) -> None:
    barrage = [
        a
        for a in ATTACKS
        if a[0]
        in {
            "escape-fork-bomb",
            "escape-kill-parent",
            "memory-growth",
            "close-result-channel",
            "recursion-limit-crash",
            "escape-thread-bomb",
            "sleep-loop",
            "giant-raw-write",
        }
    ]
    assert len(barrage) == 8
    for _, attack, expected, _ in barrage:
        limits = quick.model_copy(update=LIMIT_OVERRIDES.get(attack, {}))
        with pytest.raises(expected):
            run_sandboxed(attack, {}, limits, scratch_root=scratch_root)
    assert run_sandboxed(
        main_with("return {'still': 'serving', 'got': input}"), 7, quick, scratch_root=scratch_root
    ).output == {"still": "serving", "got": 7}
    assert processes_mentioning(str(scratch_root)) == []
    assert list(scratch_root.iterdir()) == []
