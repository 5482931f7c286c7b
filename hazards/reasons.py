"""The reasons of a grade change, in the reader's language. They are stored as codes with their
numbers (GradeChange.reasons), so a page in English or Chinese says them in its own words."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enterprises.models import RiskColour

from .models import RiskEvent


def reason_text(reason: dict) -> str:
    code, params = reason.get("code"), reason.get("params", {})
    if code == "factor":
        return _("Highest risk factor: %(name)s, D = %(score)s (%(colour)s)") % {
            "name": params.get("name", ""),
            "score": params.get("score", ""),
            "colour": RiskColour(params["colour"]).label if params.get("colour") in RiskColour.values else "",
        }
    if code == "no_factors":
        return _("No risk factor recorded")
    if code == "overdue_hazards":
        count = params.get("count", 0)
        return ngettext("%(count)d hazard past its deadline", "%(count)d hazards past their deadline", count) % {"count": count}
    if code == "major_hazards":
        count = params.get("count", 0)
        return ngettext("%(count)d open major hazard", "%(count)d open major hazards", count) % {"count": count}
    if code == "risk_events":
        kinds = [str(RiskEvent.Kind(kind).label) for kind in params.get("kinds", []) if kind in RiskEvent.Kind.values]
        return _("Recent: %(events)s") % {"events": "、".join(kinds)}
    return str(code)


def reason_texts(reasons: list[dict]) -> list[str]:
    return [reason_text(reason) for reason in reasons]
