"""Inspection benchmark: the grid worker's checklist page on a phone, making a checklist of 60
items, and storing an inspection the phone's outbox sends.

Run with DATABASE_URL (PostgreSQL) and REDIS_URL set:

    .venv/bin/python benchmarks/inspection_page.py

The database named in DATABASE_URL is never touched: the benchmark creates its own
database on the same server (that name + "_bench_inspection"), migrates it, loads the demo
street (``seed_demo``), collects the static files into a temporary folder, and drops both at
the end. The seeded library gives the grid worker's small restaurants (小餐饮场所) at most 39
items, so the benchmark adds restaurant items to the library through its services, as an
administrator would (each citing a clause; two clauses the library lacks are added first),
until the restaurant with the longest checklist has exactly 60. No site of the grid worker's
has exactly 40, so street staff define a special campaign (专项检查) of 40 of those 60 items
at that restaurant. Both are made "the day before", so that the inspections sent below
started after them and the server requires every item of the checklist.

1. ``inspection_page_first_load_kb``: the checklist page of that restaurant (60 items), as
   production serves it: collected and compressed static files (WhiteNoise),
   ``python -m riskplatform.serve`` (uvicorn) with DEBUG off, opened by Debian's Chromium
   through Playwright on a 360 x 740 phone with an empty cache, signed in by its session cookie
   alone. Every byte the first load transfers (headers and bodies: HTML, CSS, JS, fonts, the
   service worker and the page shells it keeps) counts, until the service worker controls the
   page and the network is idle, as tests/browser/test_inspection_weight.py measures it. A
   first load holds no photos.
2. ``checklist_generate_ms``: ``GET /api/inspections/checklist/?site=<the restaurant>&kind=routine``,
   the checklist the phone fetches (inspections.selectors.checklist_for_site).
3. ``sync_submit_ms``: ``POST /api/inspections/`` of one campaign inspection, sent whole as the
   outbox (static/js/outbox.js) sends it: 40 answers (37 pass, 2 fail and each raises a hazard,
   1 not applicable) naming 10 photos (two on each failed answer, one on six passed ones). As in
   the outbox, the photos are uploaded first, one ``POST /api/photos/`` each with a 1,600 px
   JPEG made by Pillow; those uploads are not in ``sync_submit_ms`` (``photo_upload_ms`` gives
   one). Only the inspection's POST is timed: checking it, storing it with its answers, the
   hazards it raises and the site's reassessment. Every run is a new inspection, with new ids
   for it, its answers and its photos.

Requests go through Django's test client as ``gridworker`` with DEBUG off; times are the
median of RUNS requests after WARM_UPS, in milliseconds, around the whole request. Results
are printed as ``name: value`` lines.
"""

import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from io import BytesIO, StringIO
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

from common import ROOT, RUNS, WARM_UPS, BenchmarkFailure, Measurer, main_in_own_database, measure, median_ms, report

CHECKLIST_ITEMS = 60
SUBMIT_ANSWERS = 40
SUBMIT_PHOTOS = 10
SUBMIT_FAILED = 2
# 小餐饮场所, the commonest kind of site a grid worker checks.
RESTAURANT = "XS02"
HOST = "127.0.0.1"
SERVER_START_TIMEOUT = 60
CHROMIUM = "/usr/bin/chromium"
# As tests/browser/conftest.py launches it: the machine has no network for anything else.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}

# Clauses the seeded library lacks, for the restaurant items below: (basis code, number, text).
CLAUSES = [
    (
        "城镇燃气管理条例",
        "第二十八条",
        "燃气用户及相关单位和个人不得擅自操作公用燃气阀门；不得将燃气管道作为负重支架或者接地引线；不得安装、使用不符合"
        "气源要求的燃气燃烧器具；不得擅自安装、改装、拆除户内燃气设施和燃气计量装置；不得在不具备安全条件的场所使用、"
        "储存燃气；不得改变燃气用途或者转供燃气。",
    ),
    (
        "GB 50140-2005",
        "4.2.2",
        "B类火灾场所应选择泡沫灭火器、碳酸氢钠干粉灭火器、磷酸铵盐干粉灭火器、二氧化碳灭火器、灭B类火灾的水型灭火器或卤代烷灭火器。",
    ),
]
YES = {"rule_kind": "yes_no", "pass_answer": True}
# What a grid worker also checks in a small restaurant, each citing the clause it comes from;
# as many as needed are added, in this order.
RESTAURANT_ITEMS = [
    (
        "RST-01",
        "GB 50140-2005",
        "6.1.1",
        "后厨（单独的计算单元）配置的灭火器数量",
        {"rule_kind": "count_min", "threshold": "2", "unit": "具"},
    ),
    (
        "RST-02",
        "GB 50140-2005",
        "4.2.2",
        "后厨（B类火灾场所）配置的灭火器类型",
        {
            "rule_kind": "choice",
            "choices": [
                {"value": "磷酸铵盐干粉（ABC）", "passes": True},
                {"value": "碳酸氢钠干粉（BC）", "passes": True},
                {"value": "泡沫", "passes": True},
                {"value": "二氧化碳", "passes": True},
                {"value": "清水", "passes": False},
            ],
        },
    ),
    (
        "RST-03",
        "GB 50016-2014",
        "5.5.18",
        "后厨通往就餐区或室外的疏散门净宽度",
        {"rule_kind": "measure_min", "threshold": "0.9", "unit": "m"},
    ),
    ("RST-04", "中华人民共和国消防法", "第二十八条", "后厨通往安全出口的通道未堆放杂物、未被占用", YES),
    ("RST-05", "中华人民共和国消防法", "第二十八条", "营业期间安全出口、疏散门未上锁、未被封闭", YES),
    ("RST-06", "中华人民共和国消防法", "第二十八条", "店招、广告牌未封堵外窗，不影响逃生和灭火救援", YES),
    ("RST-07", "中华人民共和国消防法", "第二十八条", "灭火器未被挪作他用（如用作门挡），未被杂物遮挡", YES),
    ("RST-08", "中华人民共和国消防法", "第十六条", "灭火器压力指针在绿区，筒体无锈蚀、喷管完好", YES),
    ("RST-09", "中华人民共和国消防法", "第十六条", "应急照明灯和疏散指示标志按测试按钮能正常点亮", YES),
    ("RST-10", "中华人民共和国消防法", "第十六条", "已明确本店消防安全责任人，并在店内醒目位置公示", YES),
    ("RST-11", "中华人民共和国消防法", "第二十一条", "后厨及液化气钢瓶存放处无人吸烟，设有禁止吸烟标志", YES),
    ("RST-12", "中华人民共和国消防法", "第二十一条", "店内电焊、切割等动火作业事先办理了审批手续", YES),
    ("RST-13", "城镇燃气管理条例", "第二十八条", "燃气灶具与所用燃气种类相符，具有产品合格标志", YES),
    ("RST-14", "城镇燃气管理条例", "第二十八条", "燃气管道未用作挂物支架或电器接地线", YES),
    ("RST-15", "城镇燃气管理条例", "第二十八条", "未改变燃气用途，未向相邻商户转供燃气", YES),
    ("RST-16", "城镇燃气管理条例", "第二十八条", "燃气表、阀门未被装修包封，可随时检查、关闭", YES),
    ("RST-17", "GB 50140-2005", "5.1.3", "灭火器摆放稳固，铭牌朝外", YES),
    ("RST-18", "GB 50140-2005", "5.1.5", "灭火器未靠近灶台、蒸箱等高温处摆放", YES),
    ("RST-19", "GA 654-2006", "7.9.2.7", "排油烟罩、灶台周边无明显油垢积聚", YES),
    ("RST-20", "GA 654-2006", "7.9.2.7", "烟道清洗有记录（清洗单位、日期）可查", YES),
    ("RST-21", "公安部令第61号", "第二十五条", "营业结束时关闭燃气总阀、切断非必要电源", YES),
    ("RST-22", "公安部令第61号", "第三十六条", "抽问员工一人，会使用灭火器和灭火毯", YES),
    ("RST-23", "公安部令第61号", "第三十七条", "就餐区张贴了疏散示意图和消防安全提示", YES),
    ("RST-24", "中华人民共和国安全生产法", "第四十二条", "员工宿舍未设在后厨或仓储区内，出口、疏散通道畅通", YES),
]


# --- The data ---------------------------------------------------------------------------------------


def sites_by_checklist_length(user) -> list[tuple[int, object]]:
    """The sites ``user`` inspects with the length of their routine checklist, longest first."""
    from accounts.selectors import grid_scope_q
    from enterprises.models import Site
    from regulations.selectors import checklist_versions_for_site

    sites = Site.objects.filter(grid_scope_q(user=user, prefix="grid__")).select_related("category").order_by("pk")
    return sorted(
        ((len(checklist_versions_for_site(site=site)), site) for site in sites), key=lambda pair: (-pair[0], pair[1].pk)
    )


def grow_restaurant_checklist(*, grid_worker, admin) -> object:
    """The grid worker's restaurant with the longest checklist, made exactly CHECKLIST_ITEMS long with
    restaurant items added through the library's services (as an administrator would)."""
    from regulations.models import Clause, LegalBasis
    from regulations.selectors import checklist_versions_for_site
    from regulations.services import checklist_item_create, clause_create

    restaurants = [(count, site) for count, site in sites_by_checklist_length(grid_worker) if site.category.code == RESTAURANT]
    count, site = next(((count, site) for count, site in restaurants if count <= CHECKLIST_ITEMS), (0, None))
    if site is None:
        raise BenchmarkFailure(f"the grid worker has no {RESTAURANT} site with at most {CHECKLIST_ITEMS} items")
    needed = CHECKLIST_ITEMS - count
    if needed > len(RESTAURANT_ITEMS):
        raise BenchmarkFailure(f"{site.name} has {count} items; {len(RESTAURANT_ITEMS)} more do not make {CHECKLIST_ITEMS}")
    bases = {basis.code: basis for basis in LegalBasis.objects.all()}
    for code, number, text in CLAUSES:
        if not Clause.objects.filter(basis=bases[code], number=number).exists():
            clause_create(basis=bases[code], acting_user=admin, data={"number": number, "text": text})
    clauses = {(clause.basis.code, clause.number): clause for clause in Clause.objects.select_related("basis")}
    for code, basis, number, requirement, rule in RESTAURANT_ITEMS[:needed]:
        checklist_item_create(
            acting_user=admin,
            data={
                "code": code,
                "requirement": requirement,
                "basis": bases[basis],
                "clause": clauses[(basis, number)],
                "categories": [site.category],
                **rule,
            },
        )
    length = len(checklist_versions_for_site(site=site))
    if length != CHECKLIST_ITEMS:
        raise BenchmarkFailure(f"{site.name} has {length} items after adding {needed}, not {CHECKLIST_ITEMS}")
    return site


def submit_campaign(*, staff, site):
    """A special campaign (专项检查) of SUBMIT_ANSWERS of the restaurant's items, running today, made by
    street staff through the service: the restaurant items first, then gas, kitchen and extinguishers."""
    from django.utils import timezone

    from inspections.services.campaigns import campaign_create
    from regulations.selectors import checklist_versions_for_site

    focus = ("RST-", "GAS-", "KIT-", "EXT-")
    versions = sorted(
        checklist_versions_for_site(site=site), key=lambda version: (not version.item.code.startswith(focus), version.item.code)
    )
    today = timezone.localdate()
    return campaign_create(
        acting_user=staff,
        data={
            "name": "餐饮场所消防安全专项检查",
            "description": "冬春火灾防控：后厨、燃气和灭火器材。",
            "starts_on": today - datetime.timedelta(days=7),
            "ends_on": today + datetime.timedelta(days=30),
            "items": [version.item_id for version in versions[:SUBMIT_ANSWERS]],
            "sites": [site.pk],
        },
    )


def camera_jpeg(index: int) -> bytes:
    """A photo as the phone sends it (resized to 1,600 px, JPEG): a shop's wall with an extinguisher."""
    from PIL import Image, ImageDraw

    size = (1600, 1200)
    picture = Image.new("RGB", size, (222 - index, 218, 208 + index))
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.rectangle((0, height * 3 // 4, width, height), fill=(150, 140, 128))
    draw.rectangle((width // 2 - 60, height // 3, width // 2 + 60, height * 3 // 4), fill=(200, 30, 30))
    draw.text((40, 40), f"IMG_{index:04d}", fill=(40, 40, 40))
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def passing_answer(item: dict):
    """An answer that complies with the item's rule, as the phone sends it (numbers as typed)."""
    kind = item["rule_kind"]
    if kind == "yes_no":
        return item["pass_answer"]
    if kind == "choice":
        return next(choice["value"] for choice in item["choices"] if choice["passes"])
    return item["threshold"]


# --- Requests ---------------------------------------------------------------------------------------


def post(client, path: str, *, expected: tuple[int, ...], **kwargs):
    response = client.post(path, secure=True, HTTP_HOST=HOST, HTTP_ACCEPT="application/json", **kwargs)
    if response.status_code not in expected:
        raise BenchmarkFailure(f"POST {path} answered HTTP {response.status_code}: {response.content[:300]!r}")
    return response


def upload_photo(client, photo_id: str, image: bytes, taken_at: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(f"{photo_id}.jpg", image, content_type="image/jpeg")
    post(client, "/api/photos/", expected=(201,), data={"id": photo_id, "photo": upload, "taken_at": taken_at})


def inspection_payload(checklist: dict, photo_ids: list[str]) -> dict:
    """What the outbox sends for one inspection of ``checklist``: new ids; SUBMIT_FAILED yes/no items
    answered wrong, one item not applicable, the rest passing; the photos on the failed items first."""
    from django.utils import timezone

    now = timezone.now()
    failing = [
        index for index, item in enumerate(checklist["items"]) if item["rule_kind"] == "yes_no" and item["severity"] == "general"
    ][:SUBMIT_FAILED]
    not_applicable = next(index for index, item in enumerate(checklist["items"]) if index not in failing)
    photos = iter(photo_ids)
    items = []
    for index, item in enumerate(checklist["items"]):
        answer = {"id": str(uuid.uuid4()), "version": item["version"], "hazard": None, "note": "", "photo_ids": []}
        if index == not_applicable:
            answer.update(answer=None, not_applicable=True, not_applicable_reason="本店无此设施")
        elif index in failing:
            answer.update(
                answer=not item["pass_answer"], not_applicable=False, not_applicable_reason="", note="现场已口头告知负责人"
            )
        else:
            answer.update(answer=passing_answer(item), not_applicable=False, not_applicable_reason="")
        items.append(answer)
    # Two photos on each failed item, one on each of the next items that passed.
    for index in failing:
        items[index]["photo_ids"] = [next(photos), next(photos)]
    for answer in items:
        if answer["answer"] is not None and not answer["photo_ids"]:
            photo_id = next(photos, None)
            if photo_id is None:
                break
            answer["photo_ids"] = [photo_id]
    return {
        "id": str(uuid.uuid4()),
        "site": checklist["site"]["id"],
        "kind": checklist["kind"],
        "campaign": checklist["campaign"]["id"] if checklist["campaign"] else None,
        "started_at": (now - datetime.timedelta(minutes=25)).isoformat(),
        "finished_at": (now - datetime.timedelta(minutes=1)).isoformat(),
        "latitude": 30.631245,
        "longitude": 104.092371,
        "accuracy_m": 12.5,
        "signature_photo_id": None,
        "signer_name": "",
        "items": items,
    }


def submit_once(client, checklist: dict, images: list[bytes]) -> tuple[float, list[float], int]:
    """One inspection as the outbox sends it: its photos uploaded, then the inspection. Returns the
    submit's time and each upload's, in milliseconds, and the submit's queries (counted only when
    ``settings.DEBUG`` or a CaptureQueriesContext records them)."""
    from django.db import connection
    from django.utils import timezone

    taken_at = timezone.now().isoformat()
    photo_ids = [str(uuid.uuid4()) for _image in images]
    uploads = []
    for photo_id, image in zip(photo_ids, images, strict=True):
        started = time.perf_counter()
        upload_photo(client, photo_id, image, taken_at)
        uploads.append((time.perf_counter() - started) * 1000)
    body = json.dumps(inspection_payload(checklist, photo_ids))
    queries_before = len(connection.queries)
    started = time.perf_counter()
    response = post(client, "/api/inspections/", expected=(201,), data=body, content_type="application/json")
    elapsed = (time.perf_counter() - started) * 1000
    counts = response.json().get("counts", {})
    if counts.get("failed") != SUBMIT_FAILED or counts.get("hazards_raised") != SUBMIT_FAILED:
        raise BenchmarkFailure(f"the inspection was stored with counts {counts}, not {SUBMIT_FAILED} failed with their hazards")
    return elapsed, uploads, len(connection.queries) - queries_before


def measure_submit(client, checklist: dict) -> dict[str, float]:
    """The median submit and photo upload after WARM_UPS inspections, then the queries of one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    images = [camera_jpeg(index) for index in range(SUBMIT_PHOTOS)]
    for _warm_up in range(WARM_UPS):
        submit_once(client, checklist, images)
    submits, uploads = [], []
    for _run in range(RUNS):
        elapsed, photo_times, _queries = submit_once(client, checklist, images)
        submits.append(elapsed)
        uploads.extend(photo_times)
    with CaptureQueriesContext(connection):
        _elapsed, _photo_times, queries = submit_once(client, checklist, images)
    return {"submit": statistics.median(submits), "upload": statistics.median(uploads), "queries": queries}


# --- The page in a browser ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urlopen(url, timeout=2):
            return True
    except HTTPError:
        return True  # any HTTP answer: the server is up
    except OSError:
        return False


class Server:
    """``python -m riskplatform.serve`` on a free port, as tests/servers.py starts it, with this
    process's database, Redis, key and collected static files, and plain HTTP (no TLS here)."""

    def __init__(self, log: Path):
        self.log = log
        self.url = f"http://{HOST}:{free_port()}"
        self.process = None

    def __enter__(self):
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "PYTHONUNBUFFERED": "1",
        }
        port = self.url.rsplit(":", 1)[1]
        command = [sys.executable, "-m", "riskplatform.serve", "--host", HOST, "--port", port]
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not answers(f"{self.url}/login/"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise BenchmarkFailure(f"the server did not start:\n{self.log_tail()}")
            time.sleep(0.1)
        return self

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def __exit__(self, *_exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def first_load(*, server_url: str, cookie: tuple[str, str], path: str) -> list[tuple[str, int, str, str]]:
    """(path, bytes transferred, content type, encoding) of every request of the page's first load."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        raise BenchmarkFailure(f"no Chromium at {CHROMIUM}; install it with `apt-get install -y chromium fonts-noto-cjk`")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(base_url=server_url, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
                context.set_default_timeout(15_000)
                context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": server_url}])
                finished = []
                context.on("requestfinished", lambda done: finished.append(done))
                page = context.new_page()
                response = page.goto(path)
                if response is None or not response.ok:
                    raise BenchmarkFailure(f"GET {path} answered HTTP {response.status if response else 'nothing'}")
                page.locator(".check-card").first.wait_for(state="visible")
                # Everything the first load brings, the service worker's own fetches (the shells it keeps) included.
                # Polled with evaluate: wait_for_function compiles its predicate with eval, which the CSP refuses.
                deadline = time.monotonic() + 15
                while not page.evaluate("!!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
                    if time.monotonic() > deadline:
                        raise BenchmarkFailure("the service worker did not take the page within 15 s")
                    page.wait_for_timeout(100)
                page.wait_for_load_state("networkidle")
                cards = page.locator(".check-card").count()
                if cards != CHECKLIST_ITEMS:
                    raise BenchmarkFailure(f"the page shows {cards} items, not {CHECKLIST_ITEMS}")
                rows = []
                for done in finished:
                    sizes = done.sizes()
                    answer = done.response()
                    headers = answer.headers if answer else {}
                    rows.append(
                        (
                            done.url.removeprefix(server_url),
                            sizes["responseBodySize"] + sizes["responseHeadersSize"],
                            headers.get("content-type", "").split(";")[0],
                            headers.get("content-encoding", ""),
                        )
                    )
                context.close()
            finally:
                browser.close()
    except PlaywrightError as error:
        raise BenchmarkFailure(f"the browser failed: {error}") from error
    if not rows or not any(url.startswith("/static/js/inspection.") for url, *_rest in rows):
        raise BenchmarkFailure(f"the first load did not fetch the inspection script: {rows}")
    foreign = [url for url, *_rest in rows if not url.startswith("/")]
    if foreign:
        raise BenchmarkFailure(f"the page loaded files from another origin: {foreign}")
    return rows


def kind_of(url: str, content_type: str) -> str:
    if content_type == "text/html":
        return "html"
    if content_type == "text/css":
        return "css"
    if "javascript" in content_type:
        return "js"
    if content_type.startswith("font/") or url.endswith((".woff2", ".woff", ".ttf")):
        return "font"
    return "other"


def measure_page(*, grid_worker, site, log_dir: Path) -> None:
    """Start the server and load the restaurant's checklist page in Chromium, signed in as the grid worker."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(grid_worker)
    cookie = (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    with Server(log_dir / "server.log") as server:
        try:
            rows = first_load(server_url=server.url, cookie=cookie, path=f"/inspections/new/?site={site.pk}&kind=routine")
        except BenchmarkFailure as failure:
            # A server error shows in the page as a bare 500; its traceback is in the server's log.
            raise BenchmarkFailure(f"{failure}\n{server.log_tail()}") from failure
    by_kind: dict[str, int] = {}
    for url, size, content_type, encoding in rows:
        kind = kind_of(url, content_type)
        by_kind[kind] = by_kind.get(kind, 0) + size
        # Each request on stderr, so that stdout holds only the ``name: value`` lines.
        print(f"  {size / 1024:7.1f} KB  {encoding or '-':4}  {kind:5} {url}", file=sys.stderr, flush=True)
    for kind in ("html", "css", "js", "font", "other"):
        report(f"inspection_page_{kind}_kb", by_kind.get(kind, 0) / 1024)
    report("inspection_page_requests", len(rows))
    report("inspection_page_first_load_kb", sum(size for _url, size, *_rest in rows) / 1024)


# --- The benchmark ---------------------------------------------------------------------------------


def run(failures: list[str]) -> None:
    import django

    work = tempfile.TemporaryDirectory(prefix="bench_inspection-")
    # Production's settings, on the loopback: the collected, compressed static files (WhiteNoise)
    # in a folder of the run's own; the server started below reads the same environment.
    os.environ["STATIC_ROOT"] = str(Path(work.name) / "static")
    os.environ["ALLOWED_HOSTS"] = f"{HOST},localhost"
    os.environ["DEBUG"] = "0"
    # WhiteNoise warns that the static folder is empty until collectstatic has run below.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from inspections.selectors import checklist_for_site
    from riskplatform.exceptions import ApplicationError

    try:
        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        call_command("seed_demo", stdout=StringIO())
        report("seed_demo_s", time.perf_counter() - started)
        # The hashed, compressed files of the manifest, as production's deployment collects them.
        started = time.perf_counter()
        call_command("collectstatic", interactive=False, verbosity=0)
        report("collectstatic_s", time.perf_counter() - started)
        grid_worker = User.objects.get(username="gridworker")

        # The library grew and the campaign was defined the day before: the inspections below start
        # after both, so the server requires every item of the checklist, as for a phone that had it.
        try:
            with time_machine.travel(timezone.now() - datetime.timedelta(days=1), tick=True):
                site = grow_restaurant_checklist(grid_worker=grid_worker, admin=User.objects.get(username="admin"))
                campaign = submit_campaign(staff=User.objects.get(username="staff"), site=site)
        except (BenchmarkFailure, ApplicationError) as failure:
            failures.append(f"checklist_items: {failure}")
            print(f"checklist_items: failed ({failure})", flush=True)
            return

        client = Client()
        client.force_login(grid_worker)
        measurer = Measurer(client)
        checklist_url = "/api/inspections/checklist/"
        routine = {"site": site.pk, "kind": "routine"}
        report("checklist_items", len(measurer.get(checklist_url, routine).json()["items"]))
        measure(failures, "checklist_generate_ms", measurer.median_ms, checklist_url, routine)
        measure(failures, "checklist_generate_queries", measurer.queries, checklist_url, routine)
        # The selector alone, without the request around it.
        report("checklist_selector_ms", median_ms(lambda: checklist_for_site(site=site, user=grid_worker).as_dict()))
        measure(failures, "checklist_page_ms", measurer.median_ms, "/inspections/new/", routine)
        measure(failures, "checklist_page_queries", measurer.queries, "/inspections/new/", routine)

        try:
            measure_page(grid_worker=grid_worker, site=site, log_dir=Path(work.name))
        except BenchmarkFailure as failure:
            failures.append(f"inspection_page_first_load_kb: {failure}")
            print(f"inspection_page_first_load_kb: failed ({failure})", flush=True)

        try:
            checklist = measurer.get(checklist_url, {"site": site.pk, "kind": "campaign", "campaign": campaign.pk}).json()
            if len(checklist["items"]) != SUBMIT_ANSWERS:
                raise BenchmarkFailure(f"the campaign's checklist has {len(checklist['items'])} items, not {SUBMIT_ANSWERS}")
            results = measure_submit(client, checklist)
        except BenchmarkFailure as failure:
            failures.append(f"sync_submit_ms: {failure}")
            print(f"sync_submit_ms: failed ({failure})", flush=True)
        else:
            report("sync_submit_answers", len(checklist["items"]))
            report("sync_submit_photos", SUBMIT_PHOTOS)
            report("photo_upload_ms", results["upload"])
            report("sync_submit_queries", results["queries"])
            report("sync_submit_ms", results["submit"])
    finally:
        work.cleanup()


if __name__ == "__main__":
    sys.exit(main_in_own_database(suffix="_bench_inspection", run=run))
