"""The inspection pages are light: the checklist page's first load, cold, is at most 150 KB
transferred (HTML, CSS, JS, fonts), with no front-end framework, measured as production serves
it (DEBUG off, collected and compressed static files, through uvicorn) in Chromium."""

import pytest
from asgiref.sync import sync_to_async
from playwright.async_api import expect

from tests.browser.conftest import PHONE
from tests.browser.inspection_steps import controlled_by_service_worker
from tests.servers import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.anyio, pytest.mark.django_db(transaction=True)]

BUDGET_KB = 150


async def signed_in_context(browser, server, user):
    """A context with an empty cache, signed in by its session cookie alone: the login page's
    files would otherwise already be in the cache."""
    name, value = (await sync_to_async(session_cookie)(user)).split("=", 1)
    context = await browser.new_context(base_url=server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    await context.add_cookies([{"name": name, "value": value, "url": server.url}])
    context.set_default_timeout(15_000)
    return context


@pytest.mark.parametrize("path", ["/inspections/new/?site={site}&kind=routine", "/inspections/tasks/"])
async def test_an_inspection_page_first_load_is_at_most_150_kb(request, browser, asgi_server, grid_worker, site, path):
    context = await signed_in_context(browser, asgi_server, grid_worker)
    finished = []
    context.on("requestfinished", lambda done: finished.append(done))
    try:
        page = await context.new_page()
        response = await page.goto(path.format(site=site.pk))
        assert response is not None and response.ok
        await expect(page.locator("#inspection-config")).to_have_count(1)
        if "new" in path:
            await expect(page.locator(".check-card").first).to_be_visible()
        # Everything the first load brings, the service worker's own fetches (the shells it keeps) included.
        await controlled_by_service_worker(page)
        await page.wait_for_load_state("networkidle")

        rows = []
        for done in finished:
            sizes = await done.sizes()
            answer = await done.response()
            encoding = (await answer.header_value("content-encoding")) if answer else None
            size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            rows.append((done.url.removeprefix(asgi_server.url), size, encoding))
    finally:
        await context.close()

    total_kb = sum(size for _, size, _ in rows) / 1024
    report = "\n".join(f"{size / 1024:7.1f} KB  {encoding or '-':4}  {url}" for url, size, encoding in rows)
    request.node.add_report_section("call", "first load", f"{report}\n{total_kb:7.1f} KB in all")
    print(f"\n{path}: {total_kb:.1f} KB transferred\n{report}")

    urls = [url for url, _, _ in rows]
    assert all(url.startswith("/") for url in urls), "nothing comes from another origin"
    assert not any("htmx" in url for url in urls), "the inspection pages do not load htmx"
    assert any(url.startswith("/static/js/inspection.") for url in urls)
    # The static files come compressed, as WhiteNoise serves them in production (or from the cache, empty).
    assert all(encoding for url, size, encoding in rows if url.startswith("/static/") and size > 1024)
    assert total_kb <= BUDGET_KB, report
