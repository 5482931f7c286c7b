"""The LEC method of risk grading (DOMAIN.md, "Risk grading"): D = L x E x C, and its colour.

L is the likelihood of an accident, E how often people are exposed to the hazard, C the
consequence. The scales are the common tables; the colour bands come from the setting
RISK_LEC_BANDS (red from 320, orange from 160, yellow from 70, blue below), shown to staff.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from enterprises.models import RiskColour

LIKELIHOOD_CHOICES = [
    (Decimal("10"), _("10: to be expected")),
    (Decimal("6"), _("6: quite possible")),
    (Decimal("3"), _("3: unusual but possible")),
    (Decimal("1"), _("1: only by remote chance")),
    (Decimal("0.5"), _("0.5: conceivable but very unlikely")),
    (Decimal("0.2"), _("0.2: practically impossible")),
    (Decimal("0.1"), _("0.1: virtually impossible")),
]
EXPOSURE_CHOICES = [
    (Decimal("10"), _("10: continuous")),
    (Decimal("6"), _("6: daily in working hours")),
    (Decimal("3"), _("3: weekly or now and then")),
    (Decimal("2"), _("2: monthly")),
    (Decimal("1"), _("1: a few times a year")),
    (Decimal("0.5"), _("0.5: very rarely")),
]
CONSEQUENCE_CHOICES = [
    (Decimal("100"), _("100: catastrophe, many deaths")),
    (Decimal("40"), _("40: disaster, several deaths")),
    (Decimal("15"), _("15: very serious, one death")),
    (Decimal("7"), _("7: serious injury")),
    (Decimal("3"), _("3: disabling injury")),
    (Decimal("1"), _("1: noticeable, needs first aid")),
]
LIKELIHOOD_VALUES = [value for value, _label in LIKELIHOOD_CHOICES]
EXPOSURE_VALUES = [value for value, _label in EXPOSURE_CHOICES]
CONSEQUENCE_VALUES = [value for value, _label in CONSEQUENCE_CHOICES]


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def lec_score(*, likelihood, exposure, consequence) -> Decimal:
    """D = L x E x C, exact (each factor has at most one decimal place)."""
    return _decimal(likelihood) * _decimal(exposure) * _decimal(consequence)


def lec_bands() -> list[tuple[str, Decimal]]:
    """(colour, lowest score) from the highest band down, as RISK_LEC_BANDS configures them."""
    bands = []
    for colour, lowest in settings.RISK_LEC_BANDS.items():
        if colour not in RiskColour.values:
            raise ValueError(f"RISK_LEC_BANDS: not a risk colour: {colour!r}")
        bands.append((colour, _decimal(lowest)))
    return sorted(bands, key=lambda band: band[1], reverse=True)


def lec_band(*, score) -> str:
    """The colour (an enterprises.models.RiskColour value) of an LEC score.

    A score belongs to the highest band whose lowest score it reaches; below every band it
    is blue (low risk).
    """
    score = _decimal(score)
    for colour, lowest in lec_bands():
        if score >= lowest:
            return colour
    return RiskColour.BLUE.value
