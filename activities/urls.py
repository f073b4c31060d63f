from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("catalogue/", views.activity_list, name="activity-list"),
    path("catalogue/new/", views.activity_edit, name="activity-create"),
    path("catalogue/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("catalogue/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/new/", views.partner_edit, name="partner-create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner-detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path("facilitators/", views.facilitator_list, name="facilitator-list"),
    path("facilitators/new/", views.facilitator_edit, name="facilitator-create"),
    path("facilitators/<int:pk>/", views.facilitator_detail, name="facilitator-detail"),
    path("facilitators/<int:pk>/edit/", views.facilitator_edit, name="facilitator-edit"),
    path("terms/", views.term_list, name="term-list"),
    path("terms/<int:pk>/", views.term_detail, name="term-detail"),
    path("cycles/", views.cycle_list, name="cycle-list"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle-detail"),
    path("offer/", views.offer_sheet, name="offer-sheet"),
    path("offer/slip/", views.offer_slip, name="offer-slip"),
    path("problems/", views.problem_list, name="problem-list"),
    path("problems/<int:pk>/resolve/", views.problem_resolve, name="problem-resolve"),
    path("sessions/<int:pk>/problem/", views.problem_report, name="problem-report"),
    path("sessions/<int:pk>/log/", views.session_log, name="session-log"),
    path("materials/", views.material_list, name="material-list"),
    path("materials/<int:pk>/decide/", views.material_decide, name="material-decide"),
    path("materials/<int:pk>/withdraw/", views.material_withdraw, name="material-withdraw"),
    path("cycles/<int:pk>/materials/new/", views.material_request, name="material-request"),
    path("authorisations/", views.renewal_list, name="renewal-list"),
    path("authorisations/<int:site_pk>/<int:facilitator_pk>/ask/", views.renewal_request, name="renewal-request"),
    path("authorisations/renewals/<int:pk>/answer/", views.renewal_answer, name="renewal-answer"),
]
