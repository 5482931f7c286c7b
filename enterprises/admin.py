"""Django admin of the registry. Writes go through enterprises.services, so admin edits are
checked and recorded as page edits are; staff who are not superusers see their scope only."""

from django import forms
from django.contrib import admin
from django.core.validators import MaxLengthValidator

from accounts.admin import ScopedAdminMixin
from accounts.selectors import grid_scope_q
from riskplatform.exceptions import ApplicationError

from . import services
from .models import Category, Site, SiteChange, SiteDocument


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "limit_kind", "limit_value", "requires_credit_code"]
    list_filter = ["group"]
    search_fields = ["code", "name"]


class SiteDocumentInline(admin.TabularInline):
    model = SiteDocument
    extra = 0
    fields = ["kind", "title", "number", "valid_until", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SiteChangeInline(admin.TabularInline):
    model = SiteChange
    extra = 0
    fields = ["at", "actor", "action", "changes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SiteAdminForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = services.SITE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Lengths are checked after normalising, by the service.
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]

    def _post_clean(self):
        # Not the model's own validation: the service's, on the normalised input, as for
        # the pages and the API; its errors are shown beside the fields they name.
        if self.errors:
            return
        try:
            services.site_check_input(data=self.cleaned_data, site=self.instance if self.instance.pk else None)
        except ApplicationError as error:
            for field, messages in error.field_errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
            if not error.field_errors:
                self.add_error(None, error.message)


@admin.register(Site)
class SiteAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = SiteAdminForm
    list_display = ["name", "credit_code", "category", "grid", "status"]
    list_filter = ["status", "category", "grid__community"]
    search_fields = ["name", "credit_code", "address", "responsible_person", "responsible_phone"]
    list_select_related = ["category", "grid__community"]
    autocomplete_fields = ["grid"]
    inlines = [SiteDocumentInline, SiteChangeInline]

    def scope(self, request, queryset):
        return queryset.filter(grid_scope_q(user=request.user, prefix="grid__"))

    def save_model(self, request, obj, form, change):
        """Admin edits go through the same service as the pages, so they are recorded too.

        An ApplicationError raised here (a race lost to another save) becomes a
        message on the page (riskplatform.pages.ApplicationErrorMiddleware).
        """
        data = {field: form.cleaned_data[field] for field in services.SITE_FIELDS if field in form.cleaned_data}
        if change:
            saved = services.site_update(site=obj, acting_user=request.user, data=data)
        else:
            saved = services.site_create(acting_user=request.user, data=data)
        obj.pk = saved.pk


@admin.register(SiteChange)
class SiteChangeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["site", "action", "actor", "at"]
    list_filter = ["action"]
    search_fields = ["site__name"]
    list_select_related = ["site", "actor"]
    readonly_fields = ["site", "actor", "at", "action", "changes"]

    def scope(self, request, queryset):
        return queryset.filter(grid_scope_q(user=request.user, prefix="site__grid__"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
