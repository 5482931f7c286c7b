from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

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

    def _post_clean(self):
        # The registry's rules (credit code required, small-venue size limits) apply here too.
        super()._post_clean()
        try:
            services.site_check_rules(self.instance)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    form = SiteAdminForm
    list_display = ["name", "credit_code", "category", "grid", "status"]
    list_filter = ["status", "category", "grid__community"]
    search_fields = ["name", "credit_code", "address", "responsible_person", "responsible_phone"]
    list_select_related = ["category", "grid__community"]
    autocomplete_fields = ["grid"]
    inlines = [SiteDocumentInline, SiteChangeInline]

    def save_model(self, request, obj, form, change):
        """Admin edits go through the same service as the pages, so they are recorded too."""
        data = {field: form.cleaned_data[field] for field in services.SITE_FIELDS if field in form.cleaned_data}
        if change:
            saved = services.site_update(site=Site.objects.get(pk=obj.pk), acting_user=request.user, data=data)
        else:
            saved = services.site_create(acting_user=request.user, data=data)
        obj.pk = saved.pk


@admin.register(SiteChange)
class SiteChangeAdmin(admin.ModelAdmin):
    list_display = ["site", "action", "actor", "at"]
    list_filter = ["action"]
    search_fields = ["site__name"]
    list_select_related = ["site", "actor"]
    readonly_fields = ["site", "actor", "at", "action", "changes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
