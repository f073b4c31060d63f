from rest_framework.routers import SimpleRouter

from .api import DraftViewSet, PublicationViewSet, SolverRunViewSet
from .feeds_api import FeedViewSet

router = SimpleRouter()
router.register("calendar-feeds", FeedViewSet, basename="calendar-feed")
router.register("planning/runs", SolverRunViewSet, basename="solver-run")
router.register("planning/draft", DraftViewSet, basename="draft-session")
router.register("planning/publications", PublicationViewSet, basename="publication")
urlpatterns = router.urls
