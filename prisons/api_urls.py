from rest_framework.routers import SimpleRouter

from . import api
from .closures_api import RoomClosureViewSet
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
urlpatterns = router.urls
