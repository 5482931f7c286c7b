from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Community, FireStation, Grid, Street, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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


class CommunityInline(admin.TabularInline):
    model = Community
    extra = 0


class GridInline(admin.TabularInline):
    model = Grid
    extra = 0


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]
    inlines = [CommunityInline]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "street"]
    list_filter = ["street"]
    search_fields = ["name", "code"]
    inlines = [GridInline]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "community"]
    list_filter = ["community__street", "community"]
    search_fields = ["name", "code", "community__name"]
    list_select_related = ["community"]


@admin.register(FireStation)
class FireStationAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "phone"]
    filter_horizontal = ["grids"]
