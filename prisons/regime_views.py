"""Pages of a site's regime: the periods of each weekday, the units' escort limits and blocked times,
and the coming sessions that no longer fit them. Rules in `prisons.regime`."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import rules as access
from core.forms import add_service_errors

from . import regime
from .forms import BlockedPeriodFormSet, RegimeDayForm, UnitEscortForm
from .models import Weekday


def _visible_site(user, site_id):
    if not user.has_perm("prisons.view_reference_pages"):
        raise PermissionDenied
    return get_object_or_404(access.visible_sites(user), pk=site_id)


def _told_off_regime(request, site) -> None:
    count = len(regime.sessions_off_regime(site))
    if count:
        messages.warning(request, ngettext(
            "%(count)d coming session no longer fits the regime: it is listed below, to move or cancel.",
            "%(count)d coming sessions no longer fit the regime: they are listed below, to move or cancel.",
            count) % {"count": count})


@login_required
def site_regime(request, site_id):
    """The regime of a site; `?day=` opens the periods of that weekday for editing (coordinators)."""
    site = _visible_site(request.user, site_id)
    may_change = request.user.has_perm("prisons.change_reference", site)
    periods, units = regime.regime_of_site(site)
    form, day = None, None
    if may_change and ("day" in request.GET or request.method == "POST"):
        try:
            day = int(request.POST.get("day", request.GET.get("day", "")))
        except ValueError:
            day = Weekday.MONDAY
        day = day if day in Weekday.values else Weekday.MONDAY
        initial = {"weekdays": [day], "periods": regime.day_lines(periods.get(day, []))}
        form = RegimeDayForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                regime.set_day_periods(site, form.cleaned_data["weekdays"], form.cleaned_data["periods"],
                                       by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Periods saved. The planner uses them from the next planning."))
                _told_off_regime(request, site)
                return redirect("prisons:site-regime", site_id=site.pk)
    elif request.method == "POST":
        raise PermissionDenied
    off_regime = regime.sessions_off_regime(site)
    days = [(value, label, [(period, position > 0 and period.index > day_periods[position - 1].index + 1)
                            for position, period in enumerate(day_periods)])
            for value, label in Weekday.choices for day_periods in [periods.get(value, [])]]
    return render(request, "prisons/site_regime.html", {
        "site": site, "sites": access.visible_sites(request.user).order_by("name"), "days": days, "units": units,
        "may_change": may_change, "form": form, "day": day,
        "off_regime": off_regime, "terms_to_replan": sorted({o.session.cycle.term for o in off_regime},
                                                            key=lambda term: term.first_date),
    }, status=400 if form is not None and form.errors else 200)


@login_required
def room_uses(request, pk):
    """The weekly times a room is used by others, edited by the site's coordinators; the coming sessions
    already in them are listed on the site's regime page."""
    from . import rooms
    from .forms import RoomUseFormSet

    room = get_object_or_404(access.visible_rooms(request.user).select_related("site"), pk=pk)
    if not request.user.has_perm("prisons.change_reference", room.site):
        raise PermissionDenied
    current = [{"weekday": u.weekday, "start": u.start, "end": u.end, "label": u.label}
               for u in room.weekly_uses.order_by("weekday", "start")]
    formset = RoomUseFormSet(request.POST or None, initial=current, prefix="uses")
    errors = []
    if request.method == "POST" and formset.is_valid():
        rows = [rooms.UseRow(weekday=row.cleaned_data["weekday"], start=row.cleaned_data["start"],
                             end=row.cleaned_data["end"], label=row.cleaned_data["label"],
                             where=_("row %(number)d") % {"number": number})
                for number, row in enumerate(formset.forms, start=1)
                if row.cleaned_data and not row.cleaned_data.get("DELETE")]
        try:
            rooms.set_room_uses(room, rows, by=request.user)
        except ValidationError as error:
            errors = error.message_dict.get("weekly_uses", error.messages)
        else:
            messages.success(request, _("Saved. The planner keeps activities out of these times from the next "
                                        "planning."))
            _told_off_regime(request, room.site)
            return redirect(f"{reverse('prisons:site-regime', args=[room.site_id])}#off-regime")
    return render(request, "prisons/room_uses.html", {"room": room, "formset": formset, "errors": errors},
                  status=400 if request.method == "POST" else 200)


@login_required
def unit_regime(request, pk):
    """A unit's escort limit and weekly blocked times, edited by the site's coordinators."""
    unit = get_object_or_404(access.visible_units(request.user).select_related("site"), pk=pk)
    if not request.user.has_perm("prisons.change_reference", unit.site):
        raise PermissionDenied
    current = [{"weekday": b.weekday, "start": b.start, "end": b.end, "reason": b.reason, "label": b.label}
               for b in unit.blocked_periods.order_by("weekday", "start")]
    escort = UnitEscortForm(request.POST or None, initial={"escort_limit": unit.max_parallel_sessions})
    formset = BlockedPeriodFormSet(request.POST or None, initial=current, prefix="blocked")
    if request.method == "POST" and escort.is_valid() and formset.is_valid():
        rows = [
            regime.BlockedRow(weekday=row.cleaned_data["weekday"], start=row.cleaned_data["start"],
                              end=row.cleaned_data["end"], reason=row.cleaned_data["reason"],
                              label=row.cleaned_data.get("label", ""),
                              where=_("row %(number)d") % {"number": number})
            for number, row in enumerate(formset.forms, start=1)
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]
        try:
            regime.set_unit_regime(unit, escort_limit=escort.cleaned_data["escort_limit"], blocked=rows,
                                   by=request.user)
        except ValidationError as error:
            add_service_errors(escort, error)
        else:
            messages.success(request, _("Saved. The planner uses it from the next planning."))
            _told_off_regime(request, unit.site)
            return redirect(f"{reverse('prisons:site-regime', args=[unit.site_id])}#unit-{unit.pk}")
    return render(request, "prisons/unit_regime.html", {"unit": unit, "escort": escort, "formset": formset},
                  status=400 if request.method == "POST" else 200)
