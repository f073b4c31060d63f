"""Calendar feed tokens: issue, revoke, regenerate, look up by hash, render.

A token is shown once, when issued; only its SHA-256 is stored. A feed works while it is not
revoked, its owner's account is active and the owner may still see its target; deactivating an
account revokes its feeds for good at once (a `post_save` signal, connected in `apps.py`).
"""
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import rules as access

from . import ical
from .calendars import room_label, sessions_of_target
from .models import FeedKind, FeedToken

# Subscribed calendars keep a finished term this long, so past sessions don't vanish at once.
FEED_KEEPS_ENDED_TERMS_DAYS = 30
# last_used_at is a hint for the owner ("still in use?"), not a log: write it at most this often.
LAST_USED_RESOLUTION = dt.timedelta(hours=1)


@dataclass
class IssuedFeed:
    feed: FeedToken
    token: str  # shown once, never stored

    @property
    def path(self) -> str:
        from django.urls import reverse

        return reverse("calendars:feed", args=[self.token])


def target_of(feed: FeedToken):
    return getattr(feed, feed.kind)


def target_label(kind: str, target) -> str:
    labels = {
        FeedKind.FACILITATOR: _("Calendar of %(name)s"),
        FeedKind.UNIT: _("Unit %(name)s"),
        FeedKind.ROOM: _("Room %(name)s"),
        FeedKind.SITE: _("Site %(name)s"),
    }
    if kind == FeedKind.UNIT:
        name = f"{target.code} – {target.name}"
    elif kind == FeedKind.ROOM:
        name = room_label(target)
    else:
        name = str(target)
    return str(labels[kind] % {"name": name})


def may_subscribe(user, kind: str, target) -> bool:
    """The same rule as opening that calendar page."""
    if not (user and user.is_authenticated and user.is_active) or target is None:
        return False
    if kind == FeedKind.FACILITATOR:
        return access.visible_facilitators(user).filter(pk=target.pk).exists() and user.has_perm(
            "activities.view_facilitator", target
        )
    if kind in (FeedKind.UNIT, FeedKind.ROOM, FeedKind.SITE):
        return user.has_perm("scheduling.view_schedule", target)
    return False


def issue_feed(user, kind: str, target, *, language: str | None = None) -> IssuedFeed:
    if kind not in FeedKind.values:
        raise ValidationError({"kind": _("Unknown feed kind.")})
    if not may_subscribe(user, kind, target):
        raise PermissionDenied(_("You may not subscribe to this calendar."))
    language = language or user.language or "fr"
    if language not in ("fr", "nl", "en"):
        raise ValidationError({"language": _("Choose French, Dutch or English.")})
    token = FeedToken.new_token()
    feed = FeedToken.objects.create(
        owner=user, kind=kind, token_hash=FeedToken.hash_token(token), language=language, **{kind: target}
    )
    return IssuedFeed(feed, token)


def revoke_feed(user, feed: FeedToken) -> None:
    if not user.has_perm("scheduling.manage_feed", feed):
        raise PermissionDenied(_("You may not revoke this calendar feed."))
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])


@transaction.atomic
def regenerate_feed(user, feed: FeedToken) -> IssuedFeed:
    """A new secret for the same owner and target; the old URL stops working at once."""
    if not user.has_perm("scheduling.manage_feed", feed):
        raise PermissionDenied(_("You may not regenerate this calendar feed."))
    feed = FeedToken.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    token = FeedToken.new_token()
    new_feed = FeedToken.objects.create(
        owner=feed.owner, kind=feed.kind, token_hash=FeedToken.hash_token(token), language=feed.language,
        facilitator=feed.facilitator, unit=feed.unit, room=feed.room, site=feed.site,
    )
    return IssuedFeed(new_feed, token)


def revoke_feeds_of(owner) -> int:
    """Revoke every working feed of this account (deactivated accounts: reactivating resurrects none)."""
    return FeedToken.objects.filter(owner=owner, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_feeds_of_deactivated_account(sender, instance, raw=False, **kwargs):
    """`post_save` of the user model: an account saved inactive loses its feeds at once."""
    if not raw and not instance.is_active:
        revoke_feeds_of(instance)


def active_feeds(user):
    """Feeds the user may manage that still work (own first)."""
    return access.visible_feed_tokens(user).filter(revoked_at__isnull=True).order_by("-created_at")


def feed_for_token(token: str) -> FeedToken | None:
    """The working feed for a secret from a URL, or None (unknown, revoked, owner gone)."""
    if not token or len(token) > 100:
        return None
    feed = (
        FeedToken.objects.select_related("owner", "facilitator", "unit", "room", "room__building", "site")
        .filter(token_hash=FeedToken.hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        return None
    if not feed.owner.is_active:  # deactivated without a save signal (a queryset update)
        revoke_feeds_of(feed.owner)
        return None
    if not may_subscribe(feed.owner, feed.kind, target_of(feed)):
        return None
    return feed


def feed_sessions(feed: FeedToken, *, today: dt.date | None = None):
    today = today or timezone.localdate()
    keep_from = today - dt.timedelta(days=FEED_KEEPS_ENDED_TERMS_DAYS)
    return sessions_of_target(feed.owner, feed.kind, target_of(feed)).filter(cycle__term__last_date__gte=keep_from)


def feed_etag(feed: FeedToken, *, today: dt.date | None = None) -> str:
    """Changes whenever a session of the feed is published again (time, room, status) or added,
    and every day (the feed's window moves); one aggregate query."""
    today = today or timezone.localdate()
    summary = feed_sessions(feed, today=today).aggregate(
        count=Count("pk", distinct=True), last=Max("updated_at"), sequences=Sum("sequence"),
    )
    text = f"{feed.token_hash}|{feed.language}|{today}|{summary['count']}|{summary['last']}|{summary['sequences']}"
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def record_use(feed: FeedToken) -> None:
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > LAST_USED_RESOLUTION:
        FeedToken.objects.filter(pk=feed.pk).update(last_used_at=now)


def render_feed(feed: FeedToken, *, today: dt.date | None = None) -> bytes:
    unit = feed.unit if feed.kind == FeedKind.UNIT else None
    events = ical.feed_events(feed_sessions(feed, today=today), feed.language, unit=unit)
    with translation.override(feed.language):
        name = target_label(feed.kind, target_of(feed))
    return ical.to_ical(events, name=f"Relais · {name}", language=feed.language)
