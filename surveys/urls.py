from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_edit, name="new"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/answers/", views.survey_answer, name="answer"),
    path("<int:pk>/answers/import/", views.answers_import, name="answers-import"),
    path("<int:pk>/answers/template.xlsx", views.answers_template, name="answers-template"),
    path("<int:pk>/status/", views.survey_status, name="status"),
    path("<int:pk>/questionnaire/", views.questionnaire, name="questionnaire"),
    path("<int:pk>/results.xlsx", views.results_export, name="results-export"),
]
