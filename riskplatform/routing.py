"""WebSocket routes, gathered from each app's ``routing.websocket_urlpatterns``.

An app adds a consumer by declaring it in its own ``routing.py``; the project does
not list the apps' consumers itself.
"""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def websocket_urlpatterns() -> list:
    patterns = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "routing"):
            # Some libraries have a `routing` module of their own (channels.routing), without routes.
            patterns += getattr(import_module(f"{config.name}.routing"), "websocket_urlpatterns", [])
    return patterns
