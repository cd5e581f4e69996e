"""Browser tests: Debian's chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium not found at {CHROMIUM} (make test installs it)")
        pytest.skip("chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
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
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    # A navigation's wait also spans the click that starts it and the server's answer: on the
    # loaded 2-core CI machine (two test workers, one of them in a long scenario) the doctor's
    # walkthrough once missed 15 s, alone it takes 5 s for all its steps.
    page.set_default_navigation_timeout(60_000)
    yield page
    context.close()


def server_thread_stacks() -> str:
    """Where each of the live server's threads stands: what a page that never came back was
    waiting on (the server answers from threads of the test's own process)."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    stacks = []
    for ident, frame in sys._current_frames().items():
        name = names.get(ident, str(ident))
        if "process_request" in name or "LiveServer" in name:
            stacks.append(f"--- {name}\n" + "".join(traceback.format_stack(frame)))
    return "\n".join(stacks) or "(no live server thread)"


def navigate_by(page: Any, action: Callable[[], None]) -> None:
    """Do `action` (a click that submits a form or follows a link) and wait for the page it
    opens, in two steps so that a failure says which one never came: the server's answer (the
    navigation commits), then the page's resources (its load event). Either fails with the
    page's address and where the live server's threads stand, rather than a bare timeout (a
    walkthrough once waited 60 s on CI after submitting a form)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        with page.expect_navigation(wait_until="commit"):
            action()
    except PlaywrightTimeout as error:
        raise AssertionError(
            f"no answer came to the page {page.url}: {error}\n{server_thread_stacks()}"
        ) from error
    try:
        page.wait_for_load_state("load")  # within the navigation timeout, as the answer
    except PlaywrightTimeout as error:
        raise AssertionError(
            f"{page.url} answered but never finished loading: {error}\n{server_thread_stacks()}"
        ) from error


def open_collapsed(page: Any, toggle: Any, target: str) -> Any:
    """Open a collapsed card (Bootstrap's collapse) and wait until it has finished opening, so
    nothing is filled or clicked while it is still growing; the card's locator."""
    toggle.click()
    page.wait_for_selector(f"{target}.collapse.show")
    return page.locator(target)


def log_in(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def artifacts_dir(root: Path) -> Path:
    """Where browser tests keep their screenshots: FANGKONG_TEST_ARTIFACTS, else
    `test-artifacts/` in the repository (git-ignored)."""
    configured = os.environ.get("FANGKONG_TEST_ARTIFACTS")
    return Path(configured) if configured else root / "test-artifacts"


class Walkthrough:
    """A user's walk through the pages: one numbered screenshot per step, and no step may
    leave an error in the browser's console or an uncaught exception in a page."""

    def __init__(self, page: Any, directory: Path) -> None:
        self.directory = directory
        self.errors: list[str] = []
        self.steps = 0
        self.watched: list[Any] = []
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True, exist_ok=True)
        self.follow(page)

    def follow(self, page: Any) -> None:
        """Take the next screenshots of `page` (a tab the walk opened, say), watched too."""
        self.page = page
        if page not in self.watched:
            self.watched.append(page)
            page.on("console", self._console)
            page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            location = message.location or {}
            self.errors.append(f"console: {message.text} ({location.get('url', '')})")

    def step(self, name: str) -> Path:
        """The page as it stands after a step: kept as `<nn>-<name>.png`; fails the test at
        the first step where the browser reported an error."""
        self.steps += 1
        path = self.directory / f"{self.steps:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert not self.errors, f"step {path.name} ({self.page.url}): {self.errors}"
        return path


@pytest.fixture
def walkthrough(page: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Walkthrough]]:
    """`walkthrough("hq")` watches the test's page (or `on=` another one) and keeps its
    screenshots under <artifacts>/browser/hq/; the test fails if the browser reported an error
    after its last step too."""
    walks: list[Walkthrough] = []

    def start(name: str, on: Any = None) -> Walkthrough:
        directory = artifacts_dir(request.config.rootpath) / "browser" / name
        walk = Walkthrough(on or page, directory)
        walks.append(walk)
        return walk

    yield start
    for walk in walks:
        assert not walk.errors, f"after the last step ({page.url}): {walk.errors}"
