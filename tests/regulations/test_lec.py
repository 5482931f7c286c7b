"""The LEC method: D = L x E x C and its colour at every band boundary (DOMAIN.md)."""

from decimal import Decimal

import pytest

from regulations.lec import CONSEQUENCE_VALUES, EXPOSURE_VALUES, LIKELIHOOD_VALUES, lec_band, lec_score


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        ("0", "blue"),
        ("69.9", "blue"),
        ("70", "yellow"),
        ("159.9", "yellow"),
        ("160", "orange"),
        ("319.9", "orange"),
        ("320", "red"),
        ("10000", "red"),
    ],
)
def test_band_at_each_boundary(score, colour):
    assert lec_band(score=Decimal(score)) == colour


def test_score_is_the_exact_product():
    assert lec_score(likelihood=Decimal("0.5"), exposure=6, consequence="40") == Decimal("120")
    assert lec_score(likelihood="0.1", exposure="0.5", consequence=1) == Decimal("0.05")
    assert lec_band(score=lec_score(likelihood=3, exposure=6, consequence=15)) == "orange"  # 270
    assert lec_band(score=lec_score(likelihood=1, exposure=10, consequence=40)) == "red"  # 400


def test_scales_are_those_of_domain_md():
    assert LIKELIHOOD_VALUES == [Decimal(v) for v in ("10", "6", "3", "1", "0.5", "0.2", "0.1")]
    assert EXPOSURE_VALUES == [Decimal(v) for v in ("10", "6", "3", "2", "1", "0.5")]
    assert CONSEQUENCE_VALUES == [Decimal(v) for v in ("100", "40", "15", "7", "3", "1")]


def test_bands_follow_the_setting(settings):
    settings.RISK_LEC_BANDS = {"red": 400, "orange": 200, "yellow": 100}
    assert lec_band(score=320) == "orange"
    assert lec_band(score=99) == "blue"


def test_a_setting_naming_no_colour_is_refused(settings):
    settings.RISK_LEC_BANDS = {"purple": 10}
    with pytest.raises(ValueError, match="purple"):
        lec_band(score=50)


def test_a_score_must_be_a_number():
    with pytest.raises(ValueError):
        lec_band(score="high")
    with pytest.raises(TypeError):
        lec_score(likelihood=True, exposure=1, consequence=1)
