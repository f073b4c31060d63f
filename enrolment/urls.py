from django.urls import path

from . import views

app_name = "enrolment"
urlpatterns = [
    path("cycles/<int:pk>/", views.cycle_page, name="cycle"),
    path("cycles/<int:pk>/apply/", views.application_new, name="application-new"),
    path("cycles/<int:pk>/import/", views.application_import, name="application-import"),
    path("cycles/<int:pk>/certificates/", views.certificates, name="certificates"),
    path("applications/<int:pk>/", views.application_page, name="application"),
    path("applications/<int:pk>/notice/", views.notice, name="notice"),
    path(
        "applications/<int:pk>/<slug:action>/", views.application_action, name="application-action",
    ),
]
