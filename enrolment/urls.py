from django.urls import path

from . import answer_views, views

app_name = "enrolment"
urlpatterns = [
    path("cycles/<int:pk>/", views.cycle_page, name="cycle"),
    path("cycles/<int:pk>/apply/", views.application_new, name="application-new"),
    path("cycles/<int:pk>/import/", views.application_import, name="application-import"),
    path("cycles/<int:pk>/certificates/", views.certificates, name="certificates"),
    path("applications/<int:pk>/", views.application_page, name="application"),
    path("applications/<int:pk>/notice/", answer_views.notice, name="notice"),
    path("answers/", answer_views.answers_to_give, name="answers"),
    path("answers/print/", answer_views.print_answers, name="answers-print"),
    path("answers/handed/", answer_views.answers_handed, name="answers-handed"),
    path("answers/<int:pk>/take-back/", answer_views.take_back, name="answer-take-back"),
    path(
        "applications/<int:pk>/<slug:action>/", views.application_action, name="application-action",
    ),
]
