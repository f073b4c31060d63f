from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import DraftViewSet, PublicationViewSet, SolverRunViewSet
from .feeds_api import FeedViewSet
from .notices_api import (
               ChangeNoticeViewSet,
               GateNoticeViewSet,
               StaffNoticeViewSet,
               UnsentEmailViewSet,
)
from .week_api import SiteMovementsView, WeekSlipsView, WeekView

router = SimpleRouter()
router.register("calendar-feeds", FeedViewSet, basename="calendar-feed")
router.register("change-notices", ChangeNoticeViewSet, basename="change-notice")
router.register("staff-notices", StaffNoticeViewSet, basename="staff-notice")
router.register("gate-notices", GateNoticeViewSet, basename="gate-notice")
router.register("unsent-emails", UnsentEmailViewSet, basename="unsent-email")
router.register("planning/runs", SolverRunViewSet, basename="solver-run")
router.register("planning/draft", DraftViewSet, basename="draft-session")
router.register("planning/publications", PublicationViewSet, basename="publication")
urlpatterns = [*router.urls, path("week-summary/", WeekView.as_view(), name="week-summary"),
               path("week-slips/", WeekSlipsView.as_view(), name="week-slips"),
               path("site-movements/", SiteMovementsView.as_view(), name="site-movements")]
