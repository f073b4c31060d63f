from django.urls import path

from core import login_views

from . import import_views, regime_views, site_views, staff_views, views

app_name = "prisons"
urlpatterns = [
    path("detainees/", views.detainee_list, name="detainee-list"),
    path("detainees/import/", import_views.detainee_import, name="detainee-import"),
    path("detainees/<int:pk>/", views.detainee_detail, name="detainee-detail"),
    path("detainees/<int:pk>/record/", views.detainee_access_record, name="detainee-access-record"),
    path("sites/", site_views.site_list, name="site-list"),
    path("sites/new/", site_views.site_form, name="site-new"),
    path("sites/<int:pk>/edit/", site_views.site_form, name="site-edit"),
    path("sites/<int:site_pk>/buildings/new/", site_views.building_form, name="building-new"),
    path("sites/<int:site_pk>/buildings/<int:pk>/edit/", site_views.building_form, name="building-edit"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/import/", staff_views.unit_import_page, name="unit-import"),
    path("units/import/template.<str:extension>", staff_views.unit_import_template, name="unit-import-template"),
    path("units/<int:pk>/regime/", regime_views.unit_regime, name="unit-regime"),
    path("sites/<int:site_id>/regime/", regime_views.site_regime, name="site-regime"),
    path("rooms/", views.room_list, name="room-list"),
    path("rooms/new/", staff_views.room_form, name="room-new"),
    path("rooms/import/", staff_views.room_import_page, name="room-import"),
    path("rooms/import/template.<str:extension>", staff_views.room_import_template, name="room-import-template"),
    path("rooms/<int:pk>/edit/", staff_views.room_form, name="room-edit"),
    path("rooms/<int:pk>/uses/", regime_views.room_uses, name="room-uses"),
    path("rooms/closures/", views.room_closures, name="room-closures"),
    path("rooms/closures/<int:pk>/reopen/", views.room_reopen, name="room-reopen"),
    path("staff/", staff_views.staff_list, name="staff-list"),
    path("staff/new/", staff_views.staff_form, name="staff-new"),
    path("staff/import/", staff_views.staff_import_page, name="staff-import"),
    path("staff/import/template.<str:extension>", staff_views.staff_import_template, name="staff-import-template"),
    path("staff/<int:pk>/edit/", staff_views.staff_form, name="staff-edit"),
    path("staff/<int:pk>/remove/", staff_views.staff_remove, name="staff-remove"),
    path("staff/<int:pk>/login/", login_views.give_login, {"kind": "staff"}, name="staff-login"),
    path("staff/<int:pk>/login/letter/", login_views.print_letter, {"kind": "staff"},
         name="staff-login-letter"),
    path("staff/<int:pk>/login/close/", login_views.close_login, {"kind": "staff"}, name="staff-login-close"),
    path("staff/logins/", login_views.invite_many, {"kind": "staff"}, name="staff-logins"),
    path("retention/", views.retention_page, name="retention"),
]
