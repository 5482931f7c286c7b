"""The one PDF path: Chinese text shaped and embedded in a CJK font, stored photos shown, page numbers counted."""

from io import BytesIO

import pytest
from django.utils import translation
from pypdf import PdfReader

from files.pdf import StorageURLFetcher, render_pdf
from files.services import photo_store
from files.templatetags.pdf import css_counters, storage_url
from tests.files.pictures import evidence_jpeg, upload

NOTICE = """{% extends "pdf/base.html" %}{% load pdf %}
{% block title %}安全隐患整改通知书{% endblock %}
{% block header %}望江路街道安全生产办公室{% endblock %}
{% block footer %}{{ number }}{% endblock %}
{% block content %}
<h1>安全隐患整改通知书</h1>
<p>{{ site_name }}：经检查，你单位存在疏散通道堵塞的安全隐患，请于三日内整改完毕。</p>
{% for photo in photos %}<figure><img src="{{ photo.image|storage_url }}"><figcaption>现场照片</figcaption></figure>{% endfor %}
{% for line in lines %}<p>第{{ line }}条：灭火器压力不足，应立即更换。</p>{% endfor %}
{% endblock %}
"""


@pytest.fixture
def notice_template(settings):
    """The test's own PDF template, beside the project's templates (pdf/base.html among them)."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {
            **{key: value for key, value in engine.items() if key != "APP_DIRS"},
            "OPTIONS": {
                **engine["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"tests/notice.html": NOTICE}),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    return "tests/notice.html"


def fonts_of(page) -> list[str]:
    return [str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()]


def images_of(page) -> list:
    objects = page["/Resources"].get("/XObject", {})
    return [xobject for xobject in (value.get_object() for value in objects.values()) if xobject["/Subtype"] == "/Image"]


def test_notice_pdf_holds_the_chinese_text_in_an_embedded_cjk_font(notice_template):
    with translation.override("en"):
        pdf = render_pdf(template_name=notice_template, context={"site_name": "望江兰庭便利店", "number": "WJL-2026-001"})

    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "安全隐患整改通知书" in text
    assert "望江兰庭便利店" in text and "疏散通道堵塞" in text
    assert "望江路街道安全生产办公室" in text and "WJL-2026-001" in text
    assert "Page 1 of 1" in text
    fonts = fonts_of(reader.pages[0])
    assert any("Noto" in font and "CJK" in font for font in fonts), fonts
    assert all(_embedded(font) for font in _descendants(reader))
    assert reader.metadata.title == "安全隐患整改通知书"


def _embedded(font) -> bool:
    descriptor = font["/FontDescriptor"]
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _descendants(reader):
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        yield from (descendant.get_object() for descendant in font.get("/DescendantFonts", [font]))


def test_every_page_is_numbered_of_the_total(notice_template):
    with translation.override("en"):
        pdf = render_pdf(template_name=notice_template, context={"site_name": "川味小面馆", "lines": range(1, 80)})

    pages = PdfReader(BytesIO(pdf)).pages
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page.extract_text()


def test_stored_photo_is_drawn_from_the_storage(notice_template, grid_worker, media):
    photo = photo_store(upload=upload(evidence_jpeg(size=(300, 200))), acting_user=grid_worker)

    pdf = render_pdf(template_name=notice_template, context={"site_name": "望江兰庭便利店", "photos": [photo]})

    page = PdfReader(BytesIO(pdf)).pages[0]
    images = images_of(page)
    assert len(images) == 1
    assert (images[0]["/Width"], images[0]["/Height"]) == (200, 300)  # upright, as stored
    assert "现场照片" in page.extract_text()


def test_a_missing_stored_photo_leaves_the_pdf_without_it(notice_template, grid_worker, media):
    photo = photo_store(upload=upload(evidence_jpeg()), acting_user=grid_worker)
    photo.image.storage.delete(photo.image.name)

    pdf = render_pdf(template_name=notice_template, context={"site_name": "望江兰庭便利店", "photos": [photo]})

    page = PdfReader(BytesIO(pdf)).pages[0]
    assert images_of(page) == [] and "安全隐患整改通知书" in page.extract_text()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/media/x.jpg", "https://example.org/x.png", "file:///etc/passwd", "ftp://x/y"]
)
def test_the_pdf_fetches_nothing_but_stored_files_and_data(url):
    with pytest.raises(ValueError):
        StorageURLFetcher().fetch(url)


def test_data_uris_are_fetched():
    response = StorageURLFetcher().fetch("data:text/plain;base64,5a6J5YWo")
    assert response.read() == "安全".encode()


def test_storage_url_names_the_stored_file():
    assert storage_url("photos/2026/11/a b.jpg") == "storage:photos/2026/11/a%20b.jpg"
    assert storage_url("") == "" and storage_url(None) == ""


def test_page_counter_text_cannot_break_out_of_the_stylesheet():
    assert css_counters("第 {page} 页 / 共 {pages} 页") == '"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
    assert css_counters('{page}"; } </style><script>') == 'counter(page) "\\"; } \\3c /style\\3e \\3c script\\3e "'
