"""Browser journeys: Debian's Chromium driven by Playwright against the ASGI server (uvicorn).

The browser is Debian's package, never a build downloaded by Playwright: the machine
that runs the suite has no network, and `make test` installs the package first.

The pages come from the real server of tests/servers.py, in its own process, so the
journeys see what production serves: static files from the collected manifest,
WebSockets through Channels. Its consequences for a journey:

- it is an async test (``pytest.mark.anyio``) driving Playwright's async API. Django
  refuses its ORM in a thread where an event loop runs, and Playwright's sync API
  would keep one running in the test thread for the whole test; with the async API
  the loop runs only while the test awaits, so the (sync) persona fixtures and
  factories set the data up as everywhere else;
- inside the test the ORM is reached with Django's async methods
  (``await Site.objects.aget(...)``) or ``asgiref.sync.sync_to_async``; both run in
  asgiref's one executor thread, whose connections are closed after each test;
- the server reads from its own connections, so the data is committed:
  ``pytest.mark.django_db(transaction=True)``. Each such test ends with every table
  truncated; the seeded reference data is put back for the next one
  (tests/reference_data.py).
"""

import asyncio
import os
import re
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so that the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
async def browser(anyio_backend):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The browser journeys need Debian's Chromium at {CHROMIUM}; "
            "install it with `apt-get install -y chromium fonts-noto-cjk` (or run `make test-system-packages`).",
            pytrace=False,
        )
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture(autouse=True)
async def _close_executor_connections(anyio_backend):
    """Close the connections the test's async ORM calls opened in asgiref's executor thread.

    They would otherwise stay open to the end of the session, and PostgreSQL does not
    drop a database that has connections.
    """
    yield
    from django.db import connections

    await sync_to_async(connections.close_all)()


async def _new_page(browser, server, options):
    context = await browser.new_context(base_url=server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    # Generous enough for a loaded CI machine, short enough that a broken page fails fast.
    context.set_default_timeout(10_000)
    page = await context.new_page()
    return context, page


async def _close(request, context, page, server):
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        try:
            await page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
        except Exception:  # A crashed page must not hide the test's own failure.
            pass
        # A server error shows in the page as a bare 500; its traceback is in the server's log.
        request.node.add_report_section("teardown", f"server log {server.log}", server.log_tail())
    await context.close()


@pytest.fixture
async def phone_page(request, browser, asgi_server):
    """A fresh context and page sized like the grid worker's phone (360 x 740, touch)."""
    context, page = await _new_page(browser, asgi_server, PHONE)
    yield page
    await _close(request, context, page, asgi_server)


@pytest.fixture
async def desktop_page(request, browser, asgi_server):
    """A fresh context and page on an office screen (1366 x 768)."""
    context, page = await _new_page(browser, asgi_server, DESKTOP)
    yield page
    await _close(request, context, page, asgi_server)


async def log_in(page, user) -> None:
    """Sign in through the real login form, as a person would."""
    await page.goto("/login/")
    await page.locator("input[name=username]").fill(user.username)
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.locator("form:has(input[name=password]) button[type=submit]").click()
    await page.wait_for_url(lambda url: "/login/" not in url)


async def wait_for_true(page, expression: str, *, timeout: float = 10) -> None:
    """Wait until ``expression`` is true in the page. Playwright's wait_for_function compiles its
    predicate with eval, which the Content Security Policy refuses; page.evaluate is not eval."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await page.evaluate(expression):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true within {timeout} s: {expression}")
        await asyncio.sleep(0.1)


async def page_width(page) -> int:
    """The document's full width: wider than the viewport means the page scrolls sideways."""
    return await page.evaluate("document.documentElement.scrollWidth")


def screenshot_dir() -> Path | None:
    """Where to keep the review screenshots of the main pages, when asked for (BROWSER_SHOTS=dir)."""
    directory = os.environ.get("BROWSER_SHOTS")
    if not directory:
        return None
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    return path


async def review_shot(page, name: str) -> None:
    directory = screenshot_dir()
    if directory is not None:
        await page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
