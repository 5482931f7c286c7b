"""Template helpers of PDF templates (files.pdf): ``{% load pdf %}``."""

import re
from urllib.parse import quote

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

COUNTER = re.compile(r"\{(page|pages)\}")


@register.filter
def storage_url(value) -> str:
    """The address by which a PDF shows a stored file: ``<img src="{{ photo.image|storage_url }}">``.

    Takes a FileField's file (or a storage name) of the default storage; files.pdf
    reads it through the storage API while it lays out the PDF.
    """
    name = getattr(value, "name", value)
    return f"storage:{quote(str(name))}" if name else ""


@register.filter
def css_counters(value: str) -> SafeString:
    """A CSS ``content`` value from text with ``{page}`` and ``{pages}`` placeholders.

    ``"第 {page} 页 / 共 {pages} 页"`` becomes ``"第 " counter(page) " 页 / 共 " counter(pages) " 页"``,
    so that the footer's words come from the translation catalogue and only the numbers from CSS.
    """
    parts = []
    for index, piece in enumerate(COUNTER.split(str(value))):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return mark_safe(" ".join(parts) or '""')


def _css_string(text: str) -> str:
    # Escaped so that no translation can end the string, the declaration or the <style> element.
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("<", "\\3c ").replace(">", "\\3e ")
    return f'"{escaped}"'
