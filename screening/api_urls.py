from rest_framework.routers import SimpleRouter

from .api import InterviewViewSet

router = SimpleRouter()
router.register("screening-interviews", InterviewViewSet, basename="screening-interview")
urlpatterns = router.urls
