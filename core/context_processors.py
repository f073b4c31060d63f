from django.conf import settings


def navigation(request):
    """What the base template needs on every page: languages and the user's role."""
    user = getattr(request, "user", None)
    return {
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "user_role": getattr(user, "role", "") if user and user.is_authenticated else "",
    }
