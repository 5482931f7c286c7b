"""Reads of the registry, already narrowed to what the acting user may see."""

import re
from pathlib import PurePosixPath

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.personal_data import personal_data_site_q
from accounts.selectors import grid_scope_q

from .models import Category, Site, SiteChange, SiteDocument, SiteImport


def site_list(*, user: User) -> QuerySet[Site]:
    """Sites in the user's scope, with what a list row shows loaded in the same query."""
    return (
        Site.objects.filter(grid_scope_q(user=user, prefix="grid__"))
        .select_related("category", "grid__community")
        .order_by("name", "pk")
    )


def site_search_q(*, text: str, user: User, by_program: bool = False) -> Q:
    """Matches a site by name, credit code, address or either contact's name; by either contact's
    phone number only where ``user`` sees it in full (accounts.personal_data.personal_data_site_q),
    so that a search cannot spell out a number the user sees masked."""
    # PostgreSQL refuses NUL characters in a query; no site holds one.
    text = text.replace("\x00", "").strip()
    if not text:
        return Q()
    phones = Q(responsible_phone__startswith=text) | Q(safety_contact_phone__startswith=text)
    return (
        Q(name__icontains=text)
        | Q(credit_code__iexact=text)
        | Q(address__icontains=text)
        | Q(responsible_person__icontains=text)
        | Q(safety_contact__icontains=text)
        | (phones & personal_data_site_q(user=user, by_program=by_program))
    )


def site_get_for_user(*, user: User, pk: int) -> Site:
    """The site, or 404 when it does not exist or lies outside the user's scope."""
    try:
        return site_list(user=user).get(pk=pk)
    except (Site.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such site.")) from None


def site_get_by_tag_for_user(*, user: User, token: str) -> Site:
    """The site whose QR tag carries ``token``, or 404 when there is none in the user's scope."""
    try:
        return site_list(user=user).get(qr_token=token)
    except Site.DoesNotExist:
        raise Http404(_("No such site.")) from None


def site_tag_url(*, site: Site) -> str:
    """The address a site's QR tag encodes: the public SITE_URL and the tag's random token."""
    return settings.SITE_URL + reverse("enterprises:site-by-tag", args=[site.qr_token])


def site_file_get(*, user: User, pk: int) -> Site:
    """A site with everything its file page shows: documents and change history."""
    site = site_get_for_user(user=user, pk=pk)
    site.document_list = list(site.documents.select_related("uploaded_by"))
    site.change_list = list(site.changes.select_related("actor")[:200])
    return site


def site_document_get_for_user(*, user: User, site_pk: int, pk: int) -> SiteDocument:
    site = site_get_for_user(user=user, pk=site_pk)
    try:
        return site.documents.get(pk=pk)
    except SiteDocument.DoesNotExist:
        raise Http404(_("No such document.")) from None


# Characters no file name may hold on the phones and PCs documents are saved to.
UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def document_download_name(*, document: SiteDocument) -> str:
    """The name a downloaded document is saved under: its title, made safe, with its extension.

    "营业执照（正本/副本）" must not be cut at the slash by the browser.
    """
    extension = PurePosixPath(document.file.name).suffix.lower()
    title = UNSAFE_IN_FILE_NAMES.sub("_", document.title).strip(" .") or _("document")
    return title if title.lower().endswith(extension) else f"{title}{extension}"


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("code")


def site_change_list(*, site: Site) -> QuerySet[SiteChange]:
    return site.changes.select_related("actor")


def site_import_get_for_user(*, user: User, pk: int) -> SiteImport:
    """An import of the user's own (admins: anyone's), or 404."""
    imports = SiteImport.objects.select_related("uploaded_by")
    if not user.is_admin:
        imports = imports.filter(uploaded_by=user.pk)
    try:
        return imports.get(pk=pk)
    except (SiteImport.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such import.")) from None


def site_import_list(*, user: User) -> QuerySet[SiteImport]:
    """The user's own imports, newest first."""
    return SiteImport.objects.filter(uploaded_by=user.pk).order_by("-uploaded_at", "-pk")
