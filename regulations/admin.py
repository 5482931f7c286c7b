"""Django admin of the regulation library: read-mostly. Documents, clauses and risk factors
are saved through regulations.services (checked and recorded as page edits are); checklist
items and their versions are read here and revised on the library's pages, where a change
becomes a new version."""

from django.contrib import admin

from . import services
from .models import ChecklistItem, ChecklistItemVersion, Clause, LegalBasis, LibraryChange, RiskFactorTemplate


class LibraryEditorAdminMixin:
    """Only administrators change the library (regulations.selectors.user_can_edit_library)."""

    def has_add_permission(self, request, *args):
        return request.user.is_admin and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_admin and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Citations must not vanish from under inspections and hazards.
        return False


class ClauseInline(admin.TabularInline):
    model = Clause
    extra = 0
    fields = ["number", "text"]
    readonly_fields = fields
    can_delete = False
    ordering = ["sort_key", "number"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LegalBasis)
class LegalBasisAdmin(LibraryEditorAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "kind", "edition", "in_force_from", "superseded_by"]
    list_filter = ["kind"]
    search_fields = ["code", "title"]
    fields = services.BASIS_FIELDS
    inlines = [ClauseInline]

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in services.BASIS_FIELDS if field in form.cleaned_data}
        if change:
            saved = services.legal_basis_update(basis=obj, acting_user=request.user, data=data)
        else:
            saved = services.legal_basis_create(acting_user=request.user, data=data)
        obj.pk = saved.pk


@admin.register(Clause)
class ClauseAdmin(LibraryEditorAdminMixin, admin.ModelAdmin):
    list_display = ["basis", "number", "text"]
    list_filter = ["basis"]
    search_fields = ["number", "text", "basis__code"]
    list_select_related = ["basis"]
    fields = ["basis", "number", "text"]

    def get_readonly_fields(self, request, obj=None):
        return ["basis"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in services.CLAUSE_FIELDS}
        if change:
            saved = services.clause_update(clause=obj, acting_user=request.user, data=data)
        else:
            saved = services.clause_create(basis=form.cleaned_data["basis"], acting_user=request.user, data=data)
        obj.pk = saved.pk


class VersionInline(admin.TabularInline):
    model = ChecklistItemVersion
    extra = 0
    fields = [
        "version",
        "requirement",
        "basis",
        "clause",
        "rule_kind",
        "threshold",
        "unit",
        "severity",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields
    can_delete = False
    ordering = ["-version"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["code", "current_version", "is_active", "updated_at"]
    list_filter = ["is_active", "current_version__severity", "current_version__rule_kind"]
    search_fields = ["code", "current_version__requirement"]
    list_select_related = ["current_version__item"]
    readonly_fields = ["code", "is_active", "current_version", "created_at", "updated_at"]
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChecklistItemVersion)
class ChecklistItemVersionAdmin(admin.ModelAdmin):
    list_display = ["item", "version", "rule_kind", "severity", "basis", "clause", "created_at"]
    list_filter = ["rule_kind", "severity", "basis"]
    search_fields = ["item__code", "requirement"]
    list_select_related = ["item", "basis", "clause__basis"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskFactorTemplate)
class RiskFactorTemplateAdmin(LibraryEditorAdminMixin, admin.ModelAdmin):
    list_display = ["code", "category", "name", "likelihood", "exposure", "consequence", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["category"]
    fields = ["code", *services.RISK_FACTOR_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in services.RISK_FACTOR_FIELDS if field in form.cleaned_data}
        if change:
            saved = services.risk_factor_template_update(template=obj, acting_user=request.user, data=data)
        else:
            saved = services.risk_factor_template_create(
                acting_user=request.user, data={**data, "code": form.cleaned_data["code"]}
            )
        obj.pk = saved.pk


@admin.register(LibraryChange)
class LibraryChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "entity", "label", "action", "actor"]
    list_filter = ["entity", "action"]
    search_fields = ["label"]
    list_select_related = ["actor"]
    readonly_fields = ["entity", "object_id", "label", "action", "actor", "at", "changes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
