"""The charts of a safety report, drawn on the server as SVG by pygal, so that the PDF (files.pdf, WeasyPrint)
lays them out like any other part of the page: no browser and no script.

Each chart is a figure of numbers the report also prints as a table; the text is in the office's language
and in the PDF's fonts (Noto CJK, templates/pdf/base.html).
"""

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pygal.style import Style

from enterprises.models import RiskColour

from .reports import UNGRADED

# The colours staff know from the street's risk map (static/css/app.css, .badge-risk-*).
COLOUR_FILLS = {
    RiskColour.RED: "#dc2626",
    RiskColour.ORANGE: "#f97316",
    RiskColour.YELLOW: "#facc15",
    RiskColour.BLUE: "#2563eb",
    UNGRADED: "#9ca3af",
}
FOUND_FILL, CLOSED_FILL = "#b91c1c", "#15803d"
REAL_FILL, FALSE_FILL, UNCONFIRMED_FILL = "#b91c1c", "#f59e0b", "#9ca3af"
FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif'
WIDTH, HEIGHT = 640, 280


def _style(colours: tuple[str, ...]) -> Style:
    return Style(
        font_family=FONTS,
        background="white",
        plot_background="white",
        foreground="#111",
        foreground_strong="#111",
        foreground_subtle="#666",
        colors=colours,
        # Solid fills: a printed report has no hover to bring a faded bar forward.
        opacity="1",
        opacity_hover="1",
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=13,
        value_font_size=12,
    )


def _whole_numbers(chart, top: int) -> None:
    """Ticks at whole numbers from 0, at most eight steps: a count has no fractions, and a period without
    any still gets an axis."""
    step = next(step for step in _steps() if top <= 8 * step)
    upper = max(step, -(-top // step) * step)  # top rounded up to a whole step
    if upper == top:
        upper += step  # room for the value printed above the highest bar
    chart.y_labels = list(range(0, upper + 1, step))


def _steps():
    """1, 2, 5, 10, 20, 50, 100, ..."""
    scale = 1
    while True:
        yield from (scale, 2 * scale, 5 * scale)
        scale *= 10


def _render(chart) -> SafeString:
    # The markup is pygal's own, its texts escaped by its XML writer.
    return mark_safe(chart.render(is_unicode=True))  # noqa: S308


def _options(**options) -> dict:
    return {
        "width": WIDTH,
        "height": HEIGHT,
        # No script (pygal's tooltips load one from the web) and no XML declaration inside an HTML page.
        "js": [],
        "disable_xml_declaration": True,
        "print_values": True,
        "print_values_position": "top",
        "print_zeroes": False,
        "min_scale": 2,
        "max_scale": 6,
        "include_x_axis": True,
        "legend_at_bottom": True,
        "truncate_label": -1,
        "truncate_legend": -1,
        **options,
    }


def grade_distribution_chart(*, by_colour: dict[str, int]) -> SafeString:
    """Operating sites by risk colour, one bar per colour in its own colour, the sites not graded last."""
    colours = (*RiskColour.values, UNGRADED)
    chart = pygal.Bar(style=_style(tuple(COLOUR_FILLS[colour] for colour in colours)), **_options(show_legend=False))
    chart.x_labels = [str(RiskColour(colour).label) if colour != UNGRADED else _("Not graded") for colour in colours]
    chart.add(_("Sites"), [{"value": by_colour[colour], "color": COLOUR_FILLS[colour]} for colour in colours])
    _whole_numbers(chart, max(by_colour[colour] for colour in colours))
    return _render(chart)


def hazards_by_month_chart(*, months: list[dict]) -> SafeString:
    """Hazards found and closed in each month of the period, side by side."""
    chart = pygal.Bar(style=_style((FOUND_FILL, CLOSED_FILL)), **_options())
    chart.x_labels = [row["label"] for row in months]
    chart.add(_("Found"), [row["found"] for row in months])
    chart.add(pgettext("hazard", "Closed"), [row["closed"] for row in months])
    _whole_numbers(chart, max(max(row["found"], row["closed"]) for row in months))
    return _render(chart)


def incidents_by_month_chart(*, months: list[dict]) -> SafeString:
    """Incidents of each month by verdict: real fires, false alarms, not confirmed either way."""
    chart = pygal.StackedBar(style=_style((REAL_FILL, FALSE_FILL, UNCONFIRMED_FILL)), **_options(print_values=False))
    chart.x_labels = [row["label"] for row in months]
    chart.add(_("Real fires"), [row["real"] for row in months])
    chart.add(_("False alarms"), [row["false"] for row in months])
    chart.add(_("Not confirmed"), [row["incidents"] - row["real"] - row["false"] for row in months])
    _whole_numbers(chart, max(row["incidents"] for row in months))
    return _render(chart)
