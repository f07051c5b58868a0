"""Browser tests drive Debian's Chromium through Playwright against a real ``zakrila demo``.

The server runs as a user would start it (gunicorn, demo data, embedded SQLite in a temporary
data directory), so these tests see exactly what a person at a tablet sees.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ZAKRILA_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo server's data directory: its SQLite database is ``demo.sqlite3`` there."""
    return tmp_path_factory.mktemp("demo-data")


@pytest.fixture(scope="session")
def demo_server(demo_data_dir: Path) -> Iterator[str]:
    data_dir = demo_data_dir
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZAKRILA_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["ZAKRILA_DATA_DIR"] = str(data_dir)
    log = open(data_dir / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "zakrila", "demo", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # building the demo on a busy 2-core machine
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("The demo server did not start:\n" + Path(log.name).read_text())
        time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}; the test command installs it with apt-get."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    # A 10-inch tablet in landscape.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="bg-BG")
    page = context.new_page()
    yield page
    context.close()
