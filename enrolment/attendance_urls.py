from django.urls import path

from . import attendance_views as views
from . import missed_note_views

app_name = "attendance"
urlpatterns = [
    path("", views.my_sessions, name="my-sessions"),
    path("sessions/<int:pk>/", views.register, name="register"),
    path("sessions/<int:pk>/all-present/", views.all_present, name="all-present"),
    path("sessions/<int:pk>/sheet/", views.register_sheet, name="register-sheet"),
    path("sheets/", views.day_sheets, name="day-sheets"),
    path("follow-up/", views.follow_up, name="follow-up"),
    path("follow-up/notes/", missed_note_views.print_notes, name="missed-notes"),
    path("follow-up/notes/handed/", missed_note_views.notes_handed, name="missed-notes-handed"),
    path("follow-up/notes/<int:pk>/reply/", missed_note_views.note_reply, name="missed-note-reply"),
    path("follow-up/notes/<int:pk>/take-back/", missed_note_views.note_take_back, name="missed-note-take-back"),
    path("feedback/<int:pk>/", views.feedback_interview, name="feedback-interview"),
    path("export/", views.export, name="export"),
]
