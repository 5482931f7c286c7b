"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

The browser is Debian's package, never a build downloaded by Playwright: the machine
that runs the suite has no network, and `make test` installs the package first.
"""

import os
import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD

# Playwright's sync API runs an asyncio loop in the test thread, and Django refuses ORM
# calls from a thread with a running loop. The calls are in fact synchronous; the flag
# is the documented escape hatch and is set only for the test process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

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
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so that the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def _live_server_settings(tmp_path_factory):
    """Settings the live server needs from the moment it starts.

    The server builds its middleware once, at start: SecurityMiddleware reads
    SECURE_SSL_REDIRECT then, before any per-test override, and the test server has
    no TLS. Uploads (imported spreadsheets) go to a temporary directory, not var/.
    """
    from django.conf import settings
    from django.test import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES=storages,
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
    ):
        yield


@pytest.fixture(scope="session")
def live_server(_live_server_settings, live_server):
    """pytest-django's live server, started only once the settings above apply."""
    return live_server


# The migrated data (categories) as Django serialized it when it created the test database.
SERIALIZED_CONTENTS = pytest.StashKey[dict]()
DB_BLOCKER = pytest.StashKey[object]()


def _serialized_contents() -> dict:
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


@pytest.fixture(scope="session")
def browser(request, django_db_setup, django_db_blocker):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The browser journeys need Debian's Chromium at {CHROMIUM}; "
            "install it with `apt-get install -y chromium fonts-noto-cjk` (or run `make chromium`).",
            pytrace=False,
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Once Playwright's loop runs in this thread, asgiref hands Django a separate set of
    # connection objects (per context rather than per thread). The migrated data that
    # serialized_rollback restores is kept on the connection object, so it is carried
    # over to the new ones; without it every test after the first would lack the
    # categories when other tests created the database before the browser started.
    serialized = _serialized_contents()
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        request.config.stash[SERIALIZED_CONTENTS] = serialized
        request.config.stash[DB_BLOCKER] = django_db_blocker
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            del request.config.stash[DB_BLOCKER]
            # These connections belong to the loop's context; close them while it still
            # runs, or the test database cannot be dropped at the end of the session.
            connections.close_all()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put the migrated data back after a browser test.

    A transactional test ends by emptying every table, categories included; Django
    restores them only at the start of the next test that asks for serialized_rollback.
    Tests that run after these journeys expect the database as migrated.
    """
    result = yield
    blocker = item.config.stash.get(DB_BLOCKER, None)
    serialized = item.config.stash.get(SERIALIZED_CONTENTS, {})
    if nextitem is not None and blocker is not None and item.get_closest_marker("browser"):
        from django.db import connections

        with blocker.unblock():
            for alias, contents in serialized.items():
                connections[alias].creation.deserialize_db_from_string(contents)
    return result


def _new_page(browser, live_server, options):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    # Generous enough for a loaded CI machine, short enough that a broken page fails fast.
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, page


def _close(request, context, page):
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        try:
            page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
        except Exception:  # A crashed page must not hide the test's own failure.
            pass
    context.close()


@pytest.fixture
def phone_page(request, browser, live_server):
    """A fresh context and page sized like the grid worker's phone (360 x 740, touch)."""
    context, page = _new_page(browser, live_server, PHONE)
    yield page
    _close(request, context, page)


@pytest.fixture
def desktop_page(request, browser, live_server):
    """A fresh context and page on an office screen (1280 x 800)."""
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    _close(request, context, page)


def log_in(page, user) -> None:
    """Sign in through the real login form, as a person would."""
    page.goto("/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def page_width(page) -> int:
    """The document's full width: wider than the viewport means the page scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


def screenshot_dir() -> Path | None:
    """Where to keep the review screenshots of the main pages, when asked for (BROWSER_SHOTS=dir)."""
    directory = os.environ.get("BROWSER_SHOTS")
    if not directory:
        return None
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    return path


def review_shot(page, name: str) -> None:
    directory = screenshot_dir()
    if directory is not None:
        page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
