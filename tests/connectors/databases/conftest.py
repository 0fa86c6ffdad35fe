"""Real PostgreSQL, MariaDB and Redis servers for the database connector tests.

Each server is started once per test session (per xdist worker) in a temporary directory on a
free loopback port, with a user and password of its own, and stopped at the end. The binaries
come from the apt packages ``postgresql``, ``mariadb-server`` and ``redis-server``; when one is
missing the tests that need it fail and say which package to install (CI installs them).

PostgreSQL refuses to run as root, so under root its processes run as the ``postgres`` system
user the package creates; MariaDB runs with ``--user=root`` under root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from db_servers import DatabaseServer, free_port, make_tls

PASSWORD = "s3cret-Pa55word-db"
USER = "wfaib"
DATABASE = "app"
START_TIMEOUT = 30.0


def _binary(names: list[str], package: str) -> str:
    for name in names:
        found = shutil.which(name) or next(
            (path for path in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(path, os.X_OK)), None
        )
        if found:
            return found
    pytest.fail(f"{' / '.join(names)} not found: install the apt package `{package}` to run these tests")


def _postgres_bindir() -> Path:
    # Debian installs each major version side by side: take the newest.
    candidates = sorted(
        (p for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p).parent.name.isdigit()),
        key=lambda p: int(Path(p).parent.name),
        reverse=True,
    )
    for directory in candidates:
        if os.access(Path(directory) / "postgres", os.X_OK) and os.access(
            Path(directory) / "initdb", os.X_OK
        ):
            return Path(directory)
    on_path = shutil.which("initdb")
    if on_path and shutil.which("postgres"):
        return Path(on_path).parent
    pytest.fail(
        "PostgreSQL server binaries (initdb, postgres) not found: install the apt package `postgresql`"
    )


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], log: Path, name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}:\n{_tail(log)}")
        try:
            if ready():
                return
        except Exception:
            pass
        time.sleep(0.1)
    pytest.fail(f"{name} did not accept connections within {START_TIMEOUT:.0f} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-30:]) if log.exists() else "(no log)"


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _run(command: list[str], log: Path, **kwargs: Any) -> None:
    with log.open("ab") as out:
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False, **kwargs)
    if result.returncode != 0:
        pytest.fail(f"{Path(command[0]).name} failed ({result.returncode}):\n{_tail(log)}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[DatabaseServer]:
    """PostgreSQL (superuser ``wfaib`` with a password, scram-sha-256) and a database ``app``."""
    import psycopg

    bindir = _postgres_bindir()
    workdir = Path(tempfile.mkdtemp(prefix="wfaib-postgres-"))
    run_as: dict[str, Any] = {}
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail(
                "running as root needs the `postgres` system user: install the apt package `postgresql`"
            )
        os.chown(workdir, account.pw_uid, account.pw_gid)
        run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    (workdir / "pw").write_text(PASSWORD)
    tls = make_tls(workdir)
    if run_as:
        for path in (workdir / "pw", tls.cert, tls.key):
            os.chown(path, run_as["user"], run_as["group"])
    log = workdir / "server.log"
    _run(
        [
            str(bindir / "initdb"),
            "-D",
            str(workdir / "data"),
            "-U",
            USER,
            f"--pwfile={workdir / 'pw'}",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        ],
        log,
        **run_as,
    )
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                str(bindir / "postgres"),
                "-D",
                str(workdir / "data"),
                "-p",
                str(port),
                "-k",
                str(workdir),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "ssl=on",
                "-c",
                f"ssl_cert_file={tls.cert}",
                "-c",
                f"ssl_key_file={tls.key}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            **run_as,
        )
    conninfo = f"host=127.0.0.1 port={port} user={USER} password={PASSWORD} dbname=postgres connect_timeout=2"
    try:
        _wait_until(lambda: bool(psycopg.connect(conninfo).close() or True), process, log, "postgres")
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        yield DatabaseServer(
            "127.0.0.1", port, USER, PASSWORD, DATABASE, ca_pem=tls.ca_pem, other_ca_pem=tls.other_ca_pem
        )
    finally:
        _stop(process, signal.SIGINT)  # "fast" shutdown
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[DatabaseServer]:
    """MariaDB with a user ``wfaib`` (password) owning a database ``app``."""
    import pymysql

    server = _binary(["mariadbd", "mysqld"], "mariadb-server")
    install = _binary(["mariadb-install-db", "mysql_install_db"], "mariadb-server")
    workdir = Path(tempfile.mkdtemp(prefix="wfaib-mariadb-"))
    as_root = ["--user=root"] if os.geteuid() == 0 else []
    fast = [
        "--innodb-buffer-pool-size=16M",
        "--innodb-log-file-size=8M",
        "--innodb-flush-log-at-trx-commit=0",
        "--innodb-doublewrite=0",
        "--skip-name-resolve",
    ]
    log = workdir / "server.log"
    _run(
        [
            install,
            "--no-defaults",
            f"--datadir={workdir / 'data'}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            *as_root,
            *fast,
        ],
        log,
    )
    (workdir / "init.sql").write_text(
        f"CREATE DATABASE IF NOT EXISTS {DATABASE};\n"
        f"CREATE USER IF NOT EXISTS '{USER}'@'%' IDENTIFIED BY '{PASSWORD}';\n"
        f"GRANT ALL PRIVILEGES ON {DATABASE}.* TO '{USER}'@'%';\n"
    )
    tls = make_tls(workdir)
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                server,
                "--no-defaults",
                f"--datadir={workdir / 'data'}",
                f"--socket={workdir / 'mysqld.sock'}",
                f"--pid-file={workdir / 'mysqld.pid'}",
                f"--port={port}",
                "--bind-address=127.0.0.1",
                "--skip-networking=0",
                f"--init-file={workdir / 'init.sql'}",
                "--skip-log-bin",
                f"--ssl-cert={tls.cert}",
                f"--ssl-key={tls.key}",
                *as_root,
                *fast,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def ready() -> bool:
        pymysql.connect(
            host="127.0.0.1", port=port, user=USER, password=PASSWORD, database=DATABASE, connect_timeout=2
        ).close()
        return True

    try:
        _wait_until(ready, process, log, "mariadbd")
        yield DatabaseServer(
            "127.0.0.1", port, USER, PASSWORD, DATABASE, ca_pem=tls.ca_pem, other_ca_pem=tls.other_ca_pem
        )
    finally:
        _stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[DatabaseServer]:
    """Redis whose default user needs a password (``requirepass``), plain and TLS ports, nothing persisted."""
    import redis

    binary = _binary(["redis-server"], "redis-server")
    workdir = Path(tempfile.mkdtemp(prefix="wfaib-redis-"))
    tls = make_tls(workdir)
    port, tls_port = free_port(), free_port()
    log = workdir / "server.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
                "--requirepass",
                PASSWORD,
                "--tls-port",
                str(tls_port),
                "--tls-cert-file",
                str(tls.cert),
                "--tls-key-file",
                str(tls.key),
                "--tls-auth-clients",
                "no",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until(
            lambda: bool(redis.Redis(port=port, password=PASSWORD, socket_timeout=2).ping()),
            process,
            log,
            "redis-server",
        )
        yield DatabaseServer(
            "127.0.0.1",
            port,
            "default",
            PASSWORD,
            "0",
            ca_pem=tls.ca_pem,
            other_ca_pem=tls.other_ca_pem,
            tls_port=tls_port,
        )
    finally:
        _stop(process)
        shutil.rmtree(workdir, ignore_errors=True)
