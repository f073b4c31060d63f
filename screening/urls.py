from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("", views.interview_list, name="interview-list"),
    path("new/", views.interview_new, name="interview-new"),
    path("<int:pk>/", views.interview_page, name="interview"),
    path("<int:pk>/outcome/", views.interview_outcome, name="interview-outcome"),
]
