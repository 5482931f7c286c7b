"""Every write of inspections (STYLE.md): storing an inspection sent whole, and special campaigns. Import from here."""

from .submit import inspection_submit

__all__ = ["inspection_submit"]
