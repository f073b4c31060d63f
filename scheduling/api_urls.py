from rest_framework.routers import SimpleRouter

from .feeds_api import FeedViewSet

router = SimpleRouter()
router.register("calendar-feeds", FeedViewSet, basename="calendar-feed")
urlpatterns = router.urls
