"""Settings for Zakrila, configured from the environment (12-factor).

Three modes:

* production (the default): ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required, cookies are
  secure, HTTPS is enforced and ``zakrila check --deploy`` must be clean;
* demo (``ZAKRILA_DEMO=1``, set by ``zakrila demo``): a local, plain-HTTP showcase with demo
  users and no second factor;
* debug (``ZAKRILA_DEBUG=1``): a developer's machine.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = PACKAGE_DIR.parent.parent
if (_SOURCE_ROOT / "pyproject.toml").exists():
    _DEFAULT_DATA_DIR = _SOURCE_ROOT / "var"
else:
    _DEFAULT_DATA_DIR = Path.home() / ".local" / "share" / "zakrila"
DATA_DIR = Path(os.environ.get("ZAKRILA_DATA_DIR") or _DEFAULT_DATA_DIR).resolve()

DEMO = env_bool("ZAKRILA_DEMO")
DEBUG = env_bool("ZAKRILA_DEBUG")
PRODUCTION = not (DEMO or DEBUG)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is required in production. Set it in the environment, "
            "or run with ZAKRILA_DEMO=1 or ZAKRILA_DEBUG=1 on a developer's machine."
        )
    SECRET_KEY = "django-insecure-zakrila-demo-and-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "zakrila.core",
    "zakrila.audit",
    "zakrila.organisations",
    "zakrila.accounts",
    "zakrila.people",
    "zakrila.cases",
    "zakrila.placements",
    "zakrila.training",
    "zakrila.programmes",
    "zakrila.giving",
    "django_tasks",
    "django_tasks_db",
    "zakrila.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zakrila.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zakrila.core.middleware.BulgarianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zakrila.accounts.middleware.CachedOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zakrila.core.offline.OfflineMiddleware",
    "zakrila.accounts.middleware.SessionLifetimeMiddleware",
    "zakrila.accounts.middleware.TwoFactorMiddleware",
    "zakrila.accounts.middleware.CurrentMembershipMiddleware",
    "zakrila.core.uploads.UploadSizeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zakrila.core.middleware.NoStoreMiddleware",
    "zakrila.core.middleware.RefusalAuditMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zakrila.urls"
WSGI_APPLICATION = "zakrila.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "zakrila.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL")
        or f"sqlite:///{DATA_DIR / ('demo.sqlite3' if DEMO else 'zakrila.sqlite3')}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A busy timeout and WAL let several gunicorn workers share the embedded database.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", False
):
    # Opt-in (docs/operations.md): parameters bound on the server and a statement run five
    # times on a connection prepared (psycopg's threshold), so PostgreSQL stops planning it.
    # That saves the case page's planning (its joins took longer to plan than to run), but a
    # prepared statement may then run on PostgreSQL's generic plan, made without the values:
    # a filtered page of the case list went from 1.3 to 7-8 ms (benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "zakrila.core.cache.RedisCache",  # one client per pool (core/cache.py)
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # Sessions are read from the shared cache and written to both: one query fewer on every
    # request. Not with a cache per process: another process could keep a session ended here.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The signed-in users' memberships kept in the cache between requests (accounts.membership_cache):
# on with a shared cache (Redis), off with a cache per process unless "1" says so.
ZAKRILA_MEMBERSHIP_CACHE = {"1": True, "0": False}.get(
    os.environ.get("ZAKRILA_MEMBERSHIP_CACHE", "")
)

# --- Uploaded files -------------------------------------------------------------------------
# Outside the static files, never served by the web server directly: only through the views
# that ask the access policy. A file is refused above this size.
ZAKRILA_UPLOADS_DIR = Path(os.environ.get("ZAKRILA_UPLOADS_DIR") or DATA_DIR / "uploads")
ZAKRILA_UPLOAD_MAX_BYTES = int(os.environ.get("ZAKRILA_UPLOAD_MAX_MB", "20")) * 1024 * 1024
# A request's declared body may be the file plus 1 MB for the rest of the form; more is refused
# before the body is read (core/uploads.py). The proxy's limit should match (operations.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "zakrila.core.uploads.UploadLimitHandler",  # first: stops a file at the limit as it streams
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Background jobs --------------------------------------------------------------------------
# Django's tasks API (the django-tasks backport on 5.2). The database backend works on the
# embedded SQLite and on PostgreSQL; workers (`zakrila manage db_worker`) run on any machine.
# ZAKRILA_TASKS_BACKEND=immediate runs jobs inline (tests, small installations).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("ZAKRILA_TASKS_BACKEND") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# --- Accounts and authentication ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, the signed-in user read from the shared cache (accounts/backends.py).
    "zakrila.accounts.backends.CachedModelBackend",
]
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 30 idle minutes, and in any case after an absolute lifetime.
SESSION_COOKIE_AGE = int(os.environ.get("ZAKRILA_SESSION_IDLE_SECONDS", str(30 * 60)))
# Saved again at most once a minute while in use (accounts.middleware.SessionLifetimeMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
ZAKRILA_SESSION_ABSOLUTE_SECONDS = int(
    os.environ.get("ZAKRILA_SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60))
)

# Every member of staff confirms sign-in with a one-time code (TOTP), except in the demo.
ZAKRILA_REQUIRE_2FA = env_bool("ZAKRILA_REQUIRE_2FA", not DEMO)
OTP_TOTP_ISSUER = "Zakrila"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
ZAKRILA_RECOVERY_CODES = 10

# Failed logins lock the pair (user, address), never the address alone: a whole office
# shares one public address.
AXES_FAILURE_LIMIT = 6
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ZAKRILA_LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zakrila.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# No log of successful sign-ins of axes' own: the audit trail records every sign-in and
# sign-out (with the address) under its retention; axes' log would keep a second copy, with
# the browser's description, for ever.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("ZAKRILA_PROXY_COUNT", "0")) or None

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "bg")
LANGUAGES = [("bg", _("Bulgarian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Sofia")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["zakrila.formats"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
MEDIA_ROOT = DATA_DIR / "media"
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise like static files.
WHITENOISE_ROOT = PACKAGE_DIR / "core" / "site_root"
if PRODUCTION:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
else:
    # Demo and development serve straight from the installed packages: nothing to collect.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("ZAKRILA_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# No inline scripts or styles anywhere: every script and style sheet is a file we serve.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refusal (403, 404, 405) is an everyday answer: one line with its reason, not a traceback.
    "filters": {"client_errors_one_line": {"()": "zakrila.core.logs.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["client_errors_one_line"]},
    },
}

# --- Audit trail ----------------------------------------------------------------------------
# The audit chain is sealed with an HMAC key kept outside the database: whoever can write the
# tables cannot forge a chain that verifies. ZAKRILA_AUDIT_KEY (or a file holding it,
# ZAKRILA_AUDIT_KEY_FILE) is required in production; keys used before a rotation stay listed in
# ZAKRILA_AUDIT_PREVIOUS_KEYS (comma-separated) so older seals still verify.
ZAKRILA_AUDIT_KEY = (
    Path(os.environ["ZAKRILA_AUDIT_KEY_FILE"]).read_text(encoding="utf-8").strip()
    if os.environ.get("ZAKRILA_AUDIT_KEY_FILE")
    else os.environ.get("ZAKRILA_AUDIT_KEY", "")
)
if not ZAKRILA_AUDIT_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "ZAKRILA_AUDIT_KEY is required in production: the key that seals the audit trail, "
            "kept outside the database (e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'). See docs/operations.md."
        )
    ZAKRILA_AUDIT_KEY = "zakrila-development-audit-key-not-secret"
ZAKRILA_AUDIT_PREVIOUS_KEYS = env_list("ZAKRILA_AUDIT_PREVIOUS_KEYS")
# Where `zakrila audit checkpoint` anchors each chain's head outside the database: an
# append-only JSON-lines file, and/or syslog ("/dev/log" or "host:port").
ZAKRILA_AUDIT_CHECKPOINT_FILE = os.environ.get("ZAKRILA_AUDIT_CHECKPOINT_FILE") or str(
    DATA_DIR / "audit-checkpoints.jsonl"
)
ZAKRILA_AUDIT_CHECKPOINT_SYSLOG = os.environ.get("ZAKRILA_AUDIT_CHECKPOINT_SYSLOG", "")
# `zakrila audit verify` reports events still unsealed after this many seconds.
ZAKRILA_AUDIT_UNSEALED_AFTER_SECONDS = int(
    os.environ.get("ZAKRILA_AUDIT_UNSEALED_AFTER_SECONDS", "60")
)
# Every worker of `zakrila serve` / `zakrila demo` seals the trail in a background thread; set
# to 0 when a separate `zakrila audit seal --loop` does it.
ZAKRILA_AUDIT_SEAL_IN_SERVER = env_bool("ZAKRILA_AUDIT_SEAL_IN_SERVER", True)

# --- Zakrila --------------------------------------------------------------------------------
ZAKRILA_DEMO_EMAIL_DOMAINS = ("demo.zakrila.bg", "other.demo.zakrila.bg")

# How many years records are kept after the case closes (or, without a case, after the record
# was last used) before `zakrila retention run` anonymises them. Set per kind with
# ZAKRILA_RETENTION_<KIND>_YEARS.
ZAKRILA_RETENTION_YEARS = {
    kind: int(os.environ.get(f"ZAKRILA_RETENTION_{kind.upper()}_YEARS", default))
    for kind, default in {
        "case": "10",
        "anonymous_contact": "3",
        "person": "5",
        "audit": "10",
        # The training centre: trainees' data, years after their cohort ended; the holder's
        # name on a certificate (for the public verification page), years after it was issued.
        "trainee": "3",
        "training_certificate": "10",
        # Donations and volunteers: a donor's personal data, years after their last donation
        # (the accounts keep donation documents ten years); a volunteer's, years after their
        # last assignment.
        "donor": "10",
        "volunteer": "3",
    }.items()
}
