"""The ingest endpoint as served: an ASGI app in front of Django's, answering ``/api/ingest/...`` itself.

Carrier platforms rank receivers by response time and stop pushing to a slow one (issue: an ack
at p99 under 100 ms at 250 pushes a second). Through Django's ASGI handler a push costs about
6 ms of CPU before ``ingest_push`` even starts: the sync-only middleware (sessions, CSRF, messages,
auth, OTP, audit...) runs in a thread of its own per request with a hop back to the event loop
for the async view. None of that applies to a machine's push, so this app takes the ingest path
off the stack and everything else goes on to Django unchanged.

It does what the stack did for ingest and nothing more: the body limit (413), the request id
(X-Request-ID, believed from a proxy only as REQUEST_ID_FROM_PROXY says), a latency histogram
in place of the per-view one, and the same answers as ``alarms.ingest_views`` (one rendering,
``answer_response_parts``). The proxy's client address is already in the scope (uvicorn's
proxy headers, riskplatform.serve). The database work runs in a pool of threads of its own,
each giving its connection back to the pool after every push (``ingest_push``).
"""

import asyncio
import logging
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django_guid import clear_guid, set_guid
from django_guid.utils import validate_guid
from prometheus_client import Histogram

from riskplatform.api import body_too_large_message

from .ingest import Answer, ingest_push, onenet_url_verification
from .ingest_views import answer_response_parts

logger = logging.getLogger(__name__)

# The path of riskplatform/urls.py's "alarm-ingest" (``api/ingest/<str:platform>/<str:key>``).
INGEST_PATH = re.compile(r"^/api/ingest/(?P<platform>[^/]+)/(?P<key>[^/]+)$")

ANSWER_SECONDS = Histogram(
    "riskplatform_ingest_answer_seconds",
    "Time from a platform's push arriving to its answer, by platform and status.",
    ["platform", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class IngestFront:
    """Answer pushes to the ingest path; hand every other request (and every other protocol) to ``app``."""

    def __init__(self, app):
        self.app = app
        # As many threads as the database pool has connections: more would only wait for one.
        self.executor = ThreadPoolExecutor(
            max_workers=max(2, settings.DATABASES["default"].get("OPTIONS", {}).get("pool", {}).get("max_size", 8)),
            thread_name_prefix="ingest",
        )

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            match = INGEST_PATH.match(scope["path"])
            if match is not None:
                await self.ingest(scope, receive, send, **match.groupdict())
                return
        await self.app(scope, receive, send)

    async def ingest(self, scope, receive, send, *, platform: str, key: str) -> None:
        started = time.perf_counter()
        headers = _headers(scope)
        request_id = _request_id(headers)
        method = scope["method"]
        if method == "POST":
            body = await _body(receive, limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            if body is None:
                answer = Answer(status=413, code="too_large", detail=body_too_large_message())
            else:
                client = scope.get("client")
                answer = await self._run(
                    request_id,
                    ingest_push,
                    platform=platform,
                    key=key,
                    body=body,
                    headers=headers,
                    remote_addr=client[0] if client else "",
                )
        elif method in ("GET", "HEAD") and platform == "onenet":
            query = _query(scope)
            answer = await self._run(
                request_id,
                onenet_url_verification,
                key=key,
                msg=query.get("msg", ""),
                nonce=query.get("nonce", ""),
                signature=query.get("signature", ""),
            )
        else:
            answer = Answer(status=405, code="method_not_allowed", detail="push with POST")
        await _send(send, answer, request_id=request_id, head=method == "HEAD")
        ANSWER_SECONDS.labels(platform=platform[:16], status=str(answer.status)).observe(time.perf_counter() - started)

    async def _run(self, request_id: str, function, **kwargs) -> Answer:
        def call() -> Answer:
            set_guid(request_id)  # the request id of this push's log lines
            try:
                return function(**kwargs)
            except Exception:
                # The same answer Django would give, without a traceback to the platform.
                logger.exception("Ingest failed unexpectedly.")
                return Answer(status=500, code="server_error", detail="the push could not be handled; send it again")
            finally:
                clear_guid()

        return await asyncio.get_running_loop().run_in_executor(self.executor, call)


def _headers(scope) -> dict[str, str]:
    """The request's headers named as Django's ``request.headers`` names them (``X-Riskplatform-Signature``)."""
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        name = name.decode("latin-1").title()
        value = value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers


def _request_id(headers: dict[str, str]) -> str:
    """The proxy's request id when it is trusted and a UUID (as riskplatform.operations decides for pages), else a new one."""
    given = headers.get(settings.DJANGO_GUID["GUID_HEADER_NAME"].title(), "")
    if settings.REQUEST_ID_FROM_PROXY and given and validate_guid(given):
        return given
    return uuid.uuid4().hex


def _query(scope) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))


async def _body(receive, *, limit: int | None) -> bytes | None:
    """The whole body, or None as soon as it grows past ``limit`` (the rest is not read)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send(send, answer: Answer, *, request_id: str, head: bool) -> None:
    status, content_type, body, extra = answer_response_parts(answer)
    headers = [
        (b"content-type", content_type.encode("latin-1")),
        (b"content-length", str(len(body)).encode("latin-1")),
        (b"x-content-type-options", b"nosniff"),
        (settings.DJANGO_GUID["GUID_HEADER_NAME"].lower().encode("latin-1"), request_id.encode("latin-1")),
    ]
    headers += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else body})
