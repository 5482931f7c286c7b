"""The audit log's request context: who wrote, and from which address (django-auditlog records the rest).

The models of every app are registered in settings (AUDITLOG_INCLUDE_TRACKING_MODELS); auditlog writes
each entry from the model signals, so in the writer's own transaction: a write rolled back leaves no
entry. A write outside a request (a Celery task, a management command) has no actor: the system.
"""

from auditlog.middleware import AuditlogMiddleware


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with the client's address as the ASGI server resolved it.

    auditlog itself believes the first X-Forwarded-For address of any request. uvicorn
    (riskplatform/serve.py) has already put that address in REMOTE_ADDR when, and only when, the
    connection came from a proxy of FORWARDED_ALLOW_IPS; from anyone else the header is a claim.
    """

    @staticmethod
    def _get_remote_addr(request):
        return request.META.get("REMOTE_ADDR") or None

    @staticmethod
    def _get_remote_port(request):
        port = str(request.META.get("REMOTE_PORT") or "")
        return int(port) if port.isdigit() and int(port) else None
