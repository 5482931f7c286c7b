"""The ASGI application: Django's pages and API over HTTP, the Channels consumers over WebSocket.

Served by uvicorn through ``python -m riskplatform.serve``.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskplatform.settings")
django_asgi_app = get_asgi_application()

# These imports need Django set up first (the consumers import models).
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from alarms.ingest_asgi import IngestFront  # noqa: E402
from riskplatform.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Carrier platforms' pushes are answered in front of Django's middleware (alarms.ingest_asgi).
        "http": IngestFront(django_asgi_app),
        # A page of another site must not open a socket with our user's cookie: the
        # Origin must be one of ALLOWED_HOSTS. The session cookie signs the user in.
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))),
    }
)
