"""The Django admin, with the platform's own admin site (riskplatform.admin_site)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "riskplatform.admin_site.AdminSite"
