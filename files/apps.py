from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "files"
    verbose_name = _("Photos and PDFs")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
