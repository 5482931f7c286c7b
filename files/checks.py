"""Deployment checks of the photo and PDF path (`manage.py check --deploy`)."""

from io import BytesIO

from django.core.checks import Error, Warning, register

DEBIAN_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk"


@register(deploy=True)
def pdfs_print_chinese(app_configs, **kwargs):
    """A PDF is laid out with Pango and needs a CJK font; without one, Chinese prints as empty boxes."""
    try:
        from .pdf import render_pdf
    except OSError as error:
        return [
            Error(
                f"PDFs cannot be made: WeasyPrint cannot load its system libraries ({error}).",
                hint=f"Install Debian's {DEBIAN_PACKAGES} (make run does so on Debian).",
                id="files.E001",
            )
        ]
    if not _fontconfig_has_fonts():
        # WeasyPrint would crash laying out text with no font at all.
        return [_no_chinese_font("none")]
    from pypdf import PdfReader

    page = PdfReader(BytesIO(render_pdf(template_name="pdf/font_check.html", context={}))).pages[0]
    fonts = [str(font.get_object().get("/BaseFont", "")) for font in page["/Resources"].get("/Font", {}).values()]
    if not any("CJK" in font for font in fonts):
        return [_no_chinese_font(", ".join(fonts) or "none")]
    return []


def _no_chinese_font(found: str) -> Warning:
    return Warning(
        f"PDFs would print Chinese without a Chinese font (found only {found}).",
        hint=f"Install Debian's {DEBIAN_PACKAGES}.",
        id="files.W001",
    )


def _fontconfig_has_fonts() -> bool:
    """Whether fontconfig finds any font, asked the way WeasyPrint asks it when it starts."""
    try:
        from weasyprint.text.ffi import ffi, fontconfig

        config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
        return fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem).nfont > 0
    except (ImportError, AttributeError):
        return True  # WeasyPrint changed its internals: let the rendering below judge.
