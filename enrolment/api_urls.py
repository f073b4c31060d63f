from rest_framework.routers import SimpleRouter

from .api import ApplicationViewSet, LeavingReasonViewSet, WaitingListViewSet
from .attendance_api import AttendanceViewSet, RegisterViewSet

router = SimpleRouter()
router.register("applications", ApplicationViewSet, basename="application")
router.register("waiting-lists", WaitingListViewSet, basename="waiting-list")
router.register("leaving-reasons", LeavingReasonViewSet, basename="leaving-reason")
router.register("registers", RegisterViewSet, basename="register")
router.register("attendance", AttendanceViewSet, basename="attendance")
urlpatterns = router.urls
