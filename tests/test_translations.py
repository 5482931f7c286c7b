"""The Simplified Chinese catalogue is complete, compiled, and a user can switch the UI to English."""

import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"


def translations(entries) -> dict:
    """(context, msgid, plural msgid) -> translation(s), for comparing a .po with its compiled .mo."""
    result = {}
    for entry in entries:
        if not entry.msgid:  # the header
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        if entry.msgid_plural:
            result[key] = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
        else:
            result[key] = entry.msgstr
    return result


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(CATALOGUE / "django.po"))


def test_every_chinese_string_is_translated_and_none_is_fuzzy(po):
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert po.percent_translated() == 100
    assert not po.metadata_is_fuzzy


def test_chinese_catalogue_declares_one_plural_form(po):
    assert po.metadata["Language"] == "zh_Hans"
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    for entry in po:
        if entry.msgid_plural:
            assert list(entry.msgstr_plural) == [0], entry.msgid


def test_compiled_catalogue_matches_the_source(po):
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    assert translations(mo) == translations(po.translated_entries())


def test_grid_worker_sees_my_grid_in_chinese_then_in_english_after_switching(client, grid_worker):
    client.force_login(grid_worker)
    page = client.get(reverse("enterprises:my-grid"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "我的网格" in html and "My grid" not in html

    switched = client.post(reverse("set_language"), {"language": "en", "next": reverse("enterprises:my-grid")}, follow=True)
    assert switched.redirect_chain[-1][0] == reverse("enterprises:my-grid")
    html = switched.content.decode()
    assert "My grid" in html and "我的网格" not in html
    assert '<html lang="en"' in html


# makemessages extracts gettext, gettext_lazy, ngettext... and "_" only: a string marked through any
# other name (``gettext_lazy as _lazy``) never reaches the catalogue and shows in English.
TRANSLATION_ALIAS = re.compile(
    r"import\s+.*\b(gettext|gettext_lazy|ngettext|ngettext_lazy|pgettext|pgettext_lazy)\s+as\s+(?!_\b)\w+"
)


def test_no_module_marks_strings_through_a_name_makemessages_does_not_know():
    aliased = []
    for path in settings.BASE_DIR.rglob("*.py"):
        relative = path.relative_to(settings.BASE_DIR)
        if relative.parts[0] in {".venv", "node_modules", "tests", "benchmarks"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if TRANSLATION_ALIAS.search(line):
                aliased.append(f"{relative}:{number}: {line.strip()}")
    assert aliased == []
