from django.urls import path

from . import calendar_views as views

app_name = "calendars"
urlpatterns = [
    path("", views.my_calendar, name="my-calendar"),
    path("absences/", views.my_absences, name="my-absences"),
    path("availability/", views.my_availability, name="my-availability"),
    path("emails/", views.my_emails, name="my-emails"),
    path("details/", views.my_details, name="my-details"),
    path("unsent-emails/", views.unsent_emails, name="unsent-emails"),
    path("facilitators/<int:pk>/", views.facilitator_calendar, name="facilitator"),
    path("facilitators/<int:pk>/hours/", views.facilitator_hours, name="facilitator-hours"),
    path("schedules/", views.schedules, name="schedules"),
    path("units/<int:pk>/", views.schedule, {"kind": "unit"}, name="unit"),
    path("rooms/<int:pk>/", views.schedule, {"kind": "room"}, name="room"),
    path("sites/<int:pk>/", views.schedule, {"kind": "site"}, name="site"),
    path("sessions/<uuid:uuid>.ics", views.session_ics, name="session-ics"),
    path("feeds/", views.my_feeds, name="my-feeds"),
    path("feeds/<int:pk>/revoke/", views.feed_revoke, name="feed-revoke"),
    path("feeds/<int:pk>/regenerate/", views.feed_regenerate, name="feed-regenerate"),
    path("feeds/<str:token>.ics", views.feed, name="feed"),
    path("movements/<int:unit_pk>/", views.movement_list, name="movement-list"),
    path("slips/<int:unit_pk>/", views.week_slips, name="week-slips"),
    path("changes/<int:unit_pk>/", views.unit_changes_notice, name="unit-changes"),
    path("gate/<int:site_pk>/", views.gate_list, name="gate-list"),
    path("movements/site/<int:site_pk>/", views.site_movements, name="site-movements"),
    path("week/<int:site_pk>/", views.week_at_a_glance, name="week"),
]
