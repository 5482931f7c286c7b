"""Django admin of hazards and grades: for looking, scoped to the staff member's area. Every
change goes through the pages and the services, so that it is checked and in the timeline."""

from django.contrib import admin

from accounts.admin import ScopedAdminMixin
from accounts.selectors import grid_scope_q

from .models import GradeChange, Hazard, HazardLog, RectificationNotice, SiteRiskFactor


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    site_path = "site__grid__"

    def scope(self, request, queryset):
        return queryset.filter(grid_scope_q(user=request.user, prefix=self.site_path))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HazardLogInline(admin.TabularInline):
    model = HazardLog
    fields = ["at", "kind", "actor", "comment", "deadline"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ["site", "level", "status", "deadline", "found_at"]
    list_filter = ["status", "level", "source"]
    search_fields = ["site__name", "description"]
    list_select_related = ["site"]
    inlines = [HazardLogInline]


@admin.register(RectificationNotice)
class RectificationNoticeAdmin(ReadOnlyAdmin):
    site_path = "hazard__site__grid__"
    list_display = ["number", "site_name", "deadline", "issued_at"]
    search_fields = ["number", "site_name"]


@admin.register(SiteRiskFactor)
class SiteRiskFactorAdmin(ReadOnlyAdmin):
    list_display = ["site", "name", "likelihood", "exposure", "consequence", "is_active"]
    list_select_related = ["site"]
    search_fields = ["site__name", "name"]


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    list_display = ["site", "from_colour", "to_colour", "trigger", "at"]
    list_filter = ["to_colour"]
    list_select_related = ["site"]
