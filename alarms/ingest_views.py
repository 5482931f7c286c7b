"""The ingest endpoint, a plain Django view (no DRF: every millisecond counts, and platforms are no API users).

``POST /api/ingest/<platform>/<key>`` takes a push; ``GET`` answers OneNET's URL
verification. The served application answers this path in front of Django
(alarms.ingest_asgi, without the middleware a push has no use for); this view is the
same endpoint inside Django, for its URL name and for clients that go through Django's
handler. Both render an answer with ``answer_response_parts``.
"""

import json

from asgiref.sync import sync_to_async
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from riskplatform.api import error_body

from .ingest import Answer, ingest_push, onenet_url_verification


def answer_response_parts(answer: Answer) -> tuple[int, str, bytes, dict[str, str]]:
    """How an answer goes out: status, content type, body and any further headers."""
    if answer.text is not None:
        return answer.status, "text/plain; charset=utf-8", answer.text.encode(), {}
    if answer.status == 200:
        content = {"code": "ok", "stored": answer.stored}
    else:
        content = error_body(code=answer.code, detail=answer.detail)
    extra = {"Retry-After": "1"} if answer.status == 429 else {}
    return answer.status, "application/json", json.dumps(content, ensure_ascii=False).encode(), extra


def _response(answer: Answer) -> HttpResponse:
    status, content_type, body, extra = answer_response_parts(answer)
    response = HttpResponse(body, content_type=content_type, status=status)
    for name, value in extra.items():
        response[name] = value
    return response


@csrf_exempt
async def ingest(request, platform: str, key: str) -> HttpResponse:
    if request.method == "GET":
        if platform != "onenet":
            return _response(Answer(status=405, code="method_not_allowed", detail="push with POST"))
        answer = await sync_to_async(onenet_url_verification, thread_sensitive=False)(
            key=key,
            msg=request.GET.get("msg", ""),
            nonce=request.GET.get("nonce", ""),
            signature=request.GET.get("signature", ""),
        )
        return _response(answer)
    if request.method != "POST":
        return _response(Answer(status=405, code="method_not_allowed", detail="push with POST"))
    answer = await sync_to_async(ingest_push, thread_sensitive=False)(
        platform=platform,
        key=key,
        body=request.body,
        headers=dict(request.headers),
        remote_addr=request.META.get("REMOTE_ADDR", ""),
    )
    return _response(answer)
