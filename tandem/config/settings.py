"""Tandem settings: one module, read from documented ``TANDEM_*`` environment variables.

Defaults are safe for the demo (embedded SQLite in a data folder outside the source tree,
e-mail written to files in that folder, database task queue). ``TANDEM_ENV=production``
refuses to start with the demo secret key, DEBUG on, or e-mail printed to the log. See
``docs/operations.md`` and ``.env.example``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tandem.config.server import (
    DATABASE_CACHE_TABLE,
    cpu_count,
    default_workers,
    trusted_networks,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"TANDEM_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "1" if default else "0").strip().lower()
    return raw in {"1", "true", "yes", "on"}


DEMO_SECRET_KEY = "tandem-demo-secret-key-do-not-use-in-production"  # noqa: S105

ENVIRONMENT = env("ENV", "demo")  # demo | production
# Off unless asked for, the demo included: with DEBUG on, an error shows Django's debug page
# (settings, every URL pattern) instead of Tandem's error pages. WhiteNoise serves the static
# files either way.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", DEMO_SECRET_KEY)
# Previous keys, comma-separated, while a rotation settles: sessions, signed links and the
# secrets encrypted at rest (tandem.core.secretbox) made with them are still read.
SECRET_KEY_FALLBACKS = [k.strip() for k in env("SECRET_KEY_FALLBACKS").split(",") if k.strip()]

if ENVIRONMENT == "production":
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "TANDEM_ENV=production needs TANDEM_SECRET_KEY: a random value of 32+ characters, "
            "not the demo key."
        )
    if DEBUG:
        raise ImproperlyConfigured("TANDEM_ENV=production refuses to start with TANDEM_DEBUG on.")

DATA_DIR = Path(env("DATA_DIR", str(Path.home() / ".local" / "share" / "tandem"))).expanduser()
DATA_DIR.mkdir(parents=True, exist_ok=True)

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# The address people reach Tandem at, for links in e-mails (survey invitations, application
# notices, match results, health alerts): those are read outside the site, so a link must be
# absolute. Default: https:// + the first allowed host in production, the local server else.
_default_site = (
    f"https://{ALLOWED_HOSTS[0]}"
    if ENVIRONMENT == "production" and ALLOWED_HOSTS
    else "http://127.0.0.1:8000"
)
SITE_URL = env("SITE_URL", _default_site).strip().rstrip("/")
if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", SITE_URL):
    raise ImproperlyConfigured(
        f"TANDEM_SITE_URL must be an absolute http(s) address such as "
        f"https://tandem.example.org, not {SITE_URL!r}."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "ninja",  # serves the interactive API docs' assets locally (the CSP allows no CDN)
    "tandem.core",
    "tandem.accounts",
    "tandem.organizations",
    "tandem.sso",
    "tandem.notifications",
    "tandem.messaging",
    "tandem.audit",
    "tandem.partnerships",
    "tandem.opportunities",
    "tandem.applications",
    "tandem.placements",
    "tandem.surveys",
    "tandem.events",
    "tandem.analytics",
    "tandem.matching",
    "tandem.mentoring",
    "tandem.skills",
    "tandem.curricula",
    "tandem.rosters",
    "tandem.profiles",
    "tandem.dashboards",
    "tandem.search",
    "tandem.demo",
    "tandem.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tandem.core.input_guard.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tandem.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's saved language wins over the cookie and Accept-Language.
    "tandem.accounts.language.PreferredLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tandem.core.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSP: lets the SSO buttons' redirect reach the identity providers (form-action).
    "tandem.sso.middleware.SsoFormActionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # A person whose institution (or platform role) requires MFA and has none set up is sent
    # to the MFA set-up page first (docs/accounts.md, "Two-factor authentication").
    "tandem.accounts.mfa_policy.RequireMfaMiddleware",
    # A DomainError that escapes a view: 403 page, 409 or 400 page with its message.
    "tandem.core.view_errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "tandem.config.urls"
WSGI_APPLICATION = "tandem.config.wsgi.application"

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
                "tandem.organizations.context_processors.navigation",
                "tandem.partnerships.context_processors.navigation",
                "tandem.analytics.context_processors.navigation",
            ],
        },
    }
]

# Django's form renderer with its commonest widget templates written in Python (same HTML).
FORM_RENDERER = "tandem.core.forms_renderer.FastWidgetRenderer"

# --- Database ---
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'tandem.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so that
    # concurrent writers queue on the busy timeout instead of failing with "database is locked".
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    _db["CONN_MAX_AGE"] = 0
    _db["TEST"] = {"NAME": str(DATA_DIR / "test-tandem.sqlite3")}
else:
    _db["CONN_MAX_AGE"] = int(env("DB_CONN_MAX_AGE", "60"))
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})["connect_timeout"] = 5
    # The planner's cost of a random page read. PostgreSQL's default (4) assumes spinning
    # disks; with the data in memory or on SSD it prefers reading every posting (and
    # upper-casing each title) to a trigram index: the coordinator's applications search
    # took 440 ms instead of 120 ms at 100,000 postings (docs/benchmarks.md). Empty: keep
    # the server's setting (e.g. behind a pooler that refuses startup options).
    _random_page_cost = env("DB_RANDOM_PAGE_COST", "1.1")
    if _random_page_cost:
        _db["OPTIONS"]["options"] = f"-c random_page_cost={float(_random_page_cost)}"
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: a locked-out login is refused before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    # allauth's backend is Django's ModelBackend (permissions, active accounts) that also
    # finds a person by any of their verified addresses; one password backend, so a wrong
    # password is hashed once (and an unknown address once too: no timing difference).
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Single sign-on (docs/decisions/0011-sso-per-organization.md): the connections are
# tandem.sso's SsoConnection rows, which its adapter turns into allauth apps; linking to an
# existing account happens there, by an e-mail address the identity provider verified only.
SOCIALACCOUNT_ADAPTER = "tandem.sso.adapter.SsoAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password spraying: this many failures from one address, over any accounts, within the
# cool-off lock that address out for every account (see tandem.accounts.throttle).
LOGIN_ADDRESS_FAILURE_LIMIT = int(env("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
# Public partner sign-ups accepted per client address per hour (tandem.organizations).
PARTNER_SIGNUPS_PER_HOUR = int(env("PARTNER_SIGNUPS_PER_HOUR", "5"))
AXES_HANDLER = "tandem.accounts.throttle.LoginThrottle"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tandem.accounts.login.axes_username"  # lower-cased e-mail
# Behind N reverse proxies, throttle by the address they saw (X-Forwarded-For), not theirs.
TRUSTED_PROXY_HOPS = int(env("TRUSTED_PROXY_HOPS", "0"))
# The address the proxy connects from: `tandem serve` honours X-Forwarded-* from it alone
# ("*" = from any peer, e.g. in a container network where only the proxy can reach Tandem).
TRUSTED_PROXY_ADDRESS = env("TRUSTED_PROXY_ADDRESS", "127.0.0.1").strip()
try:
    trusted_networks(TRUSTED_PROXY_ADDRESS)
except ValueError as error:
    raise ImproperlyConfigured(
        "TANDEM_TRUSTED_PROXY_ADDRESS must be addresses or networks separated by commas "
        f"(127.0.0.1, 10.0.0.0/24) or *, not {TRUSTED_PROXY_ADDRESS!r}."
    ) from error
AXES_CLIENT_IP_CALLABLE = "tandem.accounts.login.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["login", "username", "password", "email"]
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Axes log lines name the client by a keyed pseudonym, never by the e-mail that was typed.
AXES_CLIENT_STR_CALLABLE = "tandem.core.logging.axes_client_str"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = ENVIRONMENT == "production"
CSRF_COOKIE_SECURE = ENVIRONMENT == "production"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Behind a TLS-terminating proxy (production): trust its X-Forwarded-Proto, redirect HTTP to
# HTTPS and send HSTS. All three are off in the demo, which is served over plain HTTP.
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "0"))

# --- django-allauth (accounts, MFA, SSO) ---
# docs/decisions/0010-allauth-identity.md. Sign-in by e-mail; no self sign-up (the account
# adapter keeps /auth/signup/ closed unless a flow opens it); new sign-ups verify their
# address; accounts Tandem made itself (roster, invitation, admin, demo) count as verified.
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
]
ACCOUNT_ADAPTER = "tandem.accounts.allauth_adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "tandem.accounts.forms.EmailLoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True  # one address per person: a new one replaces it once confirmed
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link opens a page; only its button confirms (POST)
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# django-axes counts failed sign-ins (per account and address, and per address); allauth's
# own cache-based counter of failures would be a second, different lock-out.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
MFA_ADAPTER = "tandem.accounts.allauth_adapter.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Platform admins must set up MFA before anything else (on by default in production; the
# demo's admin signs in with a password alone). Institutions require it of their staff on
# their page (Organization.require_mfa_for_staff).
MFA_REQUIRED_FOR_ADMINS = env_bool("MFA_REQUIRED_FOR_ADMINS", ENVIRONMENT == "production")
MFA_TOTP_ISSUER = "Tandem"
MFA_TOTP_TOLERANCE = 1  # a code from the 30 seconds before or after is accepted (clock drift)
# Passkeys need a secure context: https, or http on localhost (the demo).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = ENVIRONMENT != "production"

# --- Content security policy (django-csp 4) ---
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Internationalisation ---
# English is British English: dates read "6 Dec 2026" and times "20:17" everywhere (pages,
# e-mails, the PDF report), from the locale formats in tandem/config/formats. A browser that
# asks for any English gets en-gb. LANGUAGE_CODE is the language (and date format) of readers
# whose browser asks for none of LANGUAGES, and of e-mails to people with no preference.
LANGUAGES = [("en-gb", "English"), ("fr", "Français"), ("es", "Español")]
LANGUAGE_CODE = env("LANGUAGE_CODE", "en-gb").lower()
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"TANDEM_LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}, not {LANGUAGE_CODE!r}"
    )
FORMAT_MODULE_PATH = ["tandem.config.formats"]
TIME_ZONE = env("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and uploaded files ---
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Uploaded files live outside the web root and are served only through views that check
# permissions; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/files/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# Longest life of a personal access token (days); every token expires within it.
API_TOKEN_MAX_DAYS = int(env("API_TOKEN_MAX_DAYS", "365"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- E-mail ---
# The default writes each message to a file under TANDEM_DATA_DIR/mail/ (demo, development):
# never to the console, which is the server's log, and password-reset links, names and
# addresses must not reach logs. Production sends real mail and refuses the console backend.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
if ENVIRONMENT == "production" and EMAIL_BACKEND.endswith("console.EmailBackend"):
    raise ImproperlyConfigured(
        "TANDEM_ENV=production refuses TANDEM_EMAIL_BACKEND=console: it writes password-reset "
        "links and addresses into the log. Use django.core.mail.backends.smtp.EmailBackend."
    )
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Tandem <noreply@tandem.invalid>")

# --- Background tasks ---
# "database" (embedded default; `tandem worker` runs the worker) or "rq" (Redis, production).
TASK_BACKEND = env("TASK_BACKEND", "database")
# Set, it also holds the cache and the sessions' cache (below); unset, RQ uses the local one.
REDIS_URL = env("REDIS_URL") or "redis://127.0.0.1:6379/0"
# Two queues: "default" (e-mail, short work) and "extraction" (batch skill extraction, in
# short slices; docs/decisions/0004-resumable-extraction-jobs.md). `tandem worker` serves both
# (default first); `tandem serve` starts one worker per queue so mail never waits.
TASK_QUEUES = ["default", "extraction"]
if TASK_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    RQ_QUEUES = {
        "default": {"URL": REDIS_URL},
        # A slice is seconds long, but the first combined-mode job after an ESCO change embeds
        # the taxonomy's labels in its first slice (minutes); RQ's default limit is 180 s.
        "extraction": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600},
    }
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]  # django_rq: the rqworker command
elif TASK_BACKEND == "immediate":
    TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": TASK_QUEUES,
        }
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}

# Notifications and messaging (docs/notifications.md): e-mails per task slice (a fan-out
# to thousands goes out in slices, other tasks run between them); messages a person may send
# per hour, conversations they may start per hour.
NOTIFICATIONS_EMAIL_SLICE = int(env("NOTIFICATIONS_EMAIL_SLICE", "200"))
MESSAGING_MESSAGES_PER_HOUR = int(env("MESSAGING_MESSAGES_PER_HOUR", "30"))
MESSAGING_CONVERSATIONS_PER_HOUR = int(env("MESSAGING_CONVERSATIONS_PER_HOUR", "10"))
# "Try the skill extractor" page and POST /api/v1/skills/extract: runs per person per hour.
SKILLS_EXTRACTIONS_PER_HOUR = int(env("SKILLS_EXTRACTIONS_PER_HOUR", "120"))

# Batch extraction jobs (docs/curriculum.md). A worker holds a job's lease while it works and
# renews it; a job whose lease has expired lost its worker and is resumed by the next worker.
EXTRACTION_JOB_LEASE_SECONDS = float(env("EXTRACTION_JOB_LEASE_SECONDS", "60"))
EXTRACTION_JOB_SLICE_SECONDS = float(env("EXTRACTION_JOB_SLICE_SECONDS", "5"))  # per task
EXTRACTION_JOB_CHUNK = int(env("EXTRACTION_JOB_CHUNK", "50"))  # items per transaction
EXTRACTION_JOB_PAUSE_SECONDS = float(env("EXTRACTION_JOB_PAUSE_SECONDS", "0"))  # between chunks
EXTRACTION_JOB_MODE = env("EXTRACTION_JOB_MODE", "")  # "" (best available) | lexical | combined
# How often each worker runs its housekeeping (tandem.core.worker), e.g. resuming lost jobs.
WORKER_SWEEP_SECONDS = float(
    env("WORKER_SWEEP_SECONDS", str(max(1.0, EXTRACTION_JOB_LEASE_SECONDS / 2)))
)

# --- Server processes (`tandem serve`: gunicorn; tandem/config/server.py) ---
# Default 2 × cores + 1, at most 8: see docs/operations.md, "Several server processes".
SERVER_WORKERS = int(env("WORKERS", "0")) or default_workers(cpu_count())
SERVER_THREADS = int(env("THREADS", "4"))
# Seconds an idle keep-alive connection is held by its server process (gunicorn's keepalive).
SERVER_KEEPALIVE = int(env("KEEPALIVE", "2"))
if SERVER_WORKERS < 1 or SERVER_THREADS < 1:
    raise ImproperlyConfigured("TANDEM_WORKERS and TANDEM_THREADS must be 1 or more.")

# --- Cache and sessions: shared by every server process and machine ---
# Several processes share no memory, so the cache is never per process (LocMem): with
# TANDEM_REDIS_URL (or TANDEM_CACHE_URL) it is Redis, else a table in the database
# (created by a migration of tandem.core). Sessions are rows in the database; with Redis they
# are also cached there (cached_db), so most requests read them without a query. Sign-in
# throttling counts in the database (django-axes' handler) either way.
CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "tandem")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    SESSION_ENGINE = "tandem.accounts.session_store_cached"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    SESSION_ENGINE = "tandem.accounts.session_store"

# Rendered list rows kept in the cache (tandem.core.fragments): on by default with Redis, off
# with the database cache (each stored row would cost a few queries and its table is culled
# at 300 entries). TANDEM_FRAGMENT_CACHE=1/0 overrides.
FRAGMENT_CACHE = env_bool("FRAGMENT_CACHE", bool(CACHE_URL))

# --- Logging: no personal data (paths use UUIDs; bodies and query strings are not logged) ---
LOG_LEVEL = env("LOG_LEVEL", "INFO")  # also gunicorn's (`tandem serve`)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "tandem.core.logging.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Django Ninja ---
NINJA_PAGINATION_PER_PAGE = 25
NINJA_PAGINATION_MAX_LIMIT = 200
