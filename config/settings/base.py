"""BVCT settings. Complete and environment-driven; production is configured through the environment.

Variables (all optional in development mode):
  BVCT_MODE              development (default) or production
  SECRET_KEY / SECRET_KEY_FILE
  DATABASE_URL           default: SQLite at var/bvct.sqlite3
  ALLOWED_HOSTS          comma-separated
  BVCT_DEBUG             default: true in development, always false in production
  BVCT_VAR_DIR           where SQLite, keys and uploads live (default: ./var)
  AUDIT_SIGNING_KEY_FILE Ed25519 private key (PEM) that signs audit checkpoints
  DATABASE_REPLICA_URL   optional streaming replica for read-only views (bvct/core/replica.py)
  BVCT_LOG_FORMAT        text (development default) or json (production default)
  BVCT_BIND, BVCT_WORKERS, BVCT_WORKER_TIMEOUT   `bvct serve` (gunicorn)
  BVCT_KEYS              field-encryption KEKs, "k2:<base64>,k1:<base64>" (or BVCT_KEYS_FILE)
  BVCT_ACTIVE_KEY        the KEK that wraps new data keys (default: the first of BVCT_KEYS)
  BVCT_BLIND_INDEX_KEY   HMAC key of the blind indexes, base64 (or BVCT_BLIND_INDEX_KEY_FILE)
  BVCT_DEV_KEYS_FILE     development only: generated keys when BVCT_KEYS is unset
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from bvct.core.crypto import parse_key, parse_keys
from config.env import env_bool, env_int, env_list, env_rate, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("BVCT_VAR_DIR", str(BASE_DIR / "var")))

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 (refused in production)

BVCT_MODE = env_str("BVCT_MODE", "development").strip().lower()
if BVCT_MODE not in {"development", "production"}:
    msg = f"BVCT_MODE must be 'development' or 'production', not {BVCT_MODE!r}"
    raise ImproperlyConfigured(msg)
IS_PRODUCTION = BVCT_MODE == "production"

SECRET_KEY = env_secret("SECRET_KEY", "" if IS_PRODUCTION else DEV_SECRET_KEY)
DEBUG = False if IS_PRODUCTION else env_bool("BVCT_DEBUG", default=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost"])
AUDIT_SIGNING_KEY_FILE = Path(
    env_str("AUDIT_SIGNING_KEY_FILE", str(VAR_DIR / "audit-signing-key.pem"))
)
SITE_NAME = env_str("BVCT_SITE_NAME", "BVCT")
# Exchange between sites (docs/exchange.md): where this site's private keys live (default
# <BVCT_VAR_DIR>/site-keys) and how old a bundle may be when it is imported.
BVCT_SITE_KEY_DIR = env_str("BVCT_SITE_KEY_DIR", "")
BVCT_BUNDLE_MAX_AGE_DAYS = env_int("BVCT_BUNDLE_MAX_AGE_DAYS", 30)

# Field encryption (docs/encryption.md). Unset in development: keys generated in VAR_DIR.
_FIELD_KEYS_TEXT = env_secret("BVCT_KEYS")
FIELD_KEYS: dict[str, bytes] | None = parse_keys(_FIELD_KEYS_TEXT) if _FIELD_KEYS_TEXT else None
FIELD_ACTIVE_KEY = env_str("BVCT_ACTIVE_KEY").strip().lower() or (
    next(iter(FIELD_KEYS), "") if FIELD_KEYS else ""
)
_BLIND_TEXT = env_secret("BVCT_BLIND_INDEX_KEY")
FIELD_BLIND_INDEX_KEY = parse_key("BVCT_BLIND_INDEX_KEY", _BLIND_TEXT) if _BLIND_TEXT else None
FIELD_KEYS_FILE = Path(env_str("BVCT_DEV_KEYS_FILE", str(VAR_DIR / "field-keys.json")))


def _refuse_unsafe_production() -> None:
    problems: list[str] = []
    if not SECRET_KEY:
        problems.append("SECRET_KEY is missing (set SECRET_KEY or SECRET_KEY_FILE)")
    elif SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:  # noqa: PLR2004
        problems.append("SECRET_KEY is the development default or shorter than 50 characters")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is missing (comma-separated host names)")
    if not env_str("DATABASE_URL"):
        problems.append("DATABASE_URL is missing (production runs on PostgreSQL)")
    if not env_str("AUDIT_SIGNING_KEY_FILE"):
        problems.append(
            "AUDIT_SIGNING_KEY_FILE is missing (Ed25519 key that signs audit checkpoints)"
        )
    if not FIELD_KEYS:
        problems.append("BVCT_KEYS is missing (key-encryption keys of the sealed fields)")
    elif FIELD_ACTIVE_KEY not in FIELD_KEYS:
        problems.append(f"BVCT_ACTIVE_KEY {FIELD_ACTIVE_KEY!r} is not one of BVCT_KEYS")
    if not FIELD_BLIND_INDEX_KEY:
        problems.append("BVCT_BLIND_INDEX_KEY is missing (HMAC key of the blind indexes)")
    if problems:
        raise ImproperlyConfigured("Production mode refuses to start: " + "; ".join(problems))


if IS_PRODUCTION:
    _refuse_unsafe_production()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "rest_framework",
    "drf_spectacular",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "bvct.core",
    "bvct.orgs",
    "bvct.accounts",
    "bvct.access",
    "bvct.audit",
    "bvct.workdays",
    "bvct.people",
    "bvct.namesearch",
    "bvct.intake",
    "bvct.declarations",
    "bvct.vetting",
    "bvct.criteria",
    "bvct.verification",
    "bvct.inspections",
    "bvct.travel",
    "bvct.registers",
    "bvct.reports",
    "bvct.privacy",
    "bvct.exchange",
    "bvct.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bvct.core.middleware.RequestIdMiddleware",
    "bvct.ops.logs.RequestLogMiddleware",
    "bvct.core.replica.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bvct.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bvct.accounts.sessions.SessionPolicyMiddleware",
    "bvct.core.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bvct.access.middleware.RoutePolicyMiddleware",
    "bvct.accounts.ratelimit.RateLimitMiddleware",
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account before the password check
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bvct.core.context_processors.navigation",
            ],
        },
    },
]


def _pg_options(*extra: str) -> str:
    """Session settings of every PostgreSQL connection. JIT compilation is off unless
    `BVCT_PG_JIT=true`: for these short OLTP statements it only adds compile time (≈ 230 ms on
    the national case list at 1 M people, BENCHMARKS.md), as the planner's cost estimates of
    the scope subqueries pass `jit_above_cost`."""
    options = list(extra)
    if not env_bool("BVCT_PG_JIT", default=False):
        options.append("-c jit=off")
    return " ".join(options)


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if config["ENGINE"] == "django.db.backends.postgresql":
            url_options: Any = config.get("OPTIONS") or {}  # what the URL's query string set
            options = dict(url_options)
            options["options"] = _pg_options(*filter(None, [options.get("options", "")]))
            config["OPTIONS"] = options
            config["CONN_HEALTH_CHECKS"] = True
        return config
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("BVCT_SQLITE_PATH", str(VAR_DIR / "bvct.sqlite3")),
        "OPTIONS": {
            "init_command": (
                "PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL; "
                "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
    }


def _replica() -> dict[str, object] | None:
    """The streaming replica read-only views may read from (`bvct.core.replica`)."""
    url = env_str("DATABASE_REPLICA_URL")
    if not url:
        return None
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] != "django.db.backends.postgresql":
        msg = "DATABASE_REPLICA_URL must be a PostgreSQL URL (a streaming replica of DATABASE_URL)"
        raise ImproperlyConfigured(msg)
    # a mistaken write fails loudly even if the replica was promoted
    config["OPTIONS"] = {"options": _pg_options("-c default_transaction_read_only=on")}
    config["CONN_HEALTH_CHECKS"] = True
    config["TEST"] = {"MIRROR": "default"}  # tests never create a replica database
    return config


DATABASES = {"default": _database()}
_REPLICA = _replica()
if _REPLICA is not None:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        msg = "DATABASE_REPLICA_URL needs DATABASE_URL to be PostgreSQL (the primary)"
        raise ImproperlyConfigured(msg)
    DATABASES["replica"] = _REPLICA
# Reads of views marked @reads_from_replica go to the replica, everything else to the primary.
DATABASE_ROUTERS = ["bvct.core.replica.PrimaryReplicaRouter"]
BVCT_REPLICA_PIN_SECONDS = env_int("BVCT_REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS: list[Path] = []  # each app keeps its own catalogue in <app>/locale/
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["bvct.core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Case documents (attachments, generated DOCX): outside every public path, served only by the
# authorised download view.
CASE_FILES_DIR = Path(env_str("BVCT_CASE_FILES_DIR", str(VAR_DIR / "case-files")))
CASE_FILE_MAX_BYTES = env_int("BVCT_CASE_FILE_MAX_BYTES", 20 * 1024 * 1024)
# Uploads (docs/privacy.md, `bvct.core.uploads`): import sheets' size cap, and the caps every
# ZIP-based upload (XLSX, DOCX) must meet before any library opens it.
IMPORT_MAX_BYTES = env_int("BVCT_IMPORT_MAX_BYTES", 100 * 1024 * 1024)
ZIP_MAX_UNCOMPRESSED = env_int("BVCT_ZIP_MAX_UNCOMPRESSED", 512 * 1024 * 1024)
ZIP_MAX_RATIO = env_int("BVCT_ZIP_MAX_RATIO", 200)
ZIP_MAX_MEMBERS = env_int("BVCT_ZIP_MAX_MEMBERS", 5000)
# Exports (`bvct.privacy`): more people than this need a second person's approval; an approved
# export is downloadable by its requester this many times within this many hours.
EXPORT_APPROVAL_THRESHOLD = env_int("BVCT_EXPORT_APPROVAL_THRESHOLD", 500)
EXPORT_DOWNLOAD_HOURS = env_int("BVCT_EXPORT_DOWNLOAD_HOURS", 48)
EXPORT_MAX_DOWNLOADS = env_int("BVCT_EXPORT_MAX_DOWNLOADS", 3)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
# Lockout (django-axes; docs/security.md): per account, 5 failures within 15 minutes lock it for
# 15 minutes; a success clears the count; the locked page is the wrong-password page.
AXES_FAILURE_LIMIT = env_int("BVCT_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("BVCT_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# A success clears the count only once the login is complete (after the second factor, see
# `bvct.accounts.twofactor`): wrong second-factor codes count as failures of the account too.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "bvct.accounts.lockout.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Two-factor login (django-otp TOTP; docs/security.md): mandatory for the roles in
# `access.policy.TWO_FACTOR_ROLES`. A code is accepted one step either side of the server's clock
# and never twice; after each wrong code the device waits 2^(n-1) seconds before the next try.
OTP_TOTP_ISSUER = env_str("BVCT_OTP_ISSUER", SITE_NAME)
OTP_TOTP_TOLERANCE = 1
OTP_TOTP_THROTTLE_FACTOR = 1
BVCT_RECOVERY_CODES = 10
# Demo only: `bvct otp code USER` prints the current code of a device the demo created.
BVCT_DEMO_OTP_CODES = not IS_PRODUCTION and DEBUG

# Rate limits (docs/security.md): "count/period" with the period in s, m or h; counted in the
# database (table accounts_ratecounter), shared by every process. Login counts the password and
# second-factor posts per client address; search and export count requests per user.
BVCT_RATE_LIMITS = {
    "login": env_rate("BVCT_RATE_LOGIN", "30/15m"),
    "search": env_rate("BVCT_RATE_SEARCH", "60/1m"),
    "export": env_rate("BVCT_RATE_EXPORT", "60/1h"),
}

# Sessions (docs/security.md): idle and absolute limits by clearance, enforced per request by
# `bvct.accounts.sessions`; the cookie itself lives no longer than the longest absolute limit.
BVCT_SESSION_CLEARED_IDLE = env_int("BVCT_SESSION_CLEARED_IDLE", 15 * 60)
BVCT_SESSION_CLEARED_MAX = env_int("BVCT_SESSION_CLEARED_MAX", 12 * 60 * 60)
BVCT_SESSION_IDLE = env_int("BVCT_SESSION_IDLE", 60 * 60)
BVCT_SESSION_MAX = env_int("BVCT_SESSION_MAX", 24 * 60 * 60)
SESSION_COOKIE_AGE = max(BVCT_SESSION_CLEARED_MAX, BVCT_SESSION_MAX)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True  # pages and htmx take the token from the template, never the cookie
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS in production: HSTS for a year and a redirect (turn the redirect off only when the
# reverse proxy does it, and then say so with BVCT_BEHIND_PROXY).
SECURE_HSTS_SECONDS = env_int("BVCT_HSTS_SECONDS", 31_536_000) if IS_PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
# The browsers' HSTS preload list is for public domains; BVCT runs on isolated networks.
# Lockout is per account by design (issue 11: 5 failures per account); throttling by address is
# the rate limiter's job, so axes' advice to add the IP to the lockout key is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021", "axes.W006"]
SECURE_SSL_REDIRECT = IS_PRODUCTION and env_bool("BVCT_SSL_REDIRECT", default=True)
# a local monitor asks gunicorn for /healthz over plain HTTP on the loopback
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind the reverse proxy (deploy/nginx-bvct.conf): trust its X-Forwarded-Proto, and take the
# client address from the last X-Forwarded-For entry (the one the proxy wrote).
BVCT_BEHIND_PROXY = env_bool("BVCT_BEHIND_PROXY", default=False)
if BVCT_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content Security Policy (django-csp): every script and style is a vendored static file; no
# inline script, no inline style, no other origin, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "bvct.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BVCT API",
    "DESCRIPTION": "BVCT REST API. Every endpoint applies the same jurisdiction rules as the UI.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # the 400/401/403/404 answers every endpoint shares (bvct/core/openapi.py)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bvct.core.openapi.add_shared_error_responses",
    ],
    # one name per choice set shared by several serializers (no drf_spectacular.W001)
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "bvct.vetting.models.Status",
        "RequestStatusEnum": "bvct.verification.models.VerificationRequest.Status",
        "IssueStatusEnum": "bvct.people.models.RecordedIssue.Status",
        "OrgUnitKindEnum": "bvct.orgs.models.OrgUnit.Kind",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# Logs (bvct/ops/logs.py): JSON lines with the request id in production, text in development.
BVCT_LOG_FORMAT = env_str("BVCT_LOG_FORMAT", "json" if IS_PRODUCTION else "text").strip().lower()
if BVCT_LOG_FORMAT not in {"text", "json"}:
    msg = f"BVCT_LOG_FORMAT must be 'text' or 'json', not {BVCT_LOG_FORMAT!r}"
    raise ImproperlyConfigured(msg)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "bvct.ops.logs.JsonFormatter"},
        "text": {"()": "bvct.ops.logs.TextFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": BVCT_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("BVCT_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # runserver prints its own access lines; bvct.request is the one for production
        "django.server": {"level": "WARNING"},
    },
}

# `bvct serve` (gunicorn): address, worker processes (default 2 × cores + 1), request timeout.
BVCT_BIND = env_str("BVCT_BIND", "127.0.0.1:8000")
BVCT_WORKERS = env_int("BVCT_WORKERS", 0)  # 0: 2 × cores + 1
BVCT_WORKER_TIMEOUT = env_int("BVCT_WORKER_TIMEOUT", 60)
