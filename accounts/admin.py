"""Django admin of people and the territory.

Superusers see everything. Other staff with admin access see only their scope
(accounts.selectors, the same rules as the pages and the API), cannot make
anyone a superuser or an administrator or hand out permissions, and cannot change
an administrator.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Community, FireStation, Grid, Street, User
from .selectors import community_list, fire_station_list, grid_list, street_list, user_list


class ScopedAdminMixin:
    """Narrows an admin's rows, and the territory it offers in forms, to the acting user's scope."""

    def scope(self, request, queryset):
        """The rows of ``queryset`` the acting user may see; override per model."""
        return queryset

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else self.scope(request, queryset)

    def _territory(self, request, model):
        user = request.user
        return {
            Grid: lambda: grid_list(user=user),
            Community: lambda: community_list(user=user),
            Street: lambda: street_list(user=user),
            FireStation: lambda: fire_station_list(user=user),
        }.get(model, lambda: None)()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            scoped = self._territory(request, db_field.related_model)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            scoped = self._territory(request, db_field.related_model)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "street", "station", "is_active"]
    list_filter = ["role", "is_active", "street", "station"]
    search_fields = ["username", "full_name", "phone"]
    filter_horizontal = ["grids", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "email"]}),
        (_("Role and scope"), {"fields": ["role", "grids", "street", "station"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]}),
        (_("Role and scope"), {"fields": ["role", "grids", "street", "station"]}),
    ]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=user_list(user=request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser hands out admin rights.
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            # The administrator role sees everything: only a superuser gives it.
            kwargs["choices"] = [(value, label) for value, label in db_field.choices if value != User.Role.ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # Nor may other staff change an administrator, or set their password and sign in as them.
        if obj is not None and obj.is_admin and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_admin and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class CommunityInline(admin.TabularInline):
    model = Community
    extra = 0


class GridInline(admin.TabularInline):
    model = Grid
    extra = 0


@admin.register(Street)
class StreetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]
    inlines = [CommunityInline]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=street_list(user=request.user).values("pk"))


@admin.register(Community)
class CommunityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "street"]
    list_filter = ["street"]
    search_fields = ["name", "code"]
    inlines = [GridInline]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=community_list(user=request.user).values("pk"))


@admin.register(Grid)
class GridAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "community"]
    list_filter = ["community__street", "community"]
    search_fields = ["name", "code", "community__name"]
    list_select_related = ["community"]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=grid_list(user=request.user).values("pk"))


@admin.register(FireStation)
class FireStationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "street", "phone"]
    filter_horizontal = ["grids"]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=fire_station_list(user=request.user).values("pk"))
