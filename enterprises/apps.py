from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Site registry")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
