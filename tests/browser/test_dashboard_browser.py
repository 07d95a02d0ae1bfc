"""The dashboard in a real browser: JupyterLab + Chromium (system package) + Python Playwright.

Serves a temporary copy of lesson 01 (a browser run marks notebooks dirty and could autosave
into the repo), runs all cells, waits for the lesson's ClusterDashboard, clicks Step and checks
that the simulated clock and the topology image change. Screenshots go to
``tests/artifacts/``. Installs nothing: ``make test`` provides ``chromium`` and ``playwright``;
without them the test is skipped and says why. The traps it avoids are in JUPYTER-TESTING.md.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
LESSON = HERE.parents[1] / "lessons" / "01-what-kubernetes-is.ipynb"
ARTIFACTS = HERE.parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium on PATH (Debian: apt-get install "
        "chromium); the real-browser dashboard test needs it",
    ),
    pytest.mark.timeout(180),
]
playwright = pytest.importorskip(
    "playwright.sync_api",
    reason="Python playwright is not "
    "installed (pip install playwright; never `playwright install`)",
)
pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (the lab extra)")

BROWSER_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a free loopback port, with a token, over a copy of the notebook."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(LESSON, notebooks / "lesson.ipynb")
    config = tmp_path / "config"
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # never leak Agg to kernels
    for name in ("JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_DATA_DIR"):
        (tmp_path / name).mkdir()
        env[name] = str(tmp_path / name)
    env["JUPYTER_CONFIG_DIR"] = str(config)
    port, token = free_port(), secrets.token_hex(16)
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            "--allow-root",
            "--LabApp.news_url=None",
            f"--ServerApp.root_dir={notebooks}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text())
            time.sleep(0.2)
    yield url, token, tmp_path
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
    log.close()


def test_dashboard_steps_in_a_real_browser(lab):
    url, token, tmp_path = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=BROWSER_ARGS,
            viewport={"width": 1280, "height": 720},
        )
        try:
            page = browser.new_page()
            page.goto(f"{url}/lab/tree/lesson.ipynb?token={token}")
            # Run-All race: wait for the kernel to be connected and idle, then use the menu
            page.get_by_text(re.compile(r"\(ipykernel\) \| Idle")).wait_for(timeout=60_000)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).click()
            prompt = page.locator(".jp-InputArea-prompt").nth(1)
            page.wait_for_function(
                "el => !el.textContent.includes('[ ]')", arg=prompt.element_handle(), timeout=30_000
            )

            clock = page.locator(".k8s-clock")
            clock.wait_for(timeout=90_000)
            clock.scroll_into_view_if_needed()
            # the widget view may attach before its text arrives from the kernel
            page.wait_for_function(
                "() => /t = [0-9]/.test(document.querySelector('.k8s-clock').textContent)",
                timeout=60_000,
            )
            shown = clock.text_content()
            image = page.locator(".k8s-topology img, img.k8s-topology").first
            image.wait_for(timeout=30_000)
            before = image.get_attribute("src")
            page.screenshot(path=str(ARTIFACTS / "dashboard-before-step.png"))

            clock.scroll_into_view_if_needed()
            page.locator(".k8s-step").first.click()
            page.wait_for_function(
                "old => document.querySelector('.k8s-clock').textContent !== old",
                arg=shown,
                timeout=30_000,
            )
            page.wait_for_function(
                "old => { const i = document.querySelector('.k8s-topology img, img.k8s-topology');"
                " return i && i.src !== old; }",
                arg=before,
                timeout=30_000,
            )
            page.screenshot(path=str(ARTIFACTS / "dashboard-after-step.png"))

            # plain figures in cells are PNGs (an exported MPLBACKEND would make them text)
            figures = page.locator(".jp-Cell:not(:has(.k8s-clock)) .jp-OutputArea-output img")
            figures.first.wait_for(state="attached", timeout=30_000)
        finally:
            browser.close()
