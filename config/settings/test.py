"""Test settings: speed overrides only."""

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Fixed throw-away field keys (two KEKs so that rotation can be tested); never used elsewhere.
FIELD_KEYS = {"t2": b"\x02" * 32, "t1": b"\x01" * 32}
FIELD_ACTIVE_KEY = "t2"
FIELD_BLIND_INDEX_KEY = b"\x03" * 32
