"""Settings for riskplatform, read from the environment.

With nothing set, the embedded default serves a demo on one machine: SQLite under
``var/``, Celery tasks executed in-process and an in-memory channel layer. With
``DATABASE_URL`` and ``REDIS_URL`` set it is the real topology: PostgreSQL, Redis,
Celery workers and beat, an ASGI server. README.md explains every setting.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """The configured key; only the embedded demo (DEBUG on) generates one, once, under var/.

    A production host without SECRET_KEY must not invent its own: sessions, password
    reset links and signed tokens would differ from host to host and change on
    every new container.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment to a long random value "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'); "
            "only the embedded demo with DEBUG=1 generates one."
        )
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin site asks for the second sign-in step of those who enrolled (riskplatform/admin_site.py).
    "riskplatform.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "axes",
    "auditlog",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_guid",
    "accounts",
    "files",
    "enterprises",
    "regulations",
    "hazards",
    "inspections",
    "alarms",
    "dashboards",
]

MIDDLEWARE = [
    # First and last but one: request latency by view (django-prometheus).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id (X-Request-ID) of every log line and response (django-guid); a proxy's only when trusted.
    "riskplatform.operations.RequestIdFromTrustedProxyMiddleware",
    "django_guid.middleware.guid_middleware",
    # /healthz, /readyz and /metrics answer before host checks, HTTPS redirects and sessions.
    "riskplatform.operations.OperationsMiddleware",
    "riskplatform.pages.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content Security Policy of every page (riskplatform/csp.py).
    "riskplatform.csp.ContentSecurityPolicyMiddleware",
    # Before every middleware that reads or writes the body, so that it compresses the final page.
    "riskplatform.compression.CompressTextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who wrote, and from which address, for the audit log (riskplatform/audit.py).
    "riskplatform.audit.AuditMiddleware",
    # request.user.is_verified(): whether this session passed the second step (accounts/otp.py).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "riskplatform.pages.ApplicationErrorMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, so that it sees the response of a locked-out sign-in (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "riskplatform.urls"
WSGI_APPLICATION = "riskplatform.wsgi.application"
ASGI_APPLICATION = "riskplatform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "riskplatform.context_processors.navigation",
            ],
        },
    },
]

# --- Data stores ---------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL or f"sqlite:///{VAR_DIR / 'riskplatform.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI a request may run in any thread, so persistent per-thread connections
    # pile up; Django's advice is to disable them and use a connection pool (psycopg's).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The pool checks a connection before handing it out (one empty round trip): after PostgreSQL
    # restarts, the connections idle in the pool are dead, and each would fail a request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10")),
        # Seconds a request waits for a free connection before it fails.
        "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
        # While PostgreSQL is away the pool tries to reconnect with growing pauses (1, 2, 4, ... s);
        # giving up after 5 s lets the next request start again from a short pause, so pages work
        # again within seconds of its return rather than after the last, longest pause.
        "reconnect_timeout": 5.0,
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Every Redis key of the cache, the channel layer and the Celery broker starts with
# "<prefix>:", so that deployments (or test runs) sharing one Redis database never
# read, take or delete each other's keys.
REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{REDIS_KEY_PREFIX}:cache" if REDIS_KEY_PREFIX else "",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times every read out after 5 s by default, the very time the layer's
                # blocking receive (BZPOPMIN) waits for a message: an idle or busy console's read
                # then fails first, its consumer dies and the socket drops (channels_redis#422).
                # Longer than that wait, a connection that is really gone still fails.
                # RESP2: over RESP3 redis-py 8 turns on maintenance notifications, which skip the
                # check of a pooled connection before use; after a Redis restart a console's
                # group_add then waits on the dead server's socket and the console never comes back.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15, "protocol": 2}],
                "prefix": f"{REDIS_KEY_PREFIX}:asgi" if REDIS_KEY_PREFIX else "asgi",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery ----------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{REDIS_KEY_PREFIX}:"} if REDIS_KEY_PREFIX else {}
CELERY_RESULT_BACKEND = None
# Without a broker the embedded demo runs every task in-process.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
# Queues (ARCHITECTURE.md, the alarm pipeline): fire alarms on `critical`, device
# telemetry on `telemetry`, everything else on `default`; each has its own worker.
CELERY_TASK_DEFAULT_QUEUE = "default"
# Every task of ours is routed here by name; tests/test_celery.py fails for one without a route.
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {
    "enterprises.tasks.site_import_commit_task": {"queue": "default"},
    "enterprises.tasks.stored_files_sweep_task": {"queue": "default"},
    "hazards.tasks.hazards_overdue_sweep_task": {"queue": "default"},
    "hazards.tasks.sites_grade_new_task": {"queue": "default"},
    "hazards.tasks.risk_events_expire_task": {"queue": "default"},
    "files.tasks.photo_files_sweep_task": {"queue": "default"},
    "dashboards.tasks.safety_report_build_task": {"queue": "default"},
    "dashboards.tasks.safety_reports_resume_task": {"queue": "default"},
    "dashboards.tasks.safety_report_files_sweep_task": {"queue": "default"},
    "files.tasks.list_export_build_task": {"queue": "default"},
    "files.tasks.list_exports_resume_task": {"queue": "default"},
    "files.tasks.list_exports_expire_task": {"queue": "default"},
    # The alarm pipeline: a fire alarm and everything that reaches a station with it never waits behind telemetry.
    "alarms.tasks.fire_alarm_process_task": {"queue": "critical"},
    "alarms.tasks.notice_deliver_task": {"queue": "critical"},
    "alarms.tasks.notifier_send_task": {"queue": "critical"},
    "alarms.tasks.alarms_sweep_task": {"queue": "critical"},
    "alarms.tasks.spool_replay_task": {"queue": "critical"},
    "alarms.tasks.telemetry_process_task": {"queue": "telemetry"},
    "alarms.tasks.devices_offline_check_task": {"queue": "telemetry"},
    "alarms.tasks.alarm_records_prune_task": {"queue": "default"},
}
# Every periodic task is declared here, in one place.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "stored-files-sweep": {"task": "enterprises.tasks.stored_files_sweep_task", "schedule": 3600.0},
    # Hourly, so a deadline passed at midnight is escalated by one in the morning.
    "hazards-overdue-sweep": {"task": "hazards.tasks.hazards_overdue_sweep_task", "schedule": 3600.0},
    "sites-grade-new": {"task": "hazards.tasks.sites_grade_new_task", "schedule": 60.0},
    "risk-events-expire": {"task": "hazards.tasks.risk_events_expire_task", "schedule": 600.0},
    "photo-files-sweep": {"task": "files.tasks.photo_files_sweep_task", "schedule": 3600.0},
    # Reports whose task was lost (the broker away at the request, a worker killed) are queued again.
    "safety-reports-resume": {"task": "dashboards.tasks.safety_reports_resume_task", "schedule": 300.0},
    "safety-report-files-sweep": {"task": "dashboards.tasks.safety_report_files_sweep_task", "schedule": 3600.0},
    # List exports whose task was lost are queued again; those past LIST_EXPORT_KEEP_HOURS go.
    "list-exports-resume": {"task": "files.tasks.list_exports_resume_task", "schedule": 300.0},
    "list-exports-expire": {"task": "files.tasks.list_exports_expire_task", "schedule": 3600.0},
    # Every few seconds: events stored but not processed, expired claims, due timers, the spool.
    "alarms-sweep": {
        "task": "alarms.tasks.alarms_sweep_task",
        "schedule": float(os.environ.get("ALARM_SWEEP_SECONDS", "5")),
        # A sweep that waited longer than its interval is superseded by the next one.
        "options": {"expires": float(os.environ.get("ALARM_SWEEP_SECONDS", "5"))},
    },
    "devices-offline-check": {"task": "alarms.tasks.devices_offline_check_task", "schedule": 60.0},
    # Nightly (beat's first run after start-up, then daily): deliveries and events past ALARM_RETENTION_DAYS.
    "alarm-records-prune": {"task": "alarms.tasks.alarm_records_prune_task", "schedule": 86400.0},
}

# --- Auth ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out client before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins, on the login page and at the API token endpoint alike: after
# AXES_FAILURE_LIMIT failures for one username from one address, that pair waits.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
# The address the ASGI server resolved (it trusts X-Forwarded-For only from FORWARDED_ALLOW_IPS).
AXES_CLIENT_IP_CALLABLE = "accounts.views.client_address"

# One audit log of every write, for every app (django-auditlog, riskplatform/audit.py): who (none for a
# Celery task or a command: the system), when, what changed and from which address, written by the model
# signals in the writer's own transaction. Admins read it in the admin and at /audit/.
# Left out, each of them a record of what happened already: the platforms' raw deliveries and the device
# events read from them, notifier attempts, the incident timeline (IncidentStep), and the history rows of
# the registry, the library and the hazards (SiteChange, LibraryChange, HazardLog, SiteRiskFactorChange,
# GradeChange); and bookkeeping no person writes: escalation timers, the notice counter, notifications.
# Writes in bulk send no signal and are not in it: the import's sites (recorded in SiteChange with their
# actor) and the telemetry batches' device health.
AUDITLOG_INCLUDE_TRACKING_MODELS = [
    {"model": "accounts.User", "exclude_fields": ["password", "last_login"]},
    # A boundary's geometry is left out (thousands of points); its boundary_updated_at records the change.
    {"model": "accounts.Street", "exclude_fields": ["boundary"]},
    {"model": "accounts.Community", "exclude_fields": ["boundary"]},
    {"model": "accounts.Grid", "exclude_fields": ["boundary"]},
    "accounts.FireStation",
    "enterprises.Category",
    "enterprises.Site",
    "enterprises.SiteDocument",
    {"model": "enterprises.SiteImport", "exclude_fields": ["errors"]},
    "regulations.LegalBasis",
    "regulations.Clause",
    "regulations.ChecklistItem",
    "regulations.ChecklistItemVersion",
    "regulations.RiskFactorTemplate",
    "hazards.Hazard",
    "hazards.RectificationNotice",
    "hazards.RemediationPlan",
    "hazards.SiteRiskFactor",
    "hazards.RiskEvent",
    "inspections.Campaign",
    "inspections.Inspection",
    "inspections.InspectionItem",
    # Secrets never reach the log (a rotation shows by its rotated_at): it is read by admins and kept for years.
    {"model": "alarms.Integration", "exclude_fields": ["secret", "previous_secret", "aes_key"]},
    "alarms.DeviceModel",
    {"model": "alarms.Device", "exclude_fields": ["battery", "signal", "last_seen"]},
    "alarms.Incident",
    "alarms.StationAssignment",
    "alarms.DutyOfficer",
    "alarms.DispatchNotice",
    {"model": "alarms.Notifier", "exclude_fields": ["secret"]},
    "files.Photo",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Twelve characters at least for everyone: staff and admins reach the whole street's records,
# and one rule is simpler to explain than one per role.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: never readable by scripts, not sent on cross-site posts (Lax, so that a QR tag scanned
# by the phone's camera app still opens the file signed in), and ended after a time without a
# request (each request moves the end on). Phones and station consoles keep theirs for
# SESSION_IDLE_HOURS: a wall screen may wait days for an alarm. Staff and admins, at a desk with the
# whole street's records, for SESSION_OFFICE_IDLE_MINUTES (accounts.otp.session_start).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_HOURS", str(14 * 24))) * 3600
SESSION_OFFICE_IDLE_MINUTES = int(os.environ.get("SESSION_OFFICE_IDLE_MINUTES", "240"))
# Second factor (django-otp, TOTP): optional for staff and admins; on, it is required of every admin.
OTP_REQUIRED_FOR_ADMINS = env_bool("OTP_REQUIRED_FOR_ADMINS", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "riskplatform")

# --- Language and time -----------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from npm (pinned in package-lock.json).
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    # IndexedDB for the inspection pages' drafts and outbox (build/umd.js, 4 KB).
    ("vendor/idb", BASE_DIR / "node_modules" / "idb" / "build"),
    # The staff map and wall screen only (dist/leaflet.js and leaflet.css with its images).
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    # Sites drawn in clusters on the map of a large scope (a city's tens of thousands).
    ("vendor/leaflet.markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
    # Charts of the staff dashboards (ECharts' build of line and bar charts, legend, tooltip and aria).
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
# Of these package folders, only the files the pages load are served and collected (riskplatform/staticfinders.py).
STATICFILES_PACKAGE_FILES = {
    "vendor/echarts": ["echarts.common.min.js"],
    "vendor/pico": ["pico.min.css"],
    "vendor/leaflet.markercluster": ["leaflet.markercluster.js", "leaflet.markercluster.js.map", "MarkerCluster.css"],
}
STATICFILES_FINDERS = [
    "riskplatform.staticfinders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}


# Uploads go through Django's storage API only: local disk by default, or an S3-compatible
# object store (MinIO, OSS, COS, S3) when MEDIA_S3_BUCKET is set. Files stay private: they
# are served through the views that check the user's scope, never by a public URL.
def s3_storage(environ) -> dict:
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["MEDIA_S3_BUCKET"],
            "endpoint_url": environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("MEDIA_S3_REGION") or None,
            "access_key": environ.get("MEDIA_S3_ACCESS_KEY") or None,
            "secret_key": environ.get("MEDIA_S3_SECRET_KEY") or None,
            "location": environ.get("MEDIA_S3_PREFIX", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            # Path-style addressing and checksums only where S3 requires them: what MinIO and
            # the Chinese clouds' S3 gateways accept. MEDIA_S3_ADDRESSING_STYLE=virtual for OSS.
            "client_config": Config(
                s3={"addressing_style": environ.get("MEDIA_S3_ADDRESSING_STYLE", "path")},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        },
    }


if os.environ.get("MEDIA_S3_BUCKET"):
    STORAGES["default"] = s3_storage(os.environ)
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded documents are served only through views that check the user's scope.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
MB = 1024 * 1024
# Uploaded files larger than this are spooled to a temporary file rather than kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * MB
# The largest body without files (a form or a JSON document) Django and the API read.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_BYTES", str(2 * MB)))
# The largest request of any kind, refused by its announced length before it is read.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(25 * MB)))
# Each kind of upload has its own cap, below REQUEST_MAX_BYTES.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(10 * MB)))
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * MB)))
# An .xlsx is a zip: what its parts may unpack to, so that a small file cannot fill the memory (a zip bomb).
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(100 * MB)))
# Photos (files.services.photo_store): the largest upload, the most pixels a picture may
# claim (decompression bombs; a site document's JPEG or PNG too), the longest side stored and
# the longest side of a thumbnail.
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(15 * MB)))
PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", "50000000"))
PHOTO_MAX_SIDE = int(os.environ.get("PHOTO_MAX_SIDE", "2560"))
PHOTO_THUMBNAIL_SIDE = int(os.environ.get("PHOTO_THUMBNAIL_SIDE", "400"))

# --- Map and wall screen (dashboards.maps) ---------------------------------------
# The map draws the territory's boundaries and the sites on a plain background, so it works
# without internet access. Where a tile server exists (an intranet GIS, or a public one), its
# URL template ({z}/{x}/{y}, optionally {s}) and attribution put a base map under them; the
# Content Security Policy then allows images from its host (riskplatform.csp). Its tiles must
# use the datum of the sites' coordinates and the boundaries.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
MAP_TILE_SUBDOMAINS = os.environ.get("MAP_TILE_SUBDOMAINS", "abc")
MAP_TILE_MAX_ZOOM = int(os.environ.get("MAP_TILE_MAX_ZOOM", "18"))
# A map of this many sites or more (a city's) gathers them into clusters until it is zoomed in close.
MAP_CLUSTER_FROM_SITES = int(os.environ.get("MAP_CLUSTER_FROM_SITES", "3000"))
# The largest GeoJSON file of territory boundaries to import.
BOUNDARY_IMPORT_MAX_BYTES = int(os.environ.get("BOUNDARY_IMPORT_MAX_BYTES", str(5 * MB)))
# How often the wall screen reads its figures, incidents and map again.
WALL_REFRESH_SECONDS = int(os.environ.get("WALL_REFRESH_SECONDS", "30"))

# --- REST API --------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so that a request without credentials is answered 401 with a
    # WWW-Authenticate header, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "riskplatform.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "riskplatform.api.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "riskplatform.api.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "riskplatform.schema.AutoSchema",
    "EXCEPTION_HANDLER": "riskplatform.api.exception_handler",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"auth-token": os.environ.get("API_TOKEN_THROTTLE_RATE", "10/min")},
    # Throttles key on REMOTE_ADDR, never on X-Forwarded-For as sent: the ASGI server sets
    # REMOTE_ADDR from that header only for the proxies of FORWARDED_ALLOW_IPS.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "riskplatform API",
    "DESCRIPTION": "Street-office safety risk platform: territory, the site registry, the regulation library, hazards.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "SiteStatusEnum": "enterprises.models.Site.Status",
        "HazardStatusEnum": "hazards.models.Hazard.Status",
        "HazardLevelEnum": "hazards.models.Hazard.Level",
        "HazardSourceEnum": "hazards.models.Hazard.Source",
        "InspectionKindEnum": "inspections.models.Inspection.Kind",
    },
}

# --- Security (checked by `manage.py check --deploy` with DEBUG off) -------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The proxies whose X-Forwarded-For and X-Forwarded-Proto the ASGI server believes
# (riskplatform/serve.py); a client anywhere else cannot pass for another address.
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# No inline script or handler anywhere: the pages' code is in static/js/ (riskplatform/csp.py).
# Photos resized on the phone are shown from blob: URLs; Pico's icons are data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        # The request's own ws:/wss: origin is added per request (the console, notifications).
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Operations (README.md, "Health, metrics and logs") ------------------------------
# /readyz fails while the oldest event stored but not processed is older than this.
READY_MAX_EVENT_AGE_SECONDS = float(os.environ.get("READY_MAX_EVENT_AGE_SECONDS", "60"))
# /metrics answers these addresses or networks (as the ASGI server resolved them), or a request
# carrying "Authorization: Bearer <METRICS_TOKEN>"; everyone else 403.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# The events-received gauge counts the events of deliveries received this many seconds back.
METRICS_EVENTS_WINDOW_SECONDS = int(os.environ.get("METRICS_EVENTS_WINDOW_SECONDS", "300"))
# Take a request's X-Request-ID as sent only when a trusted proxy in front sets it on every request.
REQUEST_ID_FROM_PROXY = env_bool("REQUEST_ID_FROM_PROXY", False)
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    # Only a UUID (with or without dashes, as nginx's $request_id) is taken as sent; anything else is replaced.
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
}
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use text or json.")
# GB 50440: device records are kept at least a year; deliveries and events older than this are pruned.
ALARM_RETENTION_DAYS = int(os.environ.get("ALARM_RETENTION_DAYS", "365"))
if ALARM_RETENTION_DAYS < 365:
    raise ImproperlyConfigured(
        f"ALARM_RETENTION_DAYS={ALARM_RETENTION_DAYS}: device deliveries and events are kept at least 365 days (GB 50440)."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "refusals_without_traceback": {"()": "riskplatform.logging.RefusalsWithoutTraceback"},
        # Every record carries the request id (None outside a request).
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
    },
    "formatters": {
        "text": {"format": "%(message)s"},
        # One JSON object a line: time, level, logger, message, request id, and any extra fields.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["refusals_without_traceback", "request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own "django" logger has a console handler of its own (under DEBUG) and
    # also propagates to the root: without this, every error would be written twice.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # django-axes reports every sign-in at INFO; its warnings (lockouts) are what matter.
        "axes": {"level": "WARNING"},
        # django-guid reports every request's id at INFO; a replaced invalid id is a warning.
        "django_guid": {"level": "WARNING"},
        # WeasyPrint reports every step of every PDF at INFO; its warnings (an image it could not read) stay.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# --- Product settings ------------------------------------------------------------
# Hazards (DOMAIN.md, the closed loop): how far away a rectification deadline may be, and
# how many days past it an overdue hazard goes from the community up to the street.
HAZARD_MAX_DEADLINE_DAYS = int(os.environ.get("HAZARD_MAX_DEADLINE_DAYS", "180"))
HAZARD_STREET_ESCALATION_DAYS = int(os.environ.get("HAZARD_STREET_ESCALATION_DAYS", "7"))
# How live conditions raise a site's colour (hazards.services.risk.reassess_site); shown to staff.
RISK_RULES = {
    "open_major_hazard_colour": "red",
    "overdue_raises_levels": 1,
    "risk_event_raises_levels": 1,
    "risk_event_days": int(os.environ.get("RISK_EVENT_DAYS", "30")),
}
# The colour of an LEC score D = L x E x C (regulations.lec.lec_band, DOMAIN.md): the lowest
# score of each band; below the last one a risk is blue. Shown to staff.
RISK_LEC_BANDS = {"red": 320, "orange": 160, "yellow": 70}
# Days between inspections by colour (the inspections use it), never longer than MPS order 61
# art. 26 allows: units at least monthly, government bodies at least quarterly; residential
# courtyards and buildings are not units of that order.
INSPECTION_INTERVAL_DAYS = {"red": 7, "orange": 14, "yellow": 30, "blue": 90}
INSPECTION_MAX_INTERVAL_DAYS = {"unit": 30, "government_body": 90, "residential": None}
REGISTRY_PAGE_SIZE = 50
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))
# A file with more rows than this is committed by a Celery task, its progress shown on the page.
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "2000"))
# A safety report of a scope with more operating sites than this is built by a Celery task, its progress shown.
REPORT_BACKGROUND_SITES = int(os.environ.get("REPORT_BACKGROUND_SITES", "500"))
# A list's export of more rows than this is written by a Celery task, its progress shown (about 4,000 rows
# a second are written, so a download within the request takes a few seconds at most); its workbook is kept
# for its requester this many hours.
LIST_EXPORT_IN_REQUEST_ROWS = int(os.environ.get("LIST_EXPORT_IN_REQUEST_ROWS", "10000"))
LIST_EXPORT_KEEP_HOURS = int(os.environ.get("LIST_EXPORT_KEEP_HOURS", "24"))
# The public address of the platform: QR tags printed from any workstation point here.
# `manage.py check --deploy` warns when it is left at the demo's address.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Alarms (ARCHITECTURE.md, "The alarm pipeline"; README.md explains each) --------------
# Fire alarms of one device or one site this close together join one open incident.
ALARM_GROUP_WINDOW_SECONDS = int(os.environ.get("ALARM_GROUP_WINDOW_SECONDS", "300"))
# An unacknowledged notice goes to the backup station and the street's duty officer after this.
ALARM_ESCALATE_SECONDS = int(os.environ.get("ALARM_ESCALATE_SECONDS", "60"))
# Calls and messages repeat this often until someone acknowledges.
ALARM_REPEAT_SECONDS = int(os.environ.get("ALARM_REPEAT_SECONDS", "30"))
# How long a worker holds an event it processes; a killed worker's event is taken again after it.
# With the sweep's interval it bounds the delay a killed worker causes (at most 30 s in all).
ALARM_CLAIM_SECONDS = int(os.environ.get("ALARM_CLAIM_SECONDS", "15"))
ALARM_SWEEP_SECONDS = float(os.environ.get("ALARM_SWEEP_SECONDS", "5"))
# An event stored this long ago and never claimed lost its enqueue (the broker was away): the sweep sends it again.
ALARM_SWEEP_GRACE_SECONDS = float(os.environ.get("ALARM_SWEEP_GRACE_SECONDS", "3"))
# Notifier backends: the wait for a gateway, the pauses between tries, the tries per round, and
# after how many failures in a row a notifier shows as failing.
ALARM_NOTIFIER_TIMEOUT_SECONDS = float(os.environ.get("ALARM_NOTIFIER_TIMEOUT_SECONDS", "5"))
ALARM_NOTIFIER_BACKOFF_SECONDS = [int(v) for v in env_list("ALARM_NOTIFIER_BACKOFF_SECONDS", "5,15,45,120")]
ALARM_NOTIFIER_MAX_ATTEMPTS = int(os.environ.get("ALARM_NOTIFIER_MAX_ATTEMPTS", "5"))
ALARM_NOTIFIER_FAILING_AFTER = int(os.environ.get("ALARM_NOTIFIER_FAILING_AFTER", "3"))
# After a rotation the previous secret still verifies for this long, for pushes in flight.
ALARM_SECRET_GRACE_SECONDS = int(os.environ.get("ALARM_SECRET_GRACE_SECONDS", str(24 * 3600)))
# The generic webhook refuses a signature whose timestamp is further from now than this.
ALARM_WEBHOOK_REPLAY_SECONDS = int(os.environ.get("ALARM_WEBHOOK_REPLAY_SECONDS", "300"))
# Pushes per second one integration may make to one web process (0: no limit); a push carrying
# a fire alarm is stored whatever the rate.
ALARM_INGEST_RATE_PER_SECOND = float(os.environ.get("ALARM_INGEST_RATE_PER_SECOND", "1000"))
# Telemetry stored within this long is handed to the workers in one task (fire alarms go at once).
ALARM_TELEMETRY_GATHER_SECONDS = float(os.environ.get("ALARM_TELEMETRY_GATHER_SECONDS", "0.05"))
# Where ingest keeps verified deliveries while PostgreSQL is unreachable (alarms.spool).
ALARM_SPOOL_DIR = Path(os.environ.get("ALARM_SPOOL_DIR", VAR_DIR / "spool"))
ALARM_SPOOL_MAX_BYTES = int(os.environ.get("ALARM_SPOOL_MAX_BYTES", str(1024 * MB)))
# GB 50440: more than this many false alarms from one site in a day calls for a remediation plan.
ALARM_FALSE_ALARMS_PER_DAY = int(os.environ.get("ALARM_FALSE_ALARMS_PER_DAY", "5"))
# How long ingest trusts its in-memory copy of the integrations (it keeps verifying with it while the database is away).
ALARM_INTEGRATION_CACHE_SECONDS = float(os.environ.get("ALARM_INTEGRATION_CACHE_SECONDS", "30"))
