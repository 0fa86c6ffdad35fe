"""Child side of the ``code.python`` sandbox: runs one user ``main(input)`` and reports one JSON frame.

The parent (``sandbox.py``) starts this file as ``python -I -S -B runner.py SCRATCH`` with an empty
environment, in a new session (and, where the host allows it, a new network namespace), sends one
JSON request on stdin and reads one JSON frame from stdout. Everything here runs *before* user code
is trusted platform code; the order of ``main()`` is the security design:

1. read the request and compile the user code (as the starting user);
2. import the allow-listed modules the code names, while the interpreter can still read them;
3. set resource limits (CPU, address space, file size, open files, processes, core dumps);
4. drop to an unprivileged uid/gid when started as root (then ``RLIMIT_NPROC`` really applies);
5. install a seccomp filter: the kernel refuses sockets, new processes and threads, exec,
   signals, device/FIFO nodes, links and namespaces even if everything in Python fails;
6. install an audit hook (``sys.addaudithook`` cannot be undone from Python) that refuses
   files outside the scratch directory, sockets, processes, signals to others, ctypes, frame
   introspection, unmarshalling code and imports of dangerous modules, with clear messages;
7. run the code with a builtins copy whose ``__import__`` only admits the allow-list.

Only the standard library is imported here: the child starts with ``-S`` (no site-packages).
The hook uses nothing but its own default arguments and locals, because user code can reach and
rewrite module globals (including ``builtins``) through ``object.__subclasses__()`` escapes.
"""

from __future__ import annotations

import json
import posix
import resource
import sys
from types import CodeType, MappingProxyType, ModuleType

# Not `from typing import TYPE_CHECKING`: importing typing costs ~10 ms per run (mypy knows the name).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import TracebackType
    from typing import Any

__all__ = ["ALLOWED_MODULES", "main"]

#: Modules a code node may import (top-level names; their submodules are allowed too).
ALLOWED_MODULES = frozenset(
    {
        "base64",
        "binascii",
        "bisect",
        "calendar",
        "collections",
        "copy",
        "csv",
        "dataclasses",
        "datetime",
        "decimal",
        "difflib",
        "enum",
        "fractions",
        "functools",
        "hashlib",
        "heapq",
        "hmac",
        "html",
        "ipaddress",
        "itertools",
        "json",
        "math",
        "numbers",
        "operator",
        "pprint",
        "random",
        "re",
        "secrets",
        "statistics",
        "string",
        "struct",
        "textwrap",
        "time",
        "typing",
        "unicodedata",
        "uuid",
        "zlib",
        "zoneinfo",
    }
)

# Modules the audit hook refuses to load by any route (escapes included). Imports of modules that
# are neither allowed nor listed here only happen through escapes and give no new power: every
# dangerous *operation* is refused by its own audit event as well.
_DENIED_MODULES = frozenset(
    {
        "_ctypes",
        "_signal",
        "_thread",
        "_multiprocessing",
        "_posixshmem",
        "_posixsubprocess",
        "_socket",
        "_ssl",
        "_testcapi",
        "_testinternalcapi",
        "_xxsubinterpreters",
        "_xxinterpchannels",
        "_interpreters",
        "_testbuffer",
        "_testmultiphase",
        "_testsinglephase",
        "_testimportmultiple",
        "_testclinic",
        "_lsprof",
        "asyncio",
        "cffi",
        "_cffi_backend",
        "concurrent",
        "ctypes",
        "fcntl",
        "gc",
        "importlib",
        "inspect",
        "mmap",
        "multiprocessing",
        "os",
        "pathlib",
        "pickle",
        "pty",
        "resource",
        "select",
        "selectors",
        "shutil",
        "signal",
        "socket",
        "ssl",
        "subprocess",
        "sys",
        "tempfile",
        "threading",
        "urllib",
        "http",
        "pwd",
        "grp",
    }
)

# Audit event namespaces ("socket" covers "socket.connect", ...) refused outright, with the reason
# the user sees. Read-only mappings: user code can reach this module's globals.
_BLOCKED_NAMESPACES = MappingProxyType(
    {
        "socket": "network access",
        "subprocess": "starting processes",
        "os": "operating-system calls",
        "shutil": "operating-system calls",
        "ctypes": "loading native code",
        "_thread": "starting threads",
        "signal": "sending signals",
        "resource": "changing resource limits",
        "gc": "walking the garbage collector",
        "mmap": "mapping memory",
        "fcntl": "file-descriptor control",
        "pty": "starting processes",
        "pickle": "unpickling",
        "code": "building code objects",
        "urllib": "network access",
        "http": "network access",
        "ftplib": "network access",
        "smtplib": "network access",
        "poplib": "network access",
        "imaplib": "network access",
        "nntplib": "network access",
        "telnetlib": "network access",
        "webbrowser": "starting processes",
        "sqlite3": "opening databases",
        "winreg": "the registry",
    }
)
_BLOCKED_EVENTS = MappingProxyType(
    {
        "sys.settrace": "installing a trace function",
        "sys.setprofile": "installing a profile function",
        "sys._current_frames": "frame introspection",
        "sys._current_exceptions": "frame introspection",
        "sys.addaudithook": "adding audit hooks",
        "builtins.breakpoint": "the debugger",
        "cpython.run_command": "running a new interpreter",
        "cpython.run_file": "running a new interpreter",
        "cpython.run_module": "running a new interpreter",
        "cpython.run_startup": "running a new interpreter",
        "cpython.run_interactivehook": "running a new interpreter",
    }
)
# os.* events that module imports raise (importlib lists package folders); allowed on read roots.
_LISTING_EVENTS = frozenset({"os.listdir", "os.scandir"})
# Unmarshalled code objects can hold arbitrary bytecode (a known route around audit hooks). Imports
# need marshal, so every module the code uses is imported before the hook goes in.
_CODE_LOADING_EVENTS = frozenset({"marshal.loads", "marshal.load"})
_ATTRIBUTE_EVENTS = frozenset({"object.__setattr__", "object.__delattr__"})
_FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})
_WRITE_FLAGS = posix.O_WRONLY | posix.O_RDWR | posix.O_CREAT | posix.O_TRUNC | posix.O_APPEND
_CODE_FILENAME = "<code>"
_MODULE_NAME = "code_node"
# Error messages are for people (and fit in the parent's read buffer with room to spare).
_MAX_MESSAGE_CHARS = 2000
# Codecs looked up by name at run time; imported up front because the interpreter may not be
# readable any more once privileges are dropped.
_PRELOADED_CODECS = (
    "ascii",
    "latin_1",
    "utf_8_sig",
    "utf_16",
    "utf_16_le",
    "utf_16_be",
    "utf_32",
    "cp1252",
    "unicode_escape",
    "raw_unicode_escape",
)


class SandboxViolation(PermissionError):
    """An operation the sandbox refuses (raised by the audit hook)."""


class BlockedImport(ImportError):
    """An import the sandbox refuses."""


class BlockedIntrospection(AttributeError, ValueError):
    """Frame introspection refused; ValueError/AttributeError so stdlib fallbacks still work."""


_VIOLATIONS = (SandboxViolation, BlockedImport, BlockedIntrospection)


def _normalize(path: str, cwd: str) -> str:
    # Pure string work on purpose: posixpath is a module user code could rewrite.
    if not path.startswith("/"):
        path = cwd + "/" + path
    parts: list[str] = []
    for part in path.split("/"):
        if part in {"", "."}:
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def _make_audit_hook(
    scratch: str, read_roots: tuple[str, ...], max_files: int
) -> tuple[Callable[[str, tuple[Any, ...]], None], list[bool]]:
    """Build the hook and the flag that lets the runner read traceback frames after the code ran."""
    frames_unlocked = [False]
    files_written = [0]

    def hook(
        event: str,
        args: tuple[Any, ...],
        *,
        _scratch: str = scratch,
        _roots: tuple[str, ...] = read_roots,
        _unlocked: list[bool] = frames_unlocked,
        _written: list[int] = files_written,
        _max_files: int = max_files,
        _norm: Callable[[str, str], str] = _normalize,
        _type: Any = type,
        _str: Any = str,
        _bytes: Any = bytes,
        _int: Any = int,
        _namespaces: Mapping[str, str] = _BLOCKED_NAMESPACES,
        _events: Mapping[str, str] = _BLOCKED_EVENTS,
        _listing: frozenset[str] = _LISTING_EVENTS,
        _frame_attrs: frozenset[str] = _FRAME_ATTRIBUTES,
        _attribute_events: frozenset[str] = _ATTRIBUTE_EVENTS,
        _code_loading: frozenset[str] = _CODE_LOADING_EVENTS,
        _denied: frozenset[str] = _DENIED_MODULES,
        _write_flags: int = _WRITE_FLAGS,
        _violation: Any = SandboxViolation,
        _blocked_import: Any = BlockedImport,
        _blocked_frame: Any = BlockedIntrospection,
    ) -> None:
        if event == "open" or event in _listing:
            path = args[0]
            if _type(path) is _bytes:
                path = path.decode("utf-8", "surrogateescape")
            if _type(path) is not _str:
                raise _violation(f"blocked: opening {path!r}; a code node may only open files by name")
            full = _norm(path, _scratch)
            if full == _scratch or full.startswith(_scratch + "/"):
                if event == "open":
                    flags = args[2]
                    if _type(flags) is _int and flags & _write_flags:
                        _written[0] += 1
                        if _written[0] > _max_files:
                            raise _violation(
                                f"blocked: writing {path!r}; a code node may write at most {_max_files} files"
                            )
                return
            flags = args[2] if event == "open" else 0
            writes = _type(flags) is not _int or flags & _write_flags
            if not writes:
                for root in _roots:
                    if full == root or full.startswith(root + "/"):
                        return
            raise _violation(
                f"blocked: access to {path!r}; a code node may only use files in its scratch directory"
            )
        if event == "import":
            name = args[0]
            if _type(name) is _str and name.partition(".")[0] in _denied:
                raise _blocked_import(f"blocked: importing {name!r} is not allowed in a code node")
            return
        if event == "object.__getattr__":
            if args[1] in _frame_attrs and not _unlocked[0]:
                raise _blocked_frame(f"blocked: reading {args[1]!r} (frame introspection)")
            return
        if event in _attribute_events:
            if args[1] == "__code__":
                raise _violation(f"blocked: {event} on '__code__' (swapping a function's code)")
            return
        if event in _code_loading:
            raise _blocked_import(f"blocked: {event} (loading compiled code) is not allowed in a code node")
        if event == "sys._getframe":
            raise _blocked_frame("blocked: sys._getframe (frame introspection)")
        reason = _events.get(event) or _namespaces.get(event.partition(".")[0])
        if reason is not None:
            raise _violation(f"blocked: {event} ({reason}) is not allowed in a code node")

    return hook, frames_unlocked


def _guarded_import_factory() -> Callable[..., Any]:
    def guarded_import(
        name: str,
        globals: Any = None,
        locals: Any = None,
        fromlist: Any = (),
        level: int = 0,
        *,
        _allowed: frozenset[str] = ALLOWED_MODULES,
        _real: Callable[..., Any] = __import__,
        _loaded: dict[str, Any] = sys.modules,
        _blocked: Any = BlockedImport,
        _type: Any = type,
        _str: Any = str,
    ) -> Any:
        # C code (datetime.strptime -> _strptime) imports its private helpers through this function.
        private_and_loaded = _type(name) is _str and name.startswith("_") and name in _loaded
        if (
            level != 0
            or _type(name) is not _str
            or (name.partition(".")[0] not in _allowed and not private_and_loaded)
        ):
            raise _blocked(
                f"blocked: importing {name!r} is not allowed in a code node; "
                f"allowed modules: {', '.join(sorted(_allowed))}"
            )
        if name.partition(".")[0] not in _loaded:
            raise _blocked(
                f"blocked: importing {name!r} by a computed name; write `import "
                f"{name.partition('.')[0]}` in the code (imports are prepared before it runs)"
            )
        return _real(name, globals, locals, fromlist, level)

    return guarded_import


def _user_builtins() -> dict[str, Any]:
    import builtins

    names = dict(vars(builtins))
    for name in ("breakpoint", "input", "help", "exit", "quit", "copyright", "credits", "license"):
        names.pop(name, None)
    names["__import__"] = _guarded_import_factory()
    return names


def _code_names(code: CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _code_names(const)
    return names


def _preload(code: CodeType) -> None:
    """Import the allowed modules the code mentions while the interpreter files are readable."""
    for codec in _PRELOADED_CODECS:
        __import__("encodings." + codec)
    if posix.uname().machine in _SECCOMP_ARCHES:
        __import__("ctypes")  # for the syscall filter, installed after the privilege drop
    for name in sorted(_code_names(code) & ALLOWED_MODULES):
        __import__(name)
        if name in {"datetime", "time"}:
            __import__("_strptime")


def _apply_limits(limits: dict[str, int]) -> None:
    def cap(kind: int, soft: int, hard: int | None = None) -> None:
        current_hard = resource.getrlimit(kind)[1]
        wanted_hard = soft if hard is None else hard
        if current_hard != resource.RLIM_INFINITY:
            wanted_hard = min(wanted_hard, current_hard)
        resource.setrlimit(kind, (min(soft, wanted_hard), wanted_hard))

    cpu = limits["cpu_seconds"]
    cap(resource.RLIMIT_CPU, cpu, cpu + 1)
    cap(resource.RLIMIT_AS, limits["memory_mb"] * 1024 * 1024)
    cap(resource.RLIMIT_FSIZE, limits["max_file_bytes"])
    cap(resource.RLIMIT_NOFILE, limits["max_open_files"])
    cap(resource.RLIMIT_NPROC, 0)
    cap(resource.RLIMIT_CORE, 0)
    import signal

    # A write past RLIMIT_FSIZE then fails with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # Forget the signal and thread modules (the runner needs neither any more), so that reaching
    # them again means an import, which the hook refuses. RLIMIT_NPROC refuses threads as well.
    del sys.modules["signal"], sys.modules["_signal"], sys.modules["_thread"]


# System calls refused by the kernel (EPERM) once the filter is in, whatever happens in Python:
# networking, new processes and threads, exec, signals to others, device/FIFO nodes, links,
# namespaces, tracing and other processes' memory. Numbers from the kernel's syscall tables.
_SECCOMP_ARCHES = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_DENIED_SYSCALLS = {
    "x86_64": (
        41, 42, 49, 53,  # socket, connect, bind, socketpair
        56, 57, 58, 435,  # clone, fork, vfork, clone3
        59, 322,  # execve, execveat
        62, 200, 234, 424, 434,  # kill, tkill, tgkill, pidfd_send_signal, pidfd_open
        101, 310, 311,  # ptrace, process_vm_readv, process_vm_writev
        133, 259, 86, 265, 88, 266,  # mknod, mknodat, link, linkat, symlink, symlinkat
        272, 308, 165, 155, 161,  # unshare, setns, mount, pivot_root, chroot
        321, 323, 298, 425, 248, 249, 250,  # bpf, userfaultfd, perf_event_open, io_uring, keys
    ),
    "aarch64": (
        198, 203, 200, 199,  # socket, connect, bind, socketpair
        220, 435,  # clone, clone3
        221, 281,  # execve, execveat
        129, 130, 131, 424, 434,  # kill, tkill, tgkill, pidfd_send_signal, pidfd_open
        117, 270, 271,  # ptrace, process_vm_readv, process_vm_writev
        33, 37, 36,  # mknodat, linkat, symlinkat
        97, 268, 40, 41, 51,  # unshare, setns, mount, pivot_root, chroot
        280, 282, 241, 425, 217, 218, 219,  # bpf, userfaultfd, perf_event_open, io_uring, keys
    ),
}  # fmt: skip


def _install_syscall_filter() -> bool:
    """Install a seccomp filter (prctl through ctypes: the stdlib has no binding); False if refused.

    Hand-written because no seccomp library is installed; the program is small: check the
    architecture, refuse the listed numbers with EPERM, allow the rest.
    """
    arch = posix.uname().machine
    if arch not in _SECCOMP_ARCHES:
        return False
    import ctypes

    class SockFilter(ctypes.Structure):
        _fields_ = [
            ("code", ctypes.c_ushort),
            ("jt", ctypes.c_ubyte),
            ("jf", ctypes.c_ubyte),
            ("k", ctypes.c_uint32),
        ]

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

    load_word, jump_equal, jump_above_or_equal, ret = 0x20, 0x15, 0x35, 0x06
    allow, refuse, kill = 0x7FFF0000, 0x00050000 | 1, 0x80000000  # ERRNO(EPERM), KILL_PROCESS
    program = [
        (load_word, 0, 0, 4),  # seccomp_data.arch
        (jump_equal, 1, 0, _SECCOMP_ARCHES[arch]),
        (ret, 0, 0, kill),
        (load_word, 0, 0, 0),  # seccomp_data.nr
    ]
    if arch == "x86_64":  # the x32 ABI numbers
        program += [(jump_above_or_equal, 0, 1, 0x40000000), (ret, 0, 0, refuse)]
    for number in _DENIED_SYSCALLS[arch]:
        program += [(jump_equal, 0, 1, number), (ret, 0, 0, refuse)]
    program.append((ret, 0, 0, allow))
    filters = (SockFilter * len(program))(*(SockFilter(*insn) for insn in program))
    fprog = SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
    installed = libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) == 0  # PR_SET_SECCOMP, MODE_FILTER
    for name in [name for name in sys.modules if name == "ctypes" or name.startswith(("ctypes.", "_ctypes"))]:
        del sys.modules[name]
    return bool(installed)


def _drop_privileges(uid: int, gid: int) -> None:
    posix.setgroups([])
    posix.setgid(gid)
    posix.setuid(uid)


def _write_frame(fd: int, frame: str) -> None:
    data = frame.encode("utf-8", "surrogatepass") + b"\n"
    while data:
        data = data[posix.write(fd, data) :]


def _error_frame(kind: str, message: str) -> str:
    if len(message) > _MAX_MESSAGE_CHARS:
        message = message[:_MAX_MESSAGE_CHARS] + " ... (truncated)"
    return json.dumps({"ok": False, "error": kind, "message": message}, ensure_ascii=True)


def _user_traceback(tb: TracebackType | None, source: list[str], unlocked: list[bool]) -> list[str]:
    """Traceback lines of the user's own frames only: no platform paths."""
    lines: list[str] = []
    unlocked[0] = True
    try:
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename == _CODE_FILENAME:
                lines.append(f"  line {tb.tb_lineno}, in {code.co_name}")
                if 0 < tb.tb_lineno <= len(source):
                    lines.append("    " + source[tb.tb_lineno - 1].strip())
            tb = tb.tb_next
    finally:
        unlocked[0] = False
    return lines


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = "<unprintable exception>"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _violation_in(exc: BaseException) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, _VIOLATIONS):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _failure_frame(
    exc: BaseException, source: list[str], unlocked: list[bool], limits: dict[str, int]
) -> str:
    violation = _violation_in(exc)
    if violation is not None:
        return _error_frame("CodeSecurityError", str(violation))
    if isinstance(exc, MemoryError):
        return _error_frame(
            "CodeMemoryError", f"The code ran out of memory (limit {limits['memory_mb']} MB)."
        )
    if isinstance(exc, OSError) and exc.errno == 27:  # EFBIG: RLIMIT_FSIZE reached
        return _error_frame(
            "CodeSecurityError",
            f"blocked: writing a file larger than {limits['max_file_bytes']} bytes (the file size limit)",
        )
    lines = _user_traceback(exc.__traceback__, source, unlocked)
    message = _describe(exc)
    if lines:
        message += "\nTraceback (code node):\n" + "\n".join(lines)
    return _error_frame("CodeError", message)


def _run(request: dict[str, Any], scratch: str, layers: list[str]) -> str:
    """Everything between the request and the one frame; see the module docstring for the order."""
    source_text: str = request["code"]
    limits: dict[str, int] = request["limits"]
    source = source_text.splitlines()
    try:
        compiled = compile(source_text, _CODE_FILENAME, "exec")
    except (SyntaxError, ValueError) as exc:
        line = f" (line {exc.lineno})" if isinstance(exc, SyntaxError) and exc.lineno else ""
        return _error_frame("CodeError", f"{type(exc).__name__}: {exc.args[0] if exc.args else exc}{line}")
    _preload(compiled)
    read_roots = tuple(_normalize(root, "/") for root in request["read_roots"])
    _apply_limits(limits)
    layers += ["rlimits", "audit-hook"]
    drop_to = request.get("drop_to")
    if drop_to:
        _drop_privileges(drop_to[0], drop_to[1])
        layers.append("unprivileged-user")
    if _install_syscall_filter():
        layers.append("seccomp")
    hook, unlocked = _make_audit_hook(_normalize(scratch, "/"), read_roots, limits["max_files"])
    # A real module, so that dataclasses, enum and pickle-free introspection find it in sys.modules.
    module = ModuleType(_MODULE_NAME)
    module.__builtins__ = _user_builtins()  # type: ignore[attr-defined]
    sys.modules[_MODULE_NAME] = module
    namespace = module.__dict__
    sys.addaudithook(hook)
    try:
        exec(compiled, namespace)
        entry = namespace.get("main")
        if not callable(entry):
            return _error_frame("CodeError", "The code must define a function main(input).")
        output = entry(request["input"])
    except BaseException as exc:
        return _failure_frame(exc, source, unlocked, limits)
    try:
        text = json.dumps(output, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except MemoryError:
        return _error_frame("CodeMemoryError", "The code's return value does not fit in memory.")
    except (TypeError, ValueError, RecursionError) as exc:
        return _error_frame("CodeOutputError", f"main() must return JSON data: {exc}")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits["max_output_bytes"]:
        return _error_frame(
            "CodeOutputError",
            f"main() returned {size} bytes of JSON; the limit is {limits['max_output_bytes']} bytes.",
        )
    return '{"ok":true,"output":' + text + "}"


def main() -> None:
    """Entry point: ``python -I -S -B runner.py SCRATCH`` with the request on stdin."""
    result_fd = posix.dup(1)
    posix.dup2(2, 1)  # print() from user code goes to the log stream, not the result channel
    request = json.loads(sys.stdin.buffer.read())
    sys.stdin.close()
    layers: list[str] = []
    frame = _run(request, sys.argv[1], layers)
    # Every frame is a JSON object: add which isolation layers this run had (for logs and tests).
    _write_frame(result_fd, frame[:-1] + ',"layers":' + json.dumps(layers) + "}")


if __name__ == "__main__":
    main()
