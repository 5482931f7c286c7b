"""Pages of the regulation library. Thin: parse, call a selector or a service, render.

Every signed-in user reads the library; only administrators get the forms (anyone else
gets the 403 page, through riskplatform.pages). A revision of a checklist item is a new
version; the item's page keeps every version readable.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riskplatform.pages import ServiceFormView

from . import services
from .filters import ChecklistItemFilter, RiskFactorFilter
from .forms import ChecklistItemForm, ClauseForm, LegalBasisForm, RiskFactorTemplateForm
from .selectors import (
    checklist_item_get,
    checklist_item_list,
    clause_get,
    clause_list_for_basis,
    ensure_library_editor,
    legal_basis_get,
    legal_basis_list,
    risk_factor_template_get,
    risk_factor_template_list,
    user_can_edit_library,
)

ITEMS_PER_PAGE = 50


def _partial(request) -> bool:
    """An htmx request that swaps only the results, not a whole page."""
    return bool(request.htmx) and not request.htmx.boosted


def _context(request, section: str, **extra) -> dict:
    return {"section": section, "can_edit": user_can_edit_library(user=request.user), **extra}


# --- Checklist items ---------------------------------------------------------------------------


@login_required
def checklist_item_list_view(request):
    """The library's front page: checklist items, filterable by category, severity and document."""
    can_edit = user_can_edit_library(user=request.user)
    items = checklist_item_list(user=request.user, include_retired=can_edit)
    filterset = ChecklistItemFilter(request.GET, queryset=items)
    page = Paginator(filterset.qs, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = _context(request, "items", filter=filterset, page=page, query=query.urlencode())
    template = "regulations/_item_table.html" if _partial(request) else "regulations/item_list.html"
    return render(request, template, context)


@login_required
def checklist_item_detail(request, pk: int):
    item = checklist_item_get(user=request.user, pk=pk)
    return render(request, "regulations/item_detail.html", _context(request, "items", item=item))


class LibraryEditorFormView(ServiceFormView):
    """A form page of the library; anyone but an administrator gets the 403 page."""

    template_name = "regulations/form.html"
    section = "items"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            ensure_library_editor(user=request.user)
            self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Fetch the object the page edits (a 404 when there is none)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_context(self.request, self.section), **self.page_context()}

    def page_context(self) -> dict:
        return {}


class ChecklistItemCreateView(LibraryEditorFormView):
    form_class = ChecklistItemForm
    template_name = "regulations/item_form.html"

    def perform(self, form):
        item = services.checklist_item_create(acting_user=self.request.user, data=form.service_data())
        messages.success(self.request, _("Checklist item %(code)s created.") % {"code": item.code})
        return redirect("regulations:item-detail", pk=item.pk)


class ChecklistItemReviseView(LibraryEditorFormView):
    form_class = ChecklistItemForm
    template_name = "regulations/item_form.html"

    def load(self, **kwargs) -> None:
        self.item = checklist_item_get(user=self.request.user, pk=kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": self.item.current_version}

    def page_context(self) -> dict:
        return {"item": self.item}

    def perform(self, form):
        before = self.item.current_version
        version = services.checklist_item_revise(item=self.item, acting_user=self.request.user, data=form.service_data())
        if version.pk == before.pk:
            messages.info(
                self.request, _("Nothing changed; the item stays at version %(version)d.") % {"version": version.version}
            )
        else:
            messages.success(
                self.request, _("Version %(version)d of %(code)s saved.") % {"version": version.version, "code": self.item.code}
            )
        return redirect("regulations:item-detail", pk=self.item.pk)


@login_required
@require_POST
def checklist_item_retire(request, pk: int):
    ensure_library_editor(user=request.user)
    item = services.checklist_item_retire(item=checklist_item_get(user=request.user, pk=pk), acting_user=request.user)
    messages.success(request, _("%(code)s is retired: new checklists leave it out.") % {"code": item.code})
    return redirect("regulations:item-detail", pk=item.pk)


@login_required
@require_POST
def checklist_item_restore(request, pk: int):
    ensure_library_editor(user=request.user)
    item = services.checklist_item_restore(item=checklist_item_get(user=request.user, pk=pk), acting_user=request.user)
    messages.success(request, _("%(code)s is in use again.") % {"code": item.code})
    return redirect("regulations:item-detail", pk=item.pk)


# --- Legal bases and clauses ----------------------------------------------------------------


@login_required
def legal_basis_list_view(request):
    bases = legal_basis_list(user=request.user)
    return render(request, "regulations/basis_list.html", _context(request, "bases", bases=bases))


@login_required
def legal_basis_detail(request, pk: int):
    basis = legal_basis_get(user=request.user, pk=pk)
    return render(request, "regulations/basis_detail.html", _context(request, "bases", basis=basis))


class LegalBasisCreateView(LibraryEditorFormView):
    form_class = LegalBasisForm
    section = "bases"

    def page_context(self) -> dict:
        return {"title": _("New legal basis"), "cancel_url": reverse("regulations:basis-list")}

    def perform(self, form):
        basis = services.legal_basis_create(acting_user=self.request.user, data=dict(form.cleaned_data))
        messages.success(self.request, _("%(code)s added.") % {"code": basis.code})
        return redirect("regulations:basis-detail", pk=basis.pk)


class LegalBasisEditView(LegalBasisCreateView):
    def load(self, **kwargs) -> None:
        self.basis = legal_basis_get(user=self.request.user, pk=kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.basis}

    def page_context(self) -> dict:
        url = reverse("regulations:basis-detail", args=[self.basis.pk])
        return {"title": _("Edit %(code)s") % {"code": self.basis.code}, "cancel_url": url}

    def perform(self, form):
        services.legal_basis_update(basis=self.basis, acting_user=self.request.user, data=dict(form.cleaned_data))
        messages.success(self.request, _("%(code)s saved.") % {"code": self.basis.code})
        return redirect("regulations:basis-detail", pk=self.basis.pk)


class ClauseCreateView(LibraryEditorFormView):
    form_class = ClauseForm
    section = "bases"

    def load(self, **kwargs) -> None:
        self.basis = legal_basis_get(user=self.request.user, pk=kwargs["pk"])

    def page_context(self) -> dict:
        url = reverse("regulations:basis-detail", args=[self.basis.pk])
        return {"title": _("New clause of %(code)s") % {"code": self.basis.code}, "cancel_url": url}

    def perform(self, form):
        clause = services.clause_create(basis=self.basis, acting_user=self.request.user, data=dict(form.cleaned_data))
        messages.success(self.request, _("Clause %(number)s added.") % {"number": clause.number})
        return redirect(f"{reverse('regulations:basis-detail', args=[self.basis.pk])}#clause-{clause.pk}")


class ClauseEditView(LibraryEditorFormView):
    form_class = ClauseForm
    section = "bases"

    def load(self, **kwargs) -> None:
        self.clause = clause_get(user=self.request.user, pk=kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.clause}

    def page_context(self) -> dict:
        url = reverse("regulations:basis-detail", args=[self.clause.basis_id])
        return {"title": _("Edit clause %(clause)s") % {"clause": str(self.clause)}, "cancel_url": url}

    def perform(self, form):
        services.clause_update(clause=self.clause, acting_user=self.request.user, data=dict(form.cleaned_data))
        messages.success(self.request, _("Clause %(number)s saved.") % {"number": self.clause.number})
        return redirect(f"{reverse('regulations:basis-detail', args=[self.clause.basis_id])}#clause-{self.clause.pk}")


@login_required
def clause_options(request):
    """The clause <option>s of one document, for the item form (htmx swaps them in)."""
    basis_id = request.GET.get("basis", "")
    clauses = clause_list_for_basis(basis_id=basis_id) if basis_id.isdigit() else []
    return render(request, "regulations/_clause_options.html", {"clauses": clauses})


# --- Risk factors ------------------------------------------------------------------------------


@login_required
def risk_factor_list_view(request):
    can_edit = user_can_edit_library(user=request.user)
    templates = risk_factor_template_list(user=request.user, include_inactive=can_edit)
    filterset = RiskFactorFilter(request.GET, queryset=templates)
    groups: dict = {}
    for template in filterset.qs:
        groups.setdefault(template.category, []).append(template)
    context = _context(request, "risk-factors", filter=filterset, groups=list(groups.items()))
    template = "regulations/_risk_factor_groups.html" if _partial(request) else "regulations/risk_factor_list.html"
    return render(request, template, context)


class RiskFactorCreateView(LibraryEditorFormView):
    form_class = RiskFactorTemplateForm
    section = "risk-factors"

    def page_context(self) -> dict:
        return {"title": _("New risk factor"), "cancel_url": reverse("regulations:risk-factor-list")}

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("category", "").isdigit():
            initial["category"] = self.request.GET["category"]
        return initial

    def perform(self, form):
        template = services.risk_factor_template_create(acting_user=self.request.user, data=dict(form.cleaned_data))
        messages.success(self.request, _("Risk factor %(name)s added.") % {"name": template.name})
        return redirect(f"{reverse('regulations:risk-factor-list')}?category={template.category_id}#factor-{template.pk}")


class RiskFactorEditView(RiskFactorCreateView):
    def load(self, **kwargs) -> None:
        self.template = risk_factor_template_get(user=self.request.user, pk=kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "template": self.template}

    def page_context(self) -> dict:
        url = f"{reverse('regulations:risk-factor-list')}?category={self.template.category_id}"
        return {"title": _("Edit risk factor %(name)s") % {"name": self.template.name}, "cancel_url": url}

    def perform(self, form):
        template = services.risk_factor_template_update(
            template=self.template, acting_user=self.request.user, data=dict(form.cleaned_data)
        )
        messages.success(self.request, _("Risk factor %(name)s saved.") % {"name": template.name})
        return redirect(f"{reverse('regulations:risk-factor-list')}?category={template.category_id}#factor-{template.pk}")
