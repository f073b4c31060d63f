from django.urls import path

from . import evaluation_views as views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("terms/<int:pk>/", views.term_page, name="term"),
    path("year/", views.year_page, name="year"),
    path("terms/<int:pk>/indicators.xlsx", views.term_export, name="term-export"),
    path("terms/<int:pk>/partners/<int:partner_pk>/", views.partner_report, name="partner-report"),
    path("cycles/<int:pk>/review/", views.cycle_review, name="cycle-review"),
    path("cycles/<int:pk>/sheets/", views.cycle_sheets, name="cycle-sheets"),
    path("cycles/<int:pk>/sheets/print/", views.print_sheets, name="print-sheets"),
    path("sheets/<int:pk>/delete/", views.delete_sheet, name="delete-sheet"),
]
