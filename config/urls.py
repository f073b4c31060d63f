from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from core.api import ApiDocsView, PersonalTokenView
from core.login_api import LoginViewSet
from core.setup_api import SetupChecklistView

core_api = SimpleRouter()
core_api.register("logins", LoginViewSet, basename="login")

api_v1 = [
    path("", include("prisons.api_urls")),
    path("", include("activities.api_urls")),
    path("", include("scheduling.api_urls")),
    path("", include("enrolment.api_urls")),
    path("", include("screening.api_urls")),
    path("", include("surveys.api_urls")),
    path("auth/token/", PersonalTokenView.as_view(), name="personal-token"),
    path("setup-checklist/", SetupChecklistView.as_view(), name="setup-checklist"),
    path("", include(core_api.urls)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its init script as a separate request (CSP allows no inline script). No ReDoc:
    # its template loads web fonts from a CDN.
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    path("prisons/", include("prisons.urls")),
    path("activities/", include("activities.urls")),
    path("planning/", include("scheduling.urls")),
    path("calendar/", include("scheduling.calendar_urls")),
    path("enrolment/", include("enrolment.urls")),
    path("screening/", include("screening.urls")),
    path("surveys/", include("surveys.urls")),
    path("attendance/", include("enrolment.attendance_urls")),
    path("evaluation/", include("enrolment.evaluation_urls")),
    path("", include("core.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
