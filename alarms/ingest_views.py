"""The ingest endpoint, a plain Django view (no DRF: every millisecond counts, and platforms are no API users).

``POST /api/ingest/<platform>/<key>`` takes a push; ``GET`` answers OneNET's URL
verification. The view is async so that the database work (alarms.ingest) runs in a
thread of its own per request rather than in Django's one thread for sync views.
"""

from asgiref.sync import sync_to_async
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from riskplatform.api import error_body

from .ingest import Answer, ingest_push, onenet_url_verification


def _response(answer: Answer) -> HttpResponse:
    if answer.text is not None:
        return HttpResponse(answer.text, content_type="text/plain; charset=utf-8", status=answer.status)
    if answer.status == 200:
        return JsonResponse({"code": "ok", "stored": answer.stored})
    response = JsonResponse(error_body(code=answer.code, detail=answer.detail), status=answer.status)
    if answer.status == 429:
        response["Retry-After"] = "1"
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
