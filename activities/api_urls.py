from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("partners", api.PartnerViewSet, basename="partner")
router.register("facilitators", api.FacilitatorViewSet, basename="facilitator")
router.register("activities", api.ActivityViewSet, basename="activity")
router.register("terms", api.TermViewSet, basename="term")
router.register("cycles", api.CycleViewSet, basename="cycle")
router.register("sessions", api.SessionViewSet, basename="session")
urlpatterns = router.urls
