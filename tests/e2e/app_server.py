"""Start `streamlit run app.py` on a free loopback port, or several behind nginx (deploy/serve.sh), and wait until it
answers (browser tests and benchmarks).

Imported by tests/e2e/test_browser.py and by bench/bench_app.py (run from the repo root as `python -m bench.bench_app`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(
    artifacts: Path,
    timeout: float = 60.0,
    port: int | None = None,
    extra_args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    script: Path = ROOT / "app.py",
) -> Iterator[str]:
    """Yield the app's URL, serving `artifacts` on `port` (a free one if None) with `extra_args` for `streamlit run`
    (e.g. `--secrets.files`) and `env` added to the server's environment; stop the server afterwards. `script` is
    the page served (bench_load --floor serves a bare chart instead of the app).

    The server's stderr goes to a temporary file (a pipe nobody reads could fill up and stall the server) and its
    tail is shown if the server does not start.
    """
    port = port or free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *extra_args,
        ],
        cwd=ROOT,
        env={**os.environ, "GMV_ARTIFACTS": str(artifacts), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, proc, log, timeout, "streamlit")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@contextlib.contextmanager
def running_servers(
    artifacts: Path, servers: int = 2, timeout: float = 120.0, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Yield the address of `servers` app processes behind nginx (deploy/serve.sh: sticky by cookie), serving
    `artifacts` with `env` added; stop them all afterwards. Needs nginx (NGINX)."""
    listen, first = free_port(), free_port()
    while listen in range(first, first + servers) or not _free_run(first, servers):
        first = free_port()
    run_dir = Path(tempfile.mkdtemp(prefix="gmv-serve-"))
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [
            "bash",
            str(ROOT / "deploy" / "serve.sh"),
            "--servers",
            str(servers),
            "--listen",
            f"127.0.0.1:{listen}",
            "--first-port",
            str(first),
        ],
        cwd=ROOT,
        env={**os.environ, "GMV_ARTIFACTS": str(artifacts), "GMV_RUN_DIR": str(run_dir), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{listen}"
    try:
        _wait_until_healthy(url, proc, log, timeout, "deploy/serve.sh")
        yield url
    finally:
        proc.terminate()  # serve.sh stops its processes and nginx
        proc.wait(timeout=30)
        log.close()
        shutil.rmtree(run_dir, ignore_errors=True)


def _free_run(first: int, n: int) -> bool:
    """Whether ports first .. first+n-1 are all free on loopback now."""
    for port in range(first, first + n):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def _wait_until_healthy(url: str, proc: subprocess.Popen, log, timeout: float, what: str) -> None:
    """Until `url` answers Streamlit's health check; RuntimeError with the end of `log` when `proc` ends first or
    `timeout` seconds pass."""
    deadline = time.time() + timeout
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                log.seek(0)
                raise RuntimeError(f"{what} did not start: {log.read().decode(errors='replace')[-2000:]}") from None
            time.sleep(0.2)
