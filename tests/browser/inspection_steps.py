"""What a grid worker does on the inspection pages, shared by the inspection journeys."""

from io import BytesIO

from PIL import Image, ImageDraw
from playwright.async_api import expect

from tests.browser.conftest import screenshot_dir, wait_for_true

# The smallest target a finger hits reliably (WCAG 2.5.5, Apple's and Material's guidelines).
TAP = 44


def camera_jpeg(size=(3000, 2250)) -> bytes:
    """A photo as a phone's camera takes it, larger than the platform keeps: a shop's wall with an extinguisher."""
    picture = Image.new("RGB", size, (222, 218, 208))
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.rectangle((0, height * 3 // 4, width, height), fill=(150, 140, 128))
    draw.rectangle((width // 2 - 120, height // 3, width // 2 + 120, height * 3 // 4), fill=(200, 30, 30))
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def photo_file(name: str = "IMG_20261125_101500.jpg") -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": camera_jpeg()}


async def controlled_by_service_worker(page) -> None:
    """Wait until the service worker serves the page (it claims the page once it is active)."""
    await wait_for_true(page, "!!(navigator.serviceWorker && navigator.serviceWorker.controller)", timeout=15)


async def checklist_of(page) -> dict:
    """The checklist the page was given, as the phone's script reads it."""
    return await page.evaluate("JSON.parse(document.getElementById('checklist-data').textContent)")


def passing_answer(item: dict):
    """An answer that complies with the item's rule."""
    kind = item["rule_kind"]
    if kind == "yes_no":
        return item["pass_answer"]
    if kind in ("count_min", "measure_min", "count_max", "measure_max"):
        return item["threshold"]
    return next(choice["value"] for choice in item["choices"] if choice["passes"])


async def answer(card, item: dict, value) -> None:
    """Answer one card as a finger would: a yes/no button, the number typed, a choice tapped."""
    kind = item["rule_kind"]
    if kind == "yes_no":
        await card.locator(f"button[data-value={'yes' if value else 'no'}]").click()
    elif kind == "choice":
        await card.locator("label.choice", has_text=value).click()
    else:
        await card.locator(".answer-number input").fill(str(value))
    await expect(card.locator("[data-verdict]")).to_be_visible()


async def small_targets(page) -> list[str]:
    """Visible controls a finger would miss: shorter than 44 px (a checkbox or radio counts by its label)."""
    return await page.evaluate(
        """(tap) => {
          const visible = (node) => {
            const box = node.getBoundingClientRect();
            const style = getComputedStyle(node);
            return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.opacity !== '0';
          };
          const small = [];
          for (const node of document.querySelectorAll('a[href], button, input, select, textarea, summary, [role=button]')) {
            let target = node;
            if (node.matches('input[type=checkbox], input[type=radio], input[type=file]')) target = node.closest('label') || node;
            else if (!visible(node)) continue;
            if (!visible(target)) continue;
            const box = target.getBoundingClientRect();
            if (box.height < tap - 0.5) small.push(`${Math.round(box.height)}px ${target.outerHTML.slice(0, 90)}`);
          }
          return small;
        }""",
        TAP,
    )


async def review_card_shot(card, name: str) -> None:
    """A screenshot of one card, for review (BROWSER_SHOTS=dir): a checklist page is too long to read whole."""
    directory = screenshot_dir()
    if directory is not None:
        await card.screenshot(path=str(directory / f"{name}.png"))
