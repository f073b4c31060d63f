from rest_framework.routers import SimpleRouter

from .api import ApplicationViewSet, LeavingReasonViewSet, WaitingListViewSet

router = SimpleRouter()
router.register("applications", ApplicationViewSet, basename="application")
router.register("waiting-lists", WaitingListViewSet, basename="waiting-list")
router.register("leaving-reasons", LeavingReasonViewSet, basename="leaving-reason")
urlpatterns = router.urls
