"""BVCT settings. Complete and environment-driven; production is configured through the environment.

Variables (all optional in development mode):
  BVCT_MODE              development (default) or production
  SECRET_KEY / SECRET_KEY_FILE
  DATABASE_URL           default: SQLite at var/bvct.sqlite3
  ALLOWED_HOSTS          comma-separated
  BVCT_DEBUG             default: true in development, always false in production
  BVCT_VAR_DIR           where SQLite, keys and uploads live (default: ./var)
  AUDIT_SIGNING_KEY_FILE Ed25519 private key (PEM) that signs audit checkpoints
  BVCT_KEYS              field-encryption KEKs, "k2:<base64>,k1:<base64>" (or BVCT_KEYS_FILE)
  BVCT_ACTIVE_KEY        the KEK that wraps new data keys (default: the first of BVCT_KEYS)
  BVCT_BLIND_INDEX_KEY   HMAC key of the blind indexes, base64 (or BVCT_BLIND_INDEX_KEY_FILE)
  BVCT_DEV_KEYS_FILE     development only: generated keys when BVCT_KEYS is unset
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from bvct.core.crypto import parse_key, parse_keys
from config.env import env_bool, env_int, env_list, env_secret, env_str

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bvct.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bvct.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bvct.accounts.sessions.SessionPolicyMiddleware",
    "bvct.core.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bvct.access.middleware.RoutePolicyMiddleware",
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


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if config["ENGINE"] == "django.db.backends.postgresql":
            config.setdefault("OPTIONS", {})
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


DATABASES = {"default": _database()}
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
# Lockout (django-axes; docs/security.md): per account, 5 failures within 15 minutes lock it for
# 15 minutes; a success clears the count; the locked page is the wrong-password page.
AXES_FAILURE_LIMIT = env_int("BVCT_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("BVCT_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "bvct.accounts.lockout.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

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
if env_bool("BVCT_BEHIND_PROXY", default=False):
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
    # one name per choice set shared by several serializers (no drf_spectacular.W001)
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "bvct.vetting.models.Status",
        "RequestStatusEnum": "bvct.verification.models.VerificationRequest.Status",
        "IssueStatusEnum": "bvct.people.models.RecordedIssue.Status",
        "OrgUnitKindEnum": "bvct.orgs.models.OrgUnit.Kind",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BVCT_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
