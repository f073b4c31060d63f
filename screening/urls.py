from django.urls import path

from . import round_views, views

app_name = "screening"
urlpatterns = [
    path("", views.interview_list, name="interview-list"),
    path("new/", views.interview_new, name="interview-new"),
    path("to-screen/", round_views.to_screen, name="to-screen"),
    path("day/", round_views.day_list, name="day"),
    path("day/invitations/", round_views.invitations, name="invitations"),
    path("day/outcomes/", round_views.day_outcomes, name="day-outcomes"),
    path("<int:pk>/", views.interview_page, name="interview"),
    path("<int:pk>/outcome/", views.interview_outcome, name="interview-outcome"),
]
