"""Pages of the registry. Thin: parse, call a selector or a service, render."""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import grid_list, user_can_edit_registry
from riskplatform.exceptions import ApplicationError

from . import services
from .filters import SiteFilter
from .forms import SiteDocumentForm, SiteForm
from .selectors import site_document_get_for_user, site_file_get, site_get_for_user, site_search_q
from .selectors import site_list as site_list_for_user


def require_registry_editor(user: User) -> None:
    """Refuse (403) a page that changes the registry to anyone who does not maintain it."""
    if not user_can_edit_registry(user):
        raise PermissionDenied(_("Only street office staff may change the registry."))


def _page(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


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
        "can_edit": user_can_edit_registry(request.user),
    }
    template = "enterprises/_site_table.html" if request.htmx and not request.htmx.boosted else "enterprises/site_list.html"
    return render(request, template, context)


@login_required
def my_grid(request):
    """The grid worker's phone page: the sites of their own grids, searchable."""
    grids = list(grid_list(user=request.user))
    sites = site_list_for_user(user=request.user)
    query_text = request.GET.get("q", "").strip()
    if query_text:
        sites = sites.filter(site_search_q(query_text))
    page = _page(request, sites, 30)
    context = {"grids": grids, "page": page, "q": query_text, "query": urlencode({"q": query_text}) if query_text else ""}
    template = "enterprises/_my_grid_results.html" if request.htmx and not request.htmx.boosted else "enterprises/my_grid.html"
    return render(request, template, context)


@login_required
def site_detail(request, pk: int):
    site = site_file_get(user=request.user, pk=pk)
    can_edit = user_can_edit_registry(request.user)
    context = {"site": site, "can_edit": can_edit, "document_form": SiteDocumentForm() if can_edit else None}
    return render(request, "enterprises/site_detail.html", context)


@login_required
def site_create(request):
    require_registry_editor(request.user)
    form = SiteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(acting_user=request.user, data=form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Site file %(name)s created.") % {"name": site.name})
            return redirect(site)
    return render(request, "enterprises/site_form.html", {"form": form, "site": None})


@login_required
def site_edit(request, pk: int):
    require_registry_editor(request.user)
    site = site_get_for_user(user=request.user, pk=pk)
    form = SiteForm(request.POST or None, instance=site, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(site=site, acting_user=request.user, data=form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Site file saved."))
            return redirect(site)
    return render(request, "enterprises/site_form.html", {"form": form, "site": site})


def _qr_for(request, site) -> segno.QRCode:
    # The tag holds the absolute address of the site's file, so any phone camera opens it.
    return segno.make(request.build_absolute_uri(site.get_absolute_url()), error="m")


@login_required
def site_qr(request, pk: int):
    site = site_get_for_user(user=request.user, pk=pk)
    qr = _qr_for(request, site)
    return render(
        request, "enterprises/site_qr.html", {"site": site, "qr_svg": qr.svg_inline(scale=6, title=site.name, omitsize=True)}
    )


@login_required
def site_qr_svg(request, pk: int):
    site = site_get_for_user(user=request.user, pk=pk)
    svg = _qr_for(request, site).svg_inline(scale=8, title=site.name)
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
def qr_sheet(request):
    """A printable sheet of QR tags for every site of one grid."""
    grids = list(grid_list(user=request.user))
    grid = None
    grid_id = request.GET.get("grid")
    if grid_id:
        grid = next((g for g in grids if str(g.pk) == grid_id), None)
        if grid is None:
            raise Http404("No such grid.")
    elif len(grids) == 1:
        grid = grids[0]
    tags = []
    if grid is not None:
        for site in site_list_for_user(user=request.user).filter(grid=grid):
            tags.append({"site": site, "svg": _qr_for(request, site).svg_inline(scale=3, title=site.name, omitsize=True)})
    return render(request, "enterprises/qr_sheet.html", {"grids": grids, "grid": grid, "tags": tags})


@login_required
@require_POST
def site_document_upload(request, pk: int):
    require_registry_editor(request.user)
    site = site_get_for_user(user=request.user, pk=pk)
    form = SiteDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.site_document_add(
                site=site,
                acting_user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                number=form.cleaned_data["number"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Document uploaded."))
            return redirect(f"{site.get_absolute_url()}#documents")
    site = site_file_get(user=request.user, pk=pk)
    return render(request, "enterprises/site_detail.html", {"site": site, "can_edit": True, "document_form": form}, status=400)


@login_required
def site_document_download(request, pk: int, document_pk: int):
    document = site_document_get_for_user(user=request.user, site_pk=pk, pk=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing.") from None
    extension = document.file.name.rsplit(".", 1)[-1]
    filename = document.title if document.title.lower().endswith(f".{extension}") else f"{document.title}.{extension}"
    return FileResponse(handle, content_type=document.content_type, filename=filename, as_attachment=False)


@login_required
@require_POST
def site_document_delete(request, pk: int, document_pk: int):
    require_registry_editor(request.user)
    document = site_document_get_for_user(user=request.user, site_pk=pk, pk=document_pk)
    try:
        services.site_document_remove(document=document, acting_user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Document removed."))
    return redirect(f"{document.site.get_absolute_url()}#documents")
