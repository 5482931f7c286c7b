"""The Content Security Policy in a real browser: the main pages load under it without one refusal.

Each page is loaded as its user would (the grid worker's checklist on a phone, the console on a
wall screen) from the production server; a listener installed before any page script records
every ``securitypolicyviolation`` event, and every console error is kept too. None is allowed.
"""

import re

import pytest
from playwright.async_api import expect

from hazards import services as hazard_services
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.browser.inspection_steps import controlled_by_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Watched:
    """A browser context whose pages report every policy violation, console error and page error."""

    def __init__(self, context):
        self.context = context
        self.problems: list[str] = []

    async def page(self):
        page = await self.context.new_page()
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: page error {error}"))
        return page

    def _console(self, page, message) -> None:
        # The browser asks for /favicon.ico of its own accord; the platform has none.
        if message.type in ("error", "warning") and not message.location.get("url", "").endswith("/favicon.ico"):
            self.problems.append(f"{page.url}: console {message.type}: {message.text}")

    async def visit(self, page, path: str) -> None:
        response = await page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
        await page.wait_for_load_state("networkidle")
        await self.collect(page)

    async def collect(self, page) -> None:
        violations = await page.evaluate("window.__cspViolations || []")
        self.problems.extend(f"{page.url}: violation {violation}" for violation in violations)


async def watched(browser, server, options) -> Watched:
    context = await browser.new_context(base_url=server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(15_000)
    await context.add_init_script(RECORD_VIOLATIONS)
    return Watched(context)


@pytest.fixture
def graded_site(site):
    """The grid's convenience store, graded from the library so that it has a checklist and a colour."""
    hazard_services.sites_grade_new()
    site.refresh_from_db()
    return site


async def test_the_office_pages_load_without_a_policy_violation(browser, asgi_server, graded_site, staff):
    office = await watched(browser, asgi_server, DESKTOP)
    try:
        page = await office.page()
        await office.visit(page, "/login/")
        await log_in(page, staff)
        for path in (
            "/overview/",
            # Its charts' library and tooltips draw on canvas without inline styles.
            "/trends/",
            "/sites/",
            f"/sites/{graded_site.pk}/",
            f"/sites/{graded_site.pk}/qr/",
            "/hazards/",
            "/notifications/",
            # Two-step sign-in: its QR code is an inline SVG without style attributes.
            "/account/two-factor/",
        ):
            await office.visit(page, path)
        # The registry's filters answer through htmx: its swap must not need an inline style either.
        await page.goto("/sites/")
        await page.locator("input[name=q]").first.fill("望江")
        await page.wait_for_load_state("networkidle")
        await page.wait_for_timeout(600)
        await office.collect(page)
        assert office.problems == []
    finally:
        await office.context.close()


async def test_the_regulation_form_the_api_docs_and_the_admin_load_without_a_policy_violation(browser, asgi_server, admin_user):
    office = await watched(browser, asgi_server, DESKTOP)
    try:
        page = await office.page()
        await log_in(page, admin_user)
        for path in (
            "/regulations/",
            # The audit log's changes, its filters folded on a phone: markup and a stylesheet, no inline style.
            "/audit/",
            "/api/docs/",
            "/admin/",
            "/admin/accounts/user/",
            f"/admin/accounts/user/{admin_user.pk}/change/",
        ):
            await office.visit(page, path)
        # Swagger UI drew the schema: its script ran from a file.
        await page.goto("/api/docs/")
        await expect(page.locator(".swagger-ui .info")).to_be_visible()
        await office.collect(page)
        assert office.problems == []
    finally:
        await office.context.close()


async def test_the_checklist_on_a_phone_loads_without_a_policy_violation(browser, asgi_server, graded_site, grid_worker):
    phone = await watched(browser, asgi_server, PHONE)
    try:
        page = await phone.page()
        await log_in(page, grid_worker)
        await expect(page).to_have_url(re.compile(r"/inspections/tasks/$"))
        await phone.collect(page)
        await phone.visit(page, f"/inspections/new/?site={graded_site.pk}&kind=routine")
        # The service worker (/sw.js) installed and took the page over under worker-src 'self'.
        await controlled_by_service_worker(page)
        await expect(page.locator(".check-card").first).to_be_visible()
        await phone.visit(page, "/sites/")
        await phone.visit(page, f"/sites/{graded_site.pk}/")
        assert phone.problems == []
    finally:
        await phone.context.close()


async def test_the_console_connects_its_websocket_without_a_policy_violation(browser, asgi_server, graded_site, operator):
    wall = await watched(browser, asgi_server, DESKTOP)
    try:
        page = await wall.page()
        await log_in(page, operator)
        await expect(page).to_have_url(re.compile(r"/alarms/console/$"))
        # The console says when its line is live: the WebSocket opened under connect-src.
        await expect(page.get_by_test_id("console-line")).to_have_attribute("data-state", "live")
        await wall.collect(page)
        assert wall.problems == []
    finally:
        await wall.context.close()
