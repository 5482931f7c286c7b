"""The page to import territory boundaries from a GeoJSON file. Thin: the work is
accounts.services.territory_boundaries_import; errors are shown on the form (riskplatform.pages)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from riskplatform.exceptions import PermissionDeniedError
from riskplatform.forms import ApplicationErrorFormMixin
from riskplatform.pages import ServiceFormView

from .services import boundary_territories, territory_boundaries_import, user_may_import_boundaries

LEVEL_CHOICES = [("grid", gettext_lazy("Grids")), ("community", gettext_lazy("Communities")), ("street", gettext_lazy("Street"))]
MATCH_CHOICES = [("code", gettext_lazy("Code")), ("name", gettext_lazy("Name"))]


class BoundaryImportForm(ApplicationErrorFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("GeoJSON file"),
        help_text=gettext_lazy(
            "A FeatureCollection with one Polygon or MultiPolygon feature per territory, in longitude and latitude."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}),
    )
    level = forms.ChoiceField(label=gettext_lazy("The features outline"), choices=LEVEL_CHOICES, initial="grid")
    match = forms.ChoiceField(
        label=gettext_lazy("Match each feature to a territory by its"), choices=MATCH_CHOICES, initial="code"
    )
    property_name = forms.CharField(
        label=gettext_lazy("Property holding it"),
        required=False,
        max_length=100,
        help_text=gettext_lazy('Leave empty for a property named "code" or "name".'),
    )


class BoundaryImportView(ServiceFormView):
    form_class = BoundaryImportForm
    template_name = "accounts/boundary_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_may_import_boundaries(user=request.user):
            raise PermissionDeniedError(_("Only administrators and street office staff may import territory boundaries."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        levels = []
        for level, label in LEVEL_CHOICES:
            territories = boundary_territories(user=user, level=level).only("pk", "boundary_updated_at")
            total = territories.count()
            drawn = territories.filter(boundary__isnull=False).count()
            levels.append({"label": label, "total": total, "drawn": drawn})
        return {**super().get_context_data(**kwargs), "levels": levels}

    def perform(self, form):
        upload = form.cleaned_data["file"]
        result = territory_boundaries_import(
            acting_user=self.request.user,
            level=form.cleaned_data["level"],
            data=upload.read(),
            match=form.cleaned_data["match"],
            property_name=form.cleaned_data["property_name"],
        )
        messages.success(
            self.request,
            ngettext(
                "%(count)d boundary imported: %(names)s.",
                "%(count)d boundaries imported: %(names)s.",
                len(result.updated),
            )
            % {"count": len(result.updated), "names": "、".join(result.updated)},
        )
        if result.missing:
            messages.warning(
                self.request,
                ngettext(
                    "%(count)d territory of this level still has no boundary: %(names)s.",
                    "%(count)d territories of this level still have no boundary: %(names)s.",
                    len(result.missing),
                )
                % {"count": len(result.missing), "names": "、".join(result.missing)},
            )
        return redirect("boundary-import")
