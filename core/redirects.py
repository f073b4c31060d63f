"""Where a form posted from several pages goes back to."""
from django.utils.http import url_has_allowed_host_and_scheme


def next_or(request, fallback: str) -> str:
    """The page the form came from (`next`, when it is one of ours), else `fallback` (a URL or a URL name)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback
