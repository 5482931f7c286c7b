"""Pages of the registry. Thin: parse, call a selector or a service, render.

Errors are mapped once, in riskplatform.pages: a service's refusal is shown on the
form (ServiceFormView) or as a 403/404 page.
"""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import ensure_registry_editor, grid_list, user_can_edit_registry
from riskplatform.pages import ServiceFormView

from . import services
from .filters import SiteFilter
from .forms import SiteDocumentForm, SiteForm
from .selectors import (
    document_download_name,
    site_document_get_for_user,
    site_get_by_tag_for_user,
    site_get_for_user,
    site_search_q,
    site_tag_url,
)
from .selectors import site_list as site_list_for_user

# Documents a browser may show inline; anything else is downloaded, never rendered.
INLINE_DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
# A stored document may be shown but may never run anything or reach out.
DOCUMENT_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"


def _page(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _partial(request) -> bool:
    """An htmx request that swaps only the results, not a whole page."""
    return bool(request.htmx) and not request.htmx.boosted


@login_required
def site_list(request):
    filterset = SiteFilter(request.GET, queryset=site_list_for_user(user=request.user), request=request)
    page = _page(request, filterset.qs, settings.REGISTRY_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "can_edit": user_can_edit_registry(user=request.user),
    }
    template = "enterprises/_site_table.html" if _partial(request) else "enterprises/site_list.html"
    return render(request, template, context)


@login_required
def my_grid(request):
    """The grid worker's phone page: the sites of their own grids, searchable."""
    grids = list(grid_list(user=request.user))
    sites = site_list_for_user(user=request.user)
    query_text = request.GET.get("q", "").replace("\x00", "").strip()
    if query_text:
        sites = sites.filter(site_search_q(text=query_text, user=request.user))
    page = _page(request, sites, 30)
    context = {"grids": grids, "page": page, "q": query_text, "query": urlencode({"q": query_text}) if query_text else ""}
    template = "enterprises/_my_grid_results.html" if _partial(request) else "enterprises/my_grid.html"
    return render(request, template, context)


class RegistryEditorFormView(ServiceFormView):
    """A form page of those who maintain the registry; anyone else gets the 403 page."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            ensure_registry_editor(user=request.user)
        return super().dispatch(request, *args, **kwargs)


class SiteCreateView(RegistryEditorFormView):
    form_class = SiteForm
    template_name = "enterprises/site_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        site = services.site_create(acting_user=self.request.user, data=form.cleaned_data)
        messages.success(self.request, _("Site file %(name)s created.") % {"name": site.name})
        return redirect(site)


class SiteEditView(SiteCreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.site = site_get_for_user(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "site": self.site}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "site": self.site}

    def perform(self, form):
        services.site_update(site=self.site, acting_user=self.request.user, data=form.cleaned_data)
        messages.success(self.request, _("Site file saved."))
        return redirect(self.site)


def _qr_for(site) -> segno.QRCode:
    # The tag holds the public address of the site's tag (SITE_URL), never the address of
    # the workstation that printed it, and a random token rather than the site's id.
    return segno.make(site_tag_url(site=site), error="m")


@login_required
def site_qr(request, pk: int):
    site = site_get_for_user(user=request.user, pk=pk)
    svg = _qr_for(site).svg_inline(scale=6, title=site.name, omitsize=True)
    return render(request, "enterprises/site_qr.html", {"site": site, "qr_svg": svg})


@login_required
def site_qr_svg(request, pk: int):
    site = site_get_for_user(user=request.user, pk=pk)
    return HttpResponse(_qr_for(site).svg_inline(scale=8, title=site.name), content_type="image/svg+xml")


@login_required
def site_by_tag(request, token: str):
    """Where a scanned QR tag leads: the site's file, for a signed-in user whose scope holds it."""
    return redirect(site_get_by_tag_for_user(user=request.user, token=token))


@login_required
def qr_sheet(request):
    """A printable sheet of QR tags for every site of one grid."""
    grids = list(grid_list(user=request.user))
    grid = None
    grid_id = request.GET.get("grid")
    if grid_id:
        grid = next((g for g in grids if str(g.pk) == grid_id), None)
        if grid is None:
            raise Http404(_("No such grid."))
    elif len(grids) == 1:
        grid = grids[0]
    tags = []
    if grid is not None:
        for site in site_list_for_user(user=request.user).filter(grid=grid):
            tags.append({"site": site, "svg": _qr_for(site).svg_inline(scale=3, title=site.name, omitsize=True)})
    return render(request, "enterprises/qr_sheet.html", {"grids": grids, "grid": grid, "tags": tags})


class SiteDocumentUploadView(RegistryEditorFormView):
    """The upload form lives on the site file page; a refused file is shown with its error on a page of its own."""

    form_class = SiteDocumentForm
    template_name = "enterprises/site_document_upload.html"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.site = site_get_for_user(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        services.site_document_add(
            site=self.site,
            acting_user=self.request.user,
            kind=data["kind"],
            upload=data["file"],
            title=data["title"],
            number=data["number"],
            valid_until=data["valid_until"],
        )
        messages.success(self.request, _("Document uploaded."))
        return redirect(f"{self.site.get_absolute_url()}#documents")

    def form_invalid(self, form):
        return render(self.request, self.template_name, {"site": self.site, "document_form": form}, status=400)


@login_required
def site_document_download(request, pk: int, document_pk: int):
    document = site_document_get_for_user(user=request.user, site_pk=pk, pk=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The stored file is missing.")) from None
    response = FileResponse(
        handle,
        content_type=document.content_type,
        filename=document_download_name(document=document),
        as_attachment=document.content_type not in INLINE_DOCUMENT_TYPES,
    )
    response["Content-Security-Policy"] = DOCUMENT_CSP
    return response


@login_required
@require_POST
def site_document_delete(request, pk: int, document_pk: int):
    ensure_registry_editor(user=request.user)
    document = site_document_get_for_user(user=request.user, site_pk=pk, pk=document_pk)
    services.site_document_remove(document=document, acting_user=request.user)
    messages.success(request, _("Document removed."))
    return redirect(f"{document.site.get_absolute_url()}#documents")
