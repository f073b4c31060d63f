"""Pages of the prison staff directory (step 7) and of the rooms (step 8). Rules in `prisons.staff` and
`prisons.rooms`."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import rules as access
from core.forms import add_service_errors
from core.login_views import login_section
from core.logins import with_login_states, without_login, without_login_nor_email

from . import room_import, rooms, staff, staff_import, unit_import
from .forms import RoomForm, StaffMemberForm
from .list_import_views import ListImport, site_import_views


def _sites(user):
    if not user.has_perm("prisons.view_reference_pages"):
        raise PermissionDenied
    return list(access.visible_sites(user).order_by("name"))


def _to_change(request, scope, pk):
    """(the object `pk` of `scope` and its site, or None and the site `?site=` names for a new one), for
    a coordinator of that site; anyone else is refused."""
    sites = _sites(request.user)
    if pk is None:
        found, site = None, next((s for s in sites if str(s.pk) == request.GET.get("site", "")), None)
    else:
        found = get_object_or_404(scope, pk=pk)
        site = found.site
    if site is None or not request.user.has_perm("prisons.change_reference", site):
        raise PermissionDenied
    return found, site


def _list_url(site_id) -> str:
    return f"{reverse('prisons:staff-list')}?site={site_id}"


@login_required
def staff_list(request):
    sites = _sites(request.user)
    if not sites:
        raise PermissionDenied
    site = next((s for s in sites if str(s.pk) == request.GET.get("site", "")), sites[0])
    members = with_login_states(staff.staff_of_site(site))
    may_change = request.user.has_perm("prisons.change_reference", site)
    return render(request, "prisons/staff_list.html", {
        "sites": sites, "site": site, "members": members, "not_told": staff.not_told(members),
        "may_change": may_change, "to_invite": len(without_login(members)) if may_change else 0,
        "to_print": len(without_login_nor_email(members)) if may_change else 0,
    })


@login_required
def staff_form(request, pk=None):
    """Add a staff member (`?site=`) or change one."""
    member, site = _to_change(request, access.visible_staff_members(request.user), pk)
    initial = {} if member is None else {
        "first_name": member.first_name, "last_name": member.last_name, "function": member.function,
        "units": list(member.units.all()), "email": member.email, "email_cancellations": member.email_cancellations}
    form = StaffMemberForm(request.POST or None, initial=initial, units=staff.units_of_site(site))
    if request.method == "POST" and form.is_valid():
        try:
            saved = staff.save_staff_member(site, by=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": saved})
            return redirect(_list_url(site.pk))
    told = member.notices.select_related("session__cycle__activity")[:10] if member else []
    gate_told = member.gate_notices.filter(sent_at__isnull=False).order_by("-sent_at", "date")[:10] if member else []
    return render(request, "prisons/staff_form.html", {"form": form, "member": member, "site": site, "told": told,
                                                       "gate_told": gate_told,
                                                       **login_section(request.user, member)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def staff_remove(request, pk):
    member = get_object_or_404(access.visible_staff_members(request.user), pk=pk)
    site_id, name = member.site_id, str(member)
    staff.remove_staff_member(member, by=request.user)
    messages.success(request, _("%(name)s removed from the staff list.") % {"name": name})
    return redirect(_list_url(site_id))


@login_required
def room_form(request, pk=None):
    """Add a room (`?site=`) or change one (the site's coordinators)."""
    room, site = _to_change(request, access.visible_rooms(request.user), pk)
    buildings, units = rooms.choices_of(site)
    initial = {"active": True} if room is None else {
        "code": room.code, "name": room.name, "kind": room.kind, "capacity": room.capacity, "building": room.building,
        "reachable_from_all_units": room.reachable_from_all_units, "reachable_units": list(room.reachable_units.all()),
        "accessibility_notes": room.accessibility_notes, "active": room.active}
    form = RoomForm(request.POST or None, initial=initial, buildings=buildings, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            saved = rooms.save_room(site, by=request.user, room=room, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": saved.name})
            return redirect(f"{reverse('prisons:room-list')}?site={site.pk}")
    return render(request, "prisons/room_form.html", {"form": form, "room": room, "site": site},
                  status=400 if form.errors else 200)


STAFF = ListImport(
    name="prisons:staff-import", template="prisons/staff_import.html",
    help_text=gettext_lazy("One row per staff member; the first row holds the column names."),
    prepare=staff_import.prepare_staff_import,
    apply=lambda report, user: staff_import.apply_staff_import(report, user=user),
    done=lambda site, result: _("Staff imported for %(site)s: %(created)s new, %(updated)s updated.") % {
        "site": site.name, "created": result.created, "updated": result.updated},
    done_url="prisons:staff-list", columns=staff_import.TEMPLATE_COLUMNS, required=staff_import.REQUIRED,
    template_download="prisons:staff-import-template", preview_cells="prisons/_staff_import_row.html")


staff_import_page, staff_import_template = site_import_views(
    STAFF, filename="relais-staff", sheet_title=gettext_lazy("Staff"))


ROOMS = ListImport(
    name="prisons:room-import", template="prisons/room_import.html",
    help_text=gettext_lazy("One row per room; the first row holds the column names."),
    prepare=room_import.prepare_room_import,
    apply=lambda report, user: room_import.apply_room_import(report, user=user),
    done=lambda site, result: _("Rooms imported for %(site)s: %(created)s new, %(updated)s updated.") % {
        "site": site.name, "created": result.created, "updated": result.updated},
    done_url="prisons:room-list", columns=room_import.TEMPLATE_COLUMNS, required=room_import.REQUIRED,
    template_download="prisons:room-import-template", preview_cells="prisons/_room_import_row.html")


room_import_page, room_import_template = site_import_views(
    ROOMS, filename="relais-rooms", sheet_title=gettext_lazy("Rooms"))


UNITS = ListImport(
    name="prisons:unit-import", template="prisons/unit_import.html",
    help_text=gettext_lazy("One row per unit; the first row holds the column names."),
    prepare=unit_import.prepare_unit_import,
    apply=lambda report, user: unit_import.apply_unit_import(report, user=user),
    done=lambda site, result: _("Units imported for %(site)s: %(created)s new, %(updated)s updated.") % {
        "site": site.name, "created": result.created, "updated": result.updated},
    done_url="prisons:unit-list", columns=unit_import.TEMPLATE_COLUMNS, required=unit_import.REQUIRED,
    template_download="prisons:unit-import-template", preview_cells="prisons/_unit_import_row.html")


unit_import_page, unit_import_template = site_import_views(
    UNITS, filename="relais-units", sheet_title=gettext_lazy("Units"))
