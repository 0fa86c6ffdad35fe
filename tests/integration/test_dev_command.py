"""``wfaib dev`` as a user runs it: prints where everything is, serves, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from functions.api.auth import ROLE_PERMISSIONS
from integration.helpers import REPO_ROOT


def test_wfaib_dev_serves_until_ctrl_c_then_keeps_the_data(tmp_path: Path) -> None:
    # Given `wfaib dev` started on a free port without the examples
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from wfaib.cli import main; main()",
            "dev",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path),
            "--no-examples",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        printed = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            printed.append(line)
            if "Ctrl-C stops" in line:
                break
        output = "".join(printed)
        api = re.search(r"API\s+(http://127\.0\.0\.1:\d+/api)\s", output)
        assert api, output
        token = re.search(r"^(eyJ[\w.-]+)$", output, flags=re.M)
        assert token, output

        # When it is used and then interrupted
        me = httpx.get(f"{api.group(1)}/me", headers={"Authorization": f"Bearer {token.group(1)}"})
        assert me.json()["tenant_id"] == "demo"
        # `wfaib token` signs in anyone locally, with the running platform's key
        minted = subprocess.run(
            [
                sys.executable,
                "-c",
                "from wfaib.cli import main; main()",
                "token",
                "--tenant",
                "acme",
                "--role",
                "viewer",
                "--subject",
                "vi@acme.test",
                "--data-dir",
                str(tmp_path),
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        viewer = httpx.get(f"{api.group(1)}/me", headers={"Authorization": f"Bearer {minted}"}).json()
        assert viewer == {
            "tenant_id": "acme",
            "subject": "vi@acme.test",
            "role": "viewer",
            "permissions": sorted(ROLE_PERMISSIONS["viewer"]),
            "via": "token",
        }
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    # Then it stops cleanly and leaves its data behind
    assert process.returncode == 0, output + rest
    assert "Stopped" in rest
    assert (tmp_path / "table.sqlite3").is_file()
    assert (tmp_path / "sfn").is_dir()


def test_wfaib_dev_on_a_busy_port_says_so_and_exits_2(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from wfaib.cli import main; main()",
                "dev",
                "--port",
                str(port),
                "--data-dir",
                str(tmp_path),
                "--no-examples",
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert result.returncode == 2, result.stdout + result.stderr
    assert f"Cannot serve on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
