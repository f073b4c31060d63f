from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("terms/<int:pk>/", views.term_planning, name="term"),
    path("terms/<int:pk>/plan/", views.plan, name="plan"),
    path("terms/<int:pk>/ask-availability/", views.ask_availability, name="ask-availability"),
    path("terms/<int:pk>/runs/<int:run_pk>/status/", views.run_status, name="run-status"),
    path("terms/<int:pk>/draft/<int:draft_pk>/move/", views.draft_move, name="draft-move"),
    path("terms/<int:pk>/draft/<int:draft_pk>/pin/", views.draft_pin, name="draft-pin"),
    path("terms/<int:pk>/publish/", views.publish, name="publish"),
    path("terms/<int:pk>/publications/", views.publications, name="publications"),
    path("terms/<int:pk>/sessions/", views.term_sessions, name="term-sessions"),
    path("terms/<int:pk>/programme.xlsx", views.programme_download, name="programme"),
    path("cancel/", views.cancel, name="cancel"),
    path("sessions/<int:pk>/", views.session_change, name="session"),
]
