"""Django settings. Everything that differs between machines comes from the environment.

- ``DATABASE_URL``: defaults to embedded SQLite (WAL mode) in ``var/myomap.sqlite3``.
- ``MYOMAP_SECRET_KEY``: if unset, a key is generated once into ``var/secret_key``.
- ``MYOMAP_NOTE_KEY``: the signed-note chain's key; if unset, generated once into
  ``var/note_key`` (owner-only).
- ``MYOMAP_DEBUG=1`` for development; ``MYOMAP_ALLOWED_HOSTS`` comma-separated.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MYOMAP_VAR_DIR", BASE_DIR / "var"))
# Health data lives here (the database, photos, the outbox): only the owner may enter.
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
VAR_DIR.chmod(0o700)


def _var_secret(variable: str, filename: str) -> str:
    """The secret in environment ``variable``; else the one in ``var/<filename>``, created
    owner-only (0600) on first use."""
    value = os.environ.get(variable)
    if value:
        return value
    path = VAR_DIR / filename
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _var_secret("MYOMAP_SECRET_KEY", "secret_key")
# The key of the signed-note chain's HMAC: kept outside the database, so whoever can write the
# database cannot recompute a changed note's hash. Keep it with the backups' passphrase.
NOTE_CHAIN_KEY = _var_secret("MYOMAP_NOTE_KEY", "note_key").encode()
# The key of API tokens' stored HMAC: a leaked database reveals no usable token.
API_TOKEN_KEY = _var_secret("MYOMAP_TOKEN_KEY", "token_key").encode()
if len(NOTE_CHAIN_KEY) < 32:
    raise ImproperlyConfigured("MYOMAP_NOTE_KEY must be at least 32 characters long")
DEBUG = os.environ.get("MYOMAP_DEBUG") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("MYOMAP_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed:
# the audit log and the login lockout record the client's address from it only for these.
TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("MYOMAP_TRUSTED_PROXIES", "").split(",") if p.strip()
]
for _proxy in TRUSTED_PROXIES:
    ipaddress.ip_network(_proxy, strict=False)  # a typo stops the start, naming the value
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("MYOMAP_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "myomap.common",
    "myomap.clinics",
    "myomap.patients",
    "myomap.bodymap",
    "myomap.intake",
    "myomap.portal",
    "myomap.knowledge",
    "myomap.screening",
    "myomap.assessments",
    "myomap.outcomes",
    "myomap.plans",
    "myomap.sessions",
    "myomap.notes",
    "myomap.apitokens",
    "myomap.aftercare",
    "myomap.appointments",
    "myomap.reports",
    "myomap.chart",
    "myomap.interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "myomap.common.headers.SecurityHeadersMiddleware",
    "myomap.common.bad_input.RefuseControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "myomap.clinics.idle_session.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "myomap.clinics.two_factor_middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "myomap.clinics.middleware.ClinicTimezoneMiddleware",
    "myomap.screening.middleware.TreatmentHoldMiddleware",
    "myomap.common.read_once.ReadOnceMiddleware",
]

ROOT_URLCONF = "myomap.urls"
WSGI_APPLICATION = "myomap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "myomap" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": [
                "template_partials.templatetags.partials",
                "myomap.common.templatetags.myomap_filters",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Form widgets are drawn from Django's own Jinja2 widget templates: the same markup as the
# template language's, several times cheaper on pages with many fields (decision 0022).
FORM_RENDERER = "django.forms.renderers.Jinja2"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'myomap.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work side by side; synchronous=FULL syncs the log at
    # every commit, so an acknowledged write survives a power cut. Writes take the lock when
    # their transaction begins (IMMEDIATE), never half-way through, and wait up to 20 s for it
    # instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Each server thread keeps its connection for a minute, as on PostgreSQL: SQLite's page
    # cache and the WAL index stay warm instead of being rebuilt for every request.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    # Tests get a database file too, not SQLite's shared in-memory database: there one
    # connection locks whole tables and others fail at once, where a file in WAL mode lets
    # the browser tests' server and the test itself read and write side by side.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-myomap.sqlite3")}

# Background work (the nightly check of signed notes) runs through Django's tasks framework
# on a database-backed queue: ``myomap worker`` runs it, ``myomap serve`` starts one beside
# the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# When the nightly tasks run, in hours:minutes of the server's clock (UTC).
NIGHTLY_AT = os.environ.get("MYOMAP_NIGHTLY_AT", "02:30")

# Appointment reminders: how often the worker looks for due ones, where links in them point,
# and the class that sends text messages (see myomap/appointments/sms.py).
REMINDERS_EVERY_SECONDS = int(os.environ.get("MYOMAP_REMINDERS_EVERY", "300"))
SITE_URL = os.environ.get("MYOMAP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SMS_BACKEND = os.environ.get("MYOMAP_SMS_BACKEND", "myomap.appointments.sms.FileSmsBackend")
SMS_FILE_PATH = VAR_DIR / "sms"

AUTH_USER_MODEL = "clinics.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed-login lockout: this many failures for one username (in its normal form) within the
# window lock it; the per-address limit is higher, since a clinic's staff share one address.
LOGIN_MAX_FAILURES = int(os.environ.get("MYOMAP_LOGIN_MAX_FAILURES", "5"))
LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("MYOMAP_LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("MYOMAP_LOGIN_LOCKOUT_MINUTES", "15"))

# Two-factor login (django-otp: authenticator-app codes and recovery codes; django-otp-webauthn:
# passkeys). Wrong codes count towards the login lockout above, which replaces the libraries'
# own per-device delays (one rule for both factors).
OTP_TOTP_ISSUER = "Myomap"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# "Trust this browser": the second factor is not asked again on it for this many days.
TWO_FACTOR_TRUST_DAYS = 30
# A passkey is only a second factor, after the password: never a login on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "Myomap"
OTP_WEBAUTHN_HELPER_CLASS = "myomap.clinics.passkeys.PasskeyHelper"
# The addresses browsers show for Myomap, e.g. https://clinic.example (comma-separated); the
# passkeys' domain (relying party) is the host of the page unless MYOMAP_WEBAUTHN_RP_ID is set.
# Without the setting, https:// on each allowed host with MYOMAP_HTTPS=1, else
# http://localhost (any port; browsers allow passkeys on plain http only there).
OTP_WEBAUTHN_RP_ID = os.environ.get("MYOMAP_WEBAUTHN_RP_ID", "")
OTP_WEBAUTHN_RP_ID_CALLABLE = "myomap.clinics.passkeys.relying_party_id"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    o.strip() for o in os.environ.get("MYOMAP_WEBAUTHN_ORIGINS", "").split(",") if o.strip()
] or (
    [f"https://{h}" for h in ALLOWED_HOSTS if h not in ("testserver", "*")]
    if os.environ.get("MYOMAP_HTTPS") == "1"
    else ["http://localhost:8000"]
)

# Sessions end after 30 minutes without activity.
SESSION_COOKIE_AGE = int(os.environ.get("MYOMAP_SESSION_IDLE_SECONDS", str(30 * 60)))
# Saved when it changes, and at most once a minute to push its idle end back (clinics/idle_session).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("MYOMAP_HTTPS") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Entering the browsers' HSTS preload list binds the whole domain and takes months to
    # undo: that is the domain owner's decision (MYOMAP_HSTS_PRELOAD=1), not a default.
    SECURE_HSTS_PRELOAD = os.environ.get("MYOMAP_HSTS_PRELOAD") == "1"
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Uploads (posture photos, clearance documents) are private: never under static, no
# MEDIA_URL; they are served only through access-checked views.
MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/no-public-url/"},
    },
    "staticfiles": {"BACKEND": "myomap.common.static_storage.StaticFilesStorage"},
}
if DEBUG or os.environ.get("MYOMAP_PLAIN_STATIC") == "1":
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads are readable by the owner only, in folders only the owner may enter.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Size limits for anything a person can type or upload.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

EMAIL_BACKEND = os.environ.get(
    "MYOMAP_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "outbox"
DEFAULT_FROM_EMAIL = os.environ.get("MYOMAP_FROM_EMAIL", "clinic@myomap.localhost")

# Intake links expire after this many days.
INTAKE_LINK_DAYS = 7

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_links": {"()": "myomap.common.redact.RedactLinksFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_links"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
