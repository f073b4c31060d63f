from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api
from .closures_api import RoomClosureViewSet
from .regime_api import RoomUsesView, SiteRegimePeriodsView, SiteRegimeView, UnitRegimeView
from .retention_api import RetentionViewSet

router = SimpleRouter()
router.register("sites", api.SiteViewSet, basename="site")
router.register("buildings", api.BuildingViewSet, basename="building")
router.register("units", api.UnitViewSet, basename="unit")
router.register("rooms", api.RoomViewSet, basename="room")
router.register("room-closures", RoomClosureViewSet, basename="room-closure")
router.register("regime-periods", api.RegimePeriodViewSet, basename="regime-period")
router.register("blocked-periods", api.BlockedPeriodViewSet, basename="blocked-period")
router.register("staff-members", api.StaffMemberViewSet, basename="staff-member")
router.register("detainees", api.DetaineeViewSet, basename="detainee")
router.register("retention-runs", RetentionViewSet, basename="retention-run")
urlpatterns = [
    path("sites/<int:site_id>/regime/", SiteRegimeView.as_view(), name="site-regime"),
    path("sites/<int:site_id>/regime/periods/", SiteRegimePeriodsView.as_view(), name="site-regime-periods"),
    path("units/<int:unit_id>/regime/", UnitRegimeView.as_view(), name="unit-regime"),
    path("rooms/<int:room_id>/weekly-uses/", RoomUsesView.as_view(), name="room-weekly-uses"),
    *router.urls,
]
