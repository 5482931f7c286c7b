"""Every write of hazards and risk grading (STYLE.md): the closed loop, overdue escalation,
and the sites' risk factors and colours. Import from here."""

from .loop import (
    hazard_close_by_source,
    hazard_close_on_spot,
    hazard_close_out,
    hazard_notify,
    hazard_plan_record,
    hazard_raise,
    hazard_rectify,
    hazard_reinspection_not_fixed,
    hazard_review,
    hazard_supervise,
)
from .overdue import hazards_overdue_sweep
from .risk import (
    reassess_site,
    risk_event_record,
    risk_events_expire,
    site_risk_factor_add,
    site_risk_factor_adjust,
    site_risk_factor_remove,
    site_risk_factors_assign,
    sites_grade_new,
)

__all__ = [
    "hazard_close_by_source",
    "hazard_close_on_spot",
    "hazard_close_out",
    "hazard_notify",
    "hazard_plan_record",
    "hazard_raise",
    "hazard_rectify",
    "hazard_reinspection_not_fixed",
    "hazard_review",
    "hazard_supervise",
    "hazards_overdue_sweep",
    "reassess_site",
    "risk_event_record",
    "risk_events_expire",
    "site_risk_factor_add",
    "site_risk_factor_adjust",
    "site_risk_factor_remove",
    "site_risk_factors_assign",
    "sites_grade_new",
]
