"""Every write of inspections (STYLE.md): storing an inspection sent whole, and special campaigns. Import from here."""

from .campaigns import campaign_close, campaign_create, campaign_update
from .submit import inspection_submit

__all__ = ["campaign_close", "campaign_create", "campaign_update", "inspection_submit"]
