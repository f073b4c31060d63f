"""Calendar pages, iCal downloads and feeds, movement and gate lists. Thin: parse, authorise, call."""
import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from activities.availability import term_to_confirm_for
from core import audit
from core import rules as access

from . import calendars, feeds, ical, lists
from .models import FeedKind

XLSX = lists.XLSX_CONTENT_TYPE
# A rendered feed is reused while its ETag holds; a bound on staleness after renaming a room or
# an activity, which does not touch the sessions.
FEED_CACHE_SECONDS = 600


def _day_from(request) -> dt.date:
    value = request.GET.get("date", "")
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            messages.warning(request, _("“%(value)s” is not a date (YYYY-MM-DD); showing today.") % {"value": value[:20]})
    return timezone.localdate()


def _language(request) -> str:
    return (translation.get_language() or "fr")[:2]


def _calendar_context(request, kind, target, *, participants: bool, heading: str, default_span="week"):
    span = request.GET.get("span", default_span)
    view = request.GET.get("view", "week")
    period = calendars.Period.around(_day_from(request), span)
    if view == "list":
        sessions = calendars.upcoming_sessions(request.user, kind, target)
    else:
        sessions = calendars.calendar_sessions(request.user, kind, target, period.first, period.last)
    who = calendars.participants_by_cycle(request.user, {s.cycle_id for s in sessions}) if participants else {}
    items = calendars.entries(sessions, language=_language(request), participants=who,
                              unit=target if kind == FeedKind.UNIT else None)
    # a facilitator's calendar shows the days they said they would be away
    away = calendars.absences_by_day(target, period.first, period.last) if kind == FeedKind.FACILITATOR else {}
    return {
        "kind": kind, "target": target, "heading": heading, "period": period, "view": view,
        "entries": items,
        "days": [(day, day_items, away.get(day, [])) for day, day_items in calendars.entries_by_day(items, period.days)],
        "show_participants": participants, "today": timezone.localdate(),
        "may_subscribe": feeds.may_subscribe(request.user, kind, target),
    }


@login_required
def my_calendar(request):
    facilitator = getattr(request.user, "facilitator", None)
    if facilitator is None:
        if request.user.has_perm("activities.view_facilitator_list") or access.is_prison_staff(request.user):
            return redirect("calendars:schedules")
        raise Http404(_("You have no facilitator calendar."))
    context = _calendar_context(request, FeedKind.FACILITATOR, facilitator, participants=True, heading=_("My calendar"))
    context["changes"] = calendars.recent_changes(request.user, facilitator)
    context["own_calendar"] = True
    context["term_to_confirm"] = term_to_confirm_for(facilitator)
    return render(request, "scheduling/calendar_facilitator.html", context)


@login_required
def facilitator_calendar(request, pk):
    facilitator = get_object_or_404(access.visible_facilitators(request.user), pk=pk)
    if not request.user.has_perm("activities.view_facilitator", facilitator):
        raise Http404
    heading = _("Calendar of %(name)s") % {"name": facilitator}
    context = _calendar_context(request, FeedKind.FACILITATOR, facilitator, participants=True, heading=heading)
    return render(request, "scheduling/calendar_facilitator.html", context)


@login_required
def facilitator_hours(request, pk):
    """The sessions a facilitator led and the hours they gave in a year, with an attestation to print."""
    from activities.volunteer_hours import hours_of

    facilitator = get_object_or_404(access.visible_facilitators(request.user), pk=pk)
    if not request.user.has_perm("activities.view_facilitator", facilitator):
        raise Http404
    today = timezone.localdate()
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= today.year else today.year
    return render(request, "scheduling/facilitator_hours.html", {
        "record": hours_of(facilitator, year, language=_language(request)), "today": today,
        "years": list(range(today.year, today.year - 5, -1)),
        "own": getattr(request.user, "facilitator", None) == facilitator,
    })


def _schedule_target(user, kind, pk):
    scopes = {"unit": access.visible_units, "room": access.visible_rooms, "site": access.visible_sites}
    if kind not in scopes:
        raise Http404
    target = get_object_or_404(scopes[kind](user), pk=pk)
    if not user.has_perm("scheduling.view_schedule", target):
        raise Http404
    return target


@login_required
def schedule(request, kind, pk):
    target = _schedule_target(request.user, kind, pk)
    context = _calendar_context(
        request, kind, target, participants=False, heading=feeds.target_label(kind, target), default_span="day"
    )
    return render(request, "scheduling/calendar_schedule.html", context)


@login_required
def schedules(request):
    """Where staff and coordinators pick a unit, room or site, and its movement or gate list."""
    user = request.user
    sites = [s for s in access.visible_sites(user) if user.has_perm("scheduling.view_schedule", s)]
    if not sites:
        if getattr(user, "facilitator", None) is not None:
            return redirect("calendars:my-calendar")
        raise Http404
    site_ids = [s.pk for s in sites]
    return render(request, "scheduling/calendar_index.html", {
        "sites": sites,
        "units": access.visible_units(user).filter(site__in=site_ids).order_by("site__name", "code"),
        "rooms": access.visible_rooms(user).filter(site__in=site_ids, active=True).order_by("site__name", "name"),
        "today": timezone.localdate(),
    })


@login_required
@require_GET
def session_ics(request, uuid):
    session = get_object_or_404(access.visible_sessions(request.user), uuid=uuid)
    events = ical.feed_events(access.visible_sessions(request.user).filter(pk=session.pk), _language(request))
    body = ical.to_ical(events, name=f"Relais · {events[0].title}", language=_language(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="relais-{session.uuid}.ics"'
    return response


@require_GET
def feed(request, token):
    """The subscription URL: no sign-in, the secret in the path is the key."""
    subscription = feeds.feed_for_token(token)
    if subscription is None:
        raise Http404
    feeds.record_use(subscription)
    etag = feeds.feed_etag(subscription)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        cache_key = f"relais-feed:{subscription.token_hash}:{etag}"
        body = cache.get(cache_key)
        if body is None:
            body = feeds.render_feed(subscription)
            cache.set(cache_key, body, FEED_CACHE_SECONDS)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


class IssueFeedForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Feed of"), choices=FeedKind.choices)
    target = forms.IntegerField(label=gettext_lazy("Target"), min_value=1)


def resolve_feed_target(user, kind, pk):
    """The facilitator, unit, room or site a user asks a feed for, within what they may see."""
    scopes = {
        FeedKind.FACILITATOR: access.visible_facilitators, FeedKind.UNIT: access.visible_units,
        FeedKind.ROOM: access.visible_rooms, FeedKind.SITE: access.visible_sites,
    }
    return scopes[kind](user).filter(pk=pk).first()


def _feeds_page(request, issued=None, status=200):
    active = list(feeds.active_feeds(request.user))
    own = [f for f in active if f.owner_id == request.user.pk]
    others = [f for f in active if f.owner_id != request.user.pk]
    context = {
        "own_feeds": [(f, feeds.target_label(f.kind, feeds.target_of(f))) for f in own],
        "other_feeds": [(f, feeds.target_label(f.kind, feeds.target_of(f))) for f in others],
        "issued": issued,
        "issued_url": request.build_absolute_uri(issued.path) if issued else "",
        "facilitator": getattr(request.user, "facilitator", None),
    }
    return render(request, "scheduling/calendar_feeds.html", context, status=status)


@login_required
def my_feeds(request):
    if request.method != "POST":
        return _feeds_page(request)
    form = IssueFeedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a calendar to subscribe to."))
        return _feeds_page(request, status=400)
    kind = form.cleaned_data["kind"]
    target = resolve_feed_target(request.user, kind, form.cleaned_data["target"])
    try:
        issued = feeds.issue_feed(request.user, kind, target)
    except (PermissionDenied, ValidationError):
        raise Http404 from None
    return _feeds_page(request, issued=issued)


def _managed_feed(user, pk):
    feed_token = get_object_or_404(access.visible_feed_tokens(user), pk=pk, revoked_at__isnull=True)
    if not user.has_perm("scheduling.manage_feed", feed_token):
        raise Http404
    return feed_token


@login_required
@require_POST
def feed_revoke(request, pk):
    feeds.revoke_feed(request.user, _managed_feed(request.user, pk))
    messages.success(request, _("The feed is revoked: its address no longer works."))
    return redirect("calendars:my-feeds")


@login_required
@require_POST
def feed_regenerate(request, pk):
    issued = feeds.regenerate_feed(request.user, _managed_feed(request.user, pk))
    return _feeds_page(request, issued=issued)


@login_required
def movement_list(request, unit_pk):
    unit = get_object_or_404(access.visible_units(request.user), pk=unit_pk)
    if not request.user.has_perm("scheduling.view_movement_list", unit):
        raise Http404
    day = _day_from(request)
    rows = lists.movement_rows(request.user, unit, day, language=_language(request))
    if request.GET.get("format") == "xlsx":
        audit.record_export(request.user, "movement_list", detail=f"unit={unit.pk} date={day.isoformat()} rows={len(rows)}")
        title = _("Movements %(unit)s %(date)s") % {"unit": unit.code, "date": day.isoformat()}
        response = HttpResponse(lists.movement_xlsx(rows, title=title), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="movements-{unit.code}-{day.isoformat()}.xlsx"'
        return response
    return render(request, "scheduling/list_movements.html", {
        "unit": unit, "day": day, "rows": rows,
        "cancelled": [(s, calendars.room_label(s.room), s.cycle.activity.title(_language(request)))
                      for s in lists.cancelled_sessions_on(request.user, unit, day)],
        "moved_away": [(s, s.first_planned_local,
                        s.starts_at.astimezone(calendars.BRUSSELS), calendars.room_label(s.room),
                        s.cycle.activity.title(_language(request)))
                       for s in lists.moved_away_on(request.user, unit, day)],
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
    })


@login_required
def unit_changes_notice(request, unit_pk):
    """This week's activities of a unit that are off or moved, as a notice for its detainees to post on
    the wing's board, in the language chosen (the page around it stays in the reader's)."""
    from django.template.loader import render_to_string

    from .unit_changes import unit_changes

    unit = get_object_or_404(access.visible_units(request.user).select_related("site"), pk=unit_pk)
    if not request.user.has_perm("scheduling.view_movement_list", unit):
        raise Http404
    monday = calendars.monday_of(_day_from(request))
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = _language(request)
    with translation.override(language):
        notice = render_to_string("scheduling/_unit_changes_notice.html", {
            "unit": unit, "monday": monday, "sunday": monday + dt.timedelta(days=6), "language": language,
            "changes": unit_changes(request.user, unit, monday, language=language),
            "printed_on": timezone.localdate(),
        })
    return render(request, "scheduling/unit_changes.html", {
        "unit": unit, "monday": monday, "language": language, "languages": settings.LANGUAGES, "notice": notice,
        "previous": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
    })


@login_required
def week_slips(request, unit_pk):
    """Each detainee's activities of the week, a slip each in their language, for the unit's officers."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from .week_slips import week_slips as slips_of

    unit = get_object_or_404(access.visible_units(request.user), pk=unit_pk)
    if not request.user.has_perm("scheduling.view_movement_list", unit):
        raise Http404
    monday = calendars.monday_of(_day_from(request))
    slips = slips_of(request.user, unit, monday)
    audit.record_export(request.user, "week_slips", detail=f"unit={unit.pk} week={monday.isoformat()} slips={len(slips)}")
    pages = []
    for slip in slips:
        with translation.override(slip.language):
            pages.append(render_to_string("scheduling/_week_slip.html", {
                "slip": slip, "unit": unit, "monday": monday, "sunday": monday + dt.timedelta(days=6),
            }))
    return render(request, "scheduling/week_slips.html", {
        "unit": unit, "monday": monday, "slips": mark_safe("".join(pages)),  # noqa: S308 (rendered templates)
        "count": len(slips), "previous": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
    })


@login_required
def site_movements(request, site_pk):
    """The site's movements of the day by departure time, for whoever organises the escorts."""
    from .site_movements import site_movements as movements_of

    site = get_object_or_404(access.visible_sites(request.user), pk=site_pk)
    if not request.user.has_perm("scheduling.view_movement_list", site):
        raise Http404
    day = _day_from(request)
    movements = movements_of(request.user, site, day, language=_language(request))
    audit.record_export(request.user, "site_movements", detail=f"site={site.pk} date={day.isoformat()}")
    return render(request, "scheduling/site_movements.html", {
        "site": site, "day": day, "movements": movements,
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
    })


@login_required
def gate_list(request, site_pk):
    site = get_object_or_404(access.visible_sites(request.user), pk=site_pk)
    if not request.user.has_perm("scheduling.view_gate_list", site):
        raise Http404
    day = _day_from(request)
    rows = lists.gate_rows(request.user, site, day, language=_language(request))
    if request.GET.get("format") == "xlsx":
        audit.record_export(request.user, "gate_list", detail=f"site={site.pk} date={day.isoformat()} rows={len(rows)}")
        title = _("Gate %(site)s %(date)s") % {"site": site.code, "date": day.isoformat()}
        response = HttpResponse(lists.gate_xlsx(rows, title=title), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="gate-{site.code}-{day.isoformat()}.xlsx"'
        return response
    return render(request, "scheduling/list_gate.html", {
        "site": site, "day": day, "rows": rows, "findings": lists.gate_quota_findings(site, [day]),
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
    })


@login_required
def my_emails(request):
    """A facilitator or a staff member chooses what Relais e-mails them: a facilitator the changes to
    their sessions and a reminder the day before; a staff member the changes to their units' sessions."""
    from activities.services import set_email_preferences
    from prisons.staff import set_email_changes

    from .outbox import refused_to

    facilitator = getattr(request.user, "facilitator", None)
    member = getattr(request.user, "staff_member", None)
    if facilitator is None and member is None:
        raise Http404(_("Relais sends you no e-mail of its own."))
    if request.method == "POST":
        if facilitator is not None:
            set_email_preferences(facilitator, changes=bool(request.POST.get("changes")),
                                  reminders=bool(request.POST.get("reminders")), by=request.user)
        if member is not None:
            set_email_changes(member, bool(request.POST.get("staff_changes")), by=request.user)
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("calendars:my-emails")
    address = (facilitator.email if facilitator is not None else "") or (member.email if member is not None else "")
    return render(request, "scheduling/my_emails.html", {"facilitator": facilitator, "member": member,
                                                         "address": address, "refused": refused_to(request.user)})


@login_required
def my_details(request):
    """A facilitator keeps how to reach them and what they bring; the rest of their record is shown."""
    from activities.own_details import change_own_email, update_own_details

    facilitator = getattr(request.user, "facilitator", None)
    if facilitator is None:
        raise Http404(_("Only facilitators keep their details here."))
    errors, typed = {}, {}
    if request.method == "POST":
        typed = request.POST
        try:
            if request.POST.get("form") == "email":
                change_own_email(facilitator, by=request.user, email=request.POST.get("email", ""),
                                 password=request.POST.get("password", ""))
                messages.success(request, _("Your e-mail address is changed: Relais writes to it from now on."))
            else:
                update_own_details(facilitator, by=request.user, phone=request.POST.get("phone", ""),
                                   languages=request.POST.get("languages", "").replace(";", ",").split(","),
                                   skills=request.POST.get("skills", ""))
                messages.success(request, _("Your details are saved."))
        except ValidationError as error:
            errors = error.message_dict
        else:
            return redirect("calendars:my-details")
    today = timezone.localdate()
    badge_ends = facilitator.authorisation_valid_until
    return render(request, "scheduling/my_details.html", {
        "facilitator": facilitator, "errors": errors, "typed": typed,
        "sites": list(facilitator.sites.order_by("name")),
        "badge_days_left": (badge_ends - today).days if badge_ends else None,
    }, status=400 if errors else 200)


@login_required
def unsent_emails(request):
    """The e-mails the mail server refused: whom to phone meanwhile, and another try once it is back."""
    from .outbox import WAITING_ALERT, request_retry, waiting_too_long

    if not request.user.has_perm("scheduling.view_unsent_emails"):
        raise PermissionDenied
    rows = access.visible_unsent_emails(request.user)
    if request.method == "POST":
        request_retry()
        messages.success(request, _("Relais is trying again to send them. Reload this page in a minute: what is "
                                    "still listed could not be sent."))
        return redirect("calendars:unsent-emails")
    return render(request, "scheduling/unsent_emails.html", {
        "rows": rows.order_by("first_failed_at", "pk"), "waiting": waiting_too_long(request.user),
        "alert_minutes": int(WAITING_ALERT.total_seconds() // 60)})


@login_required
def my_absences(request):
    """A facilitator declares the dates they will be away and sees at once the sessions it hits."""
    from activities import absences
    from activities.forms import AbsenceForm
    from activities.models import AvailabilityException
    from core.forms import add_service_errors

    facilitator = getattr(request.user, "facilitator", None)
    if facilitator is None:
        raise Http404(_("You have no facilitator calendar."))
    form = AbsenceForm(request.POST or None)
    if request.method == "POST" and request.POST.get("withdraw"):
        absence = get_object_or_404(AvailabilityException, pk=request.POST["withdraw"], facilitator=facilitator)
        try:
            absences.withdraw_absence(absence, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Absence taken back."))
        return redirect("calendars:my-absences")
    if request.method == "POST" and form.is_valid():
        try:
            absence = absences.declare_absence(facilitator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            hit = absences.sessions_hit(facilitator, [absence])[absence.pk]
            messages.success(request, _("Absence recorded; your coordinators see it.") if not hit else _(
                "Absence recorded. It hits %(count)d of your sessions: your coordinators will move or cancel them, "
                "and you will be told.") % {"count": len(hit)})
            return redirect("calendars:my-absences")
    today = timezone.localdate()
    upcoming = list(absences.upcoming_absences(facilitator, today))
    hits = absences.sessions_hit(facilitator, upcoming)
    return render(request, "scheduling/my_absences.html", {
        "form": form, "rows": [(absence, hits.get(absence.pk, [])) for absence in upcoming],
    }, status=400 if form.is_bound and form.errors else 200)


class WeeklyAvailabilityForm(forms.Form):
    availability = forms.CharField(
        label=gettext_lazy("When you can lead sessions, week after week"), required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=gettext_lazy("One time a line: a weekday and hours, e.g. “Tuesday 13:30-16:30”; a star at the end "
                               "marks the times you prefer. Leave it empty to say nothing (any time)."))


@login_required
def my_availability(request):
    """A facilitator keeps their weekly availability up to date and sees at once the coming sessions it no
    longer covers (the coordinators see them too)."""
    from activities import availability
    from core.forms import add_service_errors

    facilitator = getattr(request.user, "facilitator", None)
    if facilitator is None:
        raise Http404(_("You have no facilitator calendar."))
    if request.method == "POST" and request.POST.get("confirm"):
        availability.confirm_weekly_availability(facilitator, by=request.user)
        messages.success(request, _("Thank you: your weekly availability stands as it is."))
        return redirect("calendars:my-availability")
    form = WeeklyAvailabilityForm(request.POST or None,
                                  initial={"availability": availability.availability_text(facilitator)})
    if request.method == "POST" and form.is_valid():
        try:
            availability.set_weekly_availability(facilitator, form.cleaned_data["availability"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            outside = availability.sessions_outside_availability(facilitator=facilitator)
            messages.success(request, _("Weekly availability saved; the next planning follows it.") if not outside
                             else _("Weekly availability saved. %(count)d of your coming sessions fall outside it: "
                                    "your coordinators see them, to find someone else, move or cancel them; until "
                                    "they do, you are still expected (or declare an absence).")
                             % {"count": len(outside)})
            return redirect("calendars:my-availability")
    return render(request, "scheduling/my_availability.html", {
        "form": form, "outside": availability.sessions_outside_availability(facilitator=facilitator),
        "term_to_confirm": availability.term_to_confirm_for(facilitator),
        "confirmed_at": facilitator.availability_confirmed_at,
    }, status=400 if form.is_bound and form.errors else 200)


@login_required
def week_at_a_glance(request, site_pk):
    """The site's week for the meeting with the direction and the prison's services."""
    from .week import week_summary

    site = get_object_or_404(access.visible_sites(request.user), pk=site_pk)
    if not request.user.has_perm("scheduling.view_gate_list", site):
        raise Http404
    summary = week_summary(request.user, site, _day_from(request))
    return render(request, "scheduling/week.html", {
        "site": site, "summary": summary, "previous": summary.monday - dt.timedelta(days=7),
        "next": summary.monday + dt.timedelta(days=7), "sunday": summary.monday + dt.timedelta(days=6),
    })
