from django.urls import path
from rest_framework.routers import SimpleRouter

from .answers_api import ApplicationAnswerViewSet
from .api import ApplicationViewSet, LeavingReasonViewSet, WaitingListViewSet
from .attendance_api import AttendanceViewSet, RegisterViewSet
from .evaluation_api import (
    CycleReviewViewSet,
    EvaluationSheetViewSet,
    IndicatorViewSet,
    YearReportView,
)
from .feedback_api import FeedbackInterviewViewSet
from .missed_notes_api import MissedSessionsNoteViewSet

router = SimpleRouter()
router.register("applications", ApplicationViewSet, basename="application")
router.register("application-answers", ApplicationAnswerViewSet, basename="application-answer")
router.register("waiting-lists", WaitingListViewSet, basename="waiting-list")
router.register("leaving-reasons", LeavingReasonViewSet, basename="leaving-reason")
router.register("registers", RegisterViewSet, basename="register")
router.register("attendance", AttendanceViewSet, basename="attendance")
router.register("indicators", IndicatorViewSet, basename="indicators")
router.register("cycle-reviews", CycleReviewViewSet, basename="cycle-review")
router.register("evaluation-sheets", EvaluationSheetViewSet, basename="evaluation-sheet")
router.register("missed-sessions-notes", MissedSessionsNoteViewSet, basename="missed-sessions-note")
router.register("feedback-interviews", FeedbackInterviewViewSet, basename="feedback-interview")
urlpatterns = [*router.urls, path("year-report/", YearReportView.as_view(), name="year-report")]
