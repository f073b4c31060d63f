from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api
from .absences_api import AbsenceViewSet
from .materials_api import MaterialViewSet
from .own_details_api import OwnDetailsView, OwnEmailView
from .partner_documents_api import PartnerDocumentViewSet
from .problems_api import ProblemViewSet
from .recruitment_api import CandidateViewSet
from .renewals_api import RenewalViewSet
from .session_logs_api import SessionLogViewSet

router = SimpleRouter()
router.register("partners", api.PartnerViewSet, basename="partner")
router.register("facilitators", api.FacilitatorViewSet, basename="facilitator")
router.register("activities", api.ActivityViewSet, basename="activity")
router.register("terms", api.TermViewSet, basename="term")
router.register("cycles", api.CycleViewSet, basename="cycle")
router.register("sessions", api.SessionViewSet, basename="session")
router.register("session-problems", ProblemViewSet, basename="session-problem")
router.register("cycle-materials", MaterialViewSet, basename="cycle-material")
router.register("authorisation-renewals", RenewalViewSet, basename="authorisation-renewal")
router.register("session-logs", SessionLogViewSet, basename="session-log")
router.register("volunteer-candidates", CandidateViewSet, basename="volunteer-candidate")
router.register("absences", AbsenceViewSet, basename="absence")
router.register("partner-documents", PartnerDocumentViewSet, basename="partner-document")
urlpatterns = [
    *router.urls,
    path("my-details/", OwnDetailsView.as_view(), name="my-details"),
    path("my-details/email/", OwnEmailView.as_view(), name="my-details-email"),
]
