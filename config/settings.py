"""Relais settings. Everything a deployment changes comes from environment variables.

RELAIS_ENV=production switches on the hardened mode (`manage.py check --deploy` is clean);
the default is a developer/demo mode on an embedded SQLite file.
"""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RELAIS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("RELAIS_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when RELAIS_ENV=production.")
    # Development only: a key that is obviously not a secret.
    SECRET_KEY = "relais-development-key-not-for-production-use-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "core",
    "prisons",
    "activities",
    "surveys",
    "screening",
    "enrolment",
    "scheduling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL (DATABASE_URL=postgres://...) is production and CI.
SQLITE_PATH = VAR_DIR / "relais.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait
    # (busy timeout) instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 minutes without activity and when the browser closes (shared PCs).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login throttling: five failures lock that username from that address for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Relais API",
    "DESCRIPTION": "Collective activities in prisons: reference data, planning, enrolment, attendance.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Tags listed closed, a table of contents: with every operation open, Swagger UI stops drawing
    # after the first few of our 37 tags.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "docExpansion": "none"},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Group operations by resource (detainees, cycles...) rather than under one "v1" tag.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Several models have a "kind" field with different choices: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "SiteKindEnum": "prisons.models.SiteKind",
        "RoomKindEnum": "prisons.models.RoomKind",
        "FacilitatorKindEnum": "activities.models.FacilitatorKind",
        "ActivityKindEnum": "activities.models.ActivityKind",
        "FeedKindEnum": "scheduling.models.FeedKind",
        "DetaineeStatusEnum": "prisons.models.DetaineeStatus",
        "CycleStatusEnum": "activities.models.CycleStatus",
        "SessionStatusEnum": "activities.models.SessionStatus",
        "EnrolmentStatusEnum": "enrolment.models.EnrolmentStatus",
        "ProblemKindEnum": "activities.models.ProblemKind",
        "MaterialStatusEnum": "activities.models.MaterialStatus",
        "MaterialDecisionEnum": "activities.materials.DECISIONS",
        "ReviewDecisionEnum": "enrolment.models.ReviewDecision",
        "PartnerDocumentKindEnum": "activities.models.PartnerDocumentKind",
        "RecruitmentStageEnum": "activities.models.RecruitmentStage",
        "RecruitmentSourceEnum": "activities.models.RecruitmentSource",
        "RatingEnum": "enrolment.models.Rating",
        "SheetLevelEnum": "enrolment.models.Level",
        "WeekdayEnum": "prisons.models.Weekday",
        "ScreeningOutcomeEnum": "screening.models.Outcome",
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Keyed hash for pseudonymised exports; kept apart from SECRET_KEY so it can be rotated alone.
EXPORT_PSEUDONYM_KEY = os.environ.get("EXPORT_PSEUDONYM_KEY", SECRET_KEY)

# E-mail (change notices to facilitators). Development prints messages to the console.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Relais <relais@localhost>")
# Where links in e-mails point.
RELAIS_BASE_URL = os.environ.get("RELAIS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Relais' own knobs.
# How long the link of an invitation to choose a password works (core/logins.py); a forgotten
# password's link works for a day.
RELAIS_INVITATION_DAYS = int(os.environ.get("RELAIS_INVITATION_DAYS", 14))
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
# A login not used for this long is flagged to the administrators, to close it (core/logins.py).
RELAIS_DORMANT_LOGIN_DAYS = int(os.environ.get("RELAIS_DORMANT_LOGIN_DAYS", 90))
RELAIS_AUTHORISATION_WARNING_DAYS = 30
RELAIS_ATTENDANCE_EDIT_DAYS = 7
RELAIS_MAX_ENROLMENTS_PER_DETAINEE = int(os.environ.get("RELAIS_MAX_ENROLMENTS_PER_DETAINEE", 3))
# Storage limitation (GDPR art. 5(1)(e)): how long after leaving a detainee's personal data stays,
# and how long after an interview its confidential screening notes stay (prisons/retention.py).
RELAIS_RETENTION_AFTER_LEAVING_DAYS = int(os.environ.get("RELAIS_RETENTION_AFTER_LEAVING_DAYS", 730))
RELAIS_SCREENING_NOTES_DAYS = int(os.environ.get("RELAIS_SCREENING_NOTES_DAYS", 365))
# Would-be volunteers whose recruitment was not pursued are deleted this long after.
RELAIS_CANDIDATE_RETENTION_DAYS = int(os.environ.get("RELAIS_CANDIDATE_RETENTION_DAYS", 365))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Request logs can carry detainee numbers in URLs: keep them out of production logs.
    "loggers": {"django.request": {"level": "ERROR"}, "django.server": {"level": "WARNING"},
                "axes": {"level": "WARNING"}},
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
