"""Staff and record pages of inspections. Thin: parse, call a selector or a service, render; errors are
mapped once (riskplatform.pages). The phone's pages (the task list and the checklist) are in phone_views."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import translation

from files.pdf import render_pdf
from files.views import pdf_response, photo_response

from .selectors import inspection_photo_get_for_user, inspection_record


@login_required
def inspection_detail(request, pk):
    """The record of one inspection: its answers with verdicts and clauses, photos, signature, hazards raised."""
    inspection = inspection_record(user=request.user, pk=pk)
    return render(request, "inspections/inspection_detail.html", {"inspection": inspection})


@login_required
def inspection_pdf(request, pk):
    """The printable record, with Chinese fonts, in the office's language whatever the reader's page speaks."""
    inspection = inspection_record(user=request.user, pk=pk)
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_pdf(template_name="inspections/inspection_pdf.html", context={"inspection": inspection})
    return pdf_response(pdf=pdf, filename=f"inspection-{inspection.site.name}-{inspection.finished_at:%Y%m%d}.pdf")


@login_required
def inspection_photo(request, pk, photo):
    """A photo of an inspection, for a user who may see the inspection; ``?thumb=1`` for the thumbnail."""
    stored = inspection_photo_get_for_user(user=request.user, inspection_pk=pk, photo_pk=photo)
    return photo_response(photo=stored, thumbnail=bool(request.GET.get("thumb")))
