"""Who may see and do what: the one place that declares it.

Predicates (django-rules) answer "may this user do X to this object"; the `visible_*` scopes narrow
a queryset to what the user may see *before* anything else touches it. Pages, the API and
exports use both; nothing else decides access.
"""
import rules
from django.db.models import Q

from .models import Role

# --- who the user is -------------------------------------------------------------------------


@rules.predicate
def is_administrator(user):
    return bool(user and user.is_authenticated and (user.is_superuser or user.role == Role.ADMINISTRATOR))


def _has_role(role):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.is_active and user.role == role)

    return predicate


is_coordinator = _has_role(Role.COORDINATOR)
is_screener = _has_role(Role.SCREENER)
is_facilitator = _has_role(Role.FACILITATOR)
is_prison_staff = _has_role(Role.STAFF)
is_planner = is_administrator | is_coordinator


# --- where an object belongs --------------------------------------------------------------------


def site_ids_of(obj) -> set[int]:
    """The site(s) an object belongs to, whatever its model."""
    label = obj._meta.label_lower
    if label == "prisons.site":
        return {obj.pk}
    if label == "activities.facilitator":
        return {site.pk for site in obj.sites.all()}
    if label == "activities.partner" or label == "activities.activity":
        return set()  # shared by all sites
    if label == "activities.cycle":
        return {obj.term.site_id}
    if label == "activities.session":
        return {obj.cycle.term.site_id}
    if label == "scheduling.feedtoken":
        target = obj.facilitator or obj.unit or obj.room or obj.site
        return site_ids_of(target) if target is not None else set()
    if hasattr(obj, "site_id"):
        return {obj.site_id}
    if hasattr(obj, "cycle"):
        return site_ids_of(obj.cycle)
    if hasattr(obj, "detainee"):
        return {obj.detainee.site_id}
    if hasattr(obj, "session"):
        return site_ids_of(obj.session)
    return set()


@rules.predicate
def works_at_objects_site(user, obj):
    if obj is None:
        return False
    sites = site_ids_of(obj)
    return bool(sites & user.site_ids()) if sites else True


@rules.predicate
def leads_object(user, obj):
    """The user is a facilitator of this cycle or session (or of the cycle of this material)."""
    facilitator = getattr(user, "facilitator", None)
    if facilitator is None or obj is None:
        return False
    label = obj._meta.label_lower
    if label == "activities.cyclematerial":
        obj, label = obj.cycle, "activities.cycle"
    if label == "activities.session":
        return obj.facilitators.filter(pk=facilitator.pk).exists() or obj.cycle.facilitators.filter(
            pk=facilitator.pk
        ).exists()
    if label == "activities.cycle":
        return obj.facilitators.filter(pk=facilitator.pk).exists()
    if label == "activities.facilitator":
        return obj.pk == facilitator.pk
    return False


@rules.predicate
def owns_feed(user, feed):
    return feed is not None and feed.owner_id == user.pk and user.is_active


@rules.predicate
def works_at_detainees_site(user, detainee):
    # Without a detainee the question is about a list, already narrowed by `visible_detainees`.
    return detainee is None or works_at_objects_site(user, detainee)


is_coordinator_of_site = is_administrator | (is_coordinator & works_at_objects_site)
is_screener_of_site = is_screener & works_at_objects_site
is_staff_of_site = is_prison_staff & works_at_objects_site


@rules.predicate
def register_open_to_facilitators(user, session):
    """The session's register is still within its edit window (enrolment.attendance decides)."""
    from enrolment.attendance import facilitator_may_edit

    return session is not None and facilitator_may_edit(session)

@rules.predicate
def requested_it_and_undecided(user, material):
    """The user asked for this item and the direction has not decided yet: they may take it back."""
    from activities.models import MaterialStatus

    return material is not None and material.requested_by_id == user.pk and material.status == MaterialStatus.REQUESTED

@rules.predicate
def is_the_facilitator(user, facilitator):
    """The user is this facilitator (their own record)."""
    own = getattr(user, "facilitator", None)
    return facilitator is not None and own is not None and own.pk == facilitator.pk and user.is_active

@rules.predicate
def works_at_site_if_any(user, site):
    """No site (something for every site), or a site the user works at."""
    return site is None or site.pk in user.site_ids()

# --- permissions, by name ------------------------------------------------------------------------

PERMISSIONS = {
    # reference data
    "prisons.view_site": is_administrator | works_at_objects_site,
    "prisons.view_unit": is_administrator | (~is_facilitator & works_at_objects_site),
    "prisons.view_room": is_administrator | works_at_objects_site,
    "prisons.change_reference": is_coordinator_of_site,
    # sites: the administrators open them; their coordinators keep the details (object: the Site)
    "prisons.view_site_list": is_planner,
    "prisons.add_site": is_administrator,
    # detainees: criminal-justice data, need to know
    "prisons.view_detainee": is_coordinator_of_site | is_screener_of_site | is_staff_of_site,
    # the full record (birth date, languages, commitments, non-associations, sanctions, history);
    # prison staff see who and where only (number, names, site, unit, cell, status), on pages and API
    "prisons.view_detainee_details": is_administrator | ((is_coordinator | is_screener) & works_at_detainees_site),
    "prisons.view_detainee_list": is_planner | is_screener | is_prison_staff,
    "prisons.change_detainee": is_coordinator_of_site,
    "prisons.import_detainees": is_planner,
    # the answer to a detainee's access request (object: the Detainee), printed for them
    "prisons.produce_access_record": is_coordinator_of_site,
    # storage limitation (object: the Site): anonymise who left long ago, erase old screening notes
    "prisons.view_retention": is_planner,
    "prisons.apply_retention": is_administrator | is_coordinator_of_site,
    "prisons.view_reference_pages": is_planner | is_screener | is_prison_staff,
    # catalogue and partners
    "activities.view_catalogue": rules.is_authenticated,
    "activities.change_catalogue": is_planner,
    "activities.view_partner": is_planner | is_screener | is_prison_staff,
    "activities.view_facilitator": is_coordinator_of_site | leads_object,
    # partners' cooperation agreements and volunteers' insurance (object: the document's Site or None)
    "activities.view_partner_documents": is_planner,
    "activities.manage_partner_documents": is_administrator | (is_coordinator & works_at_site_if_any),
    "activities.view_facilitator_list": is_planner,
    "activities.change_facilitator": is_coordinator_of_site,
    # a spreadsheet of facilitators imported for a site (object: the Site)
    "activities.import_facilitators": is_coordinator_of_site,
    # dated absences (object: the Facilitator): the facilitator declares their own, coordinators any
    "activities.declare_absence": is_coordinator_of_site | is_the_facilitator,
    # weekly availability (object: the Facilitator): theirs to keep up to date, or the coordinators'
    "activities.change_weekly_availability": is_coordinator_of_site | is_the_facilitator,
    "activities.change_own_details": is_the_facilitator,
    "activities.view_cycle": is_coordinator_of_site | is_screener_of_site | is_staff_of_site | leads_object,
    "activities.change_cycle": is_coordinator_of_site,
    "activities.view_term": is_administrator | works_at_objects_site,
    # the offer sheet posted in a unit (object: the Unit): coordinators, and officers for their site
    "activities.print_offer_sheets": is_planner | is_prison_staff,
    "activities.print_offer": is_coordinator_of_site | is_staff_of_site,
    "activities.view_session": is_coordinator_of_site | is_screener_of_site | is_staff_of_site | leads_object,
    "activities.take_attendance": is_coordinator_of_site | leads_object,
    # practical problems at sessions (objects: the Session to report on, the SessionProblem to resolve)
    "activities.view_problem_list": is_planner | is_prison_staff | is_facilitator,
    "activities.report_problem": is_coordinator_of_site | leads_object,
    "activities.resolve_problem": is_coordinator_of_site,
    "activities.resolve_problems": is_planner,
    # material brought in for a cycle (objects: the Cycle to ask for, the CycleMaterial to decide on
    # or withdraw); the coordinators record the direction's decision, the gate list shows it
    "activities.view_material_list": is_planner | is_prison_staff | is_facilitator,
    "activities.request_material": is_coordinator_of_site | leads_object,
    "activities.decide_material": is_coordinator_of_site,
    "activities.decide_materials": is_planner,
    "activities.withdraw_material": is_coordinator_of_site | (requested_it_and_undecided & leads_object),
    # session logs (object: the Session): its facilitators write while its register is open to them
    "activities.view_session_log": is_coordinator_of_site | leads_object,
    "activities.write_session_log": is_coordinator_of_site | (leads_object & register_open_to_facilitators),
    # access authorisations to renew (objects: the Site whose direction is asked, the AuthorisationRenewal)
    "activities.view_renewals": is_planner,
    "activities.request_renewal": is_coordinator_of_site,
    "activities.answer_renewal": is_coordinator_of_site,
    # recruiting volunteers (objects: the Site recruited for, the VolunteerCandidate)
    "activities.view_recruitment": is_planner,
    "activities.manage_recruitment": is_coordinator_of_site,
    # attendance: facilitators edit their registers for a while, coordinators correct any time
    "enrolment.view_registers": is_planner | is_facilitator,
    "enrolment.change_attendance": is_coordinator_of_site | (leads_object & register_open_to_facilitators),
    "enrolment.export_attendance": is_coordinator_of_site,
    "enrolment.view_attendance_follow_up": is_planner,
    # needs surveys (object: the Survey); answers are anonymous
    "surveys.view_survey_list": is_planner | is_screener,
    "surveys.add_survey": is_planner,
    "surveys.view_survey": is_coordinator_of_site | is_screener_of_site,
    "surveys.change_survey": is_coordinator_of_site,
    "surveys.enter_response": is_coordinator_of_site | is_screener_of_site,
    # feedback interviews with dropouts (object: the Enrolment)
    "enrolment.record_feedback": is_coordinator_of_site,
    # evaluation of the offer (step 11): counts only, per term (object: the Term)
    "enrolment.view_indicator_list": is_planner,
    "enrolment.view_indicators": is_coordinator_of_site,
    "enrolment.review_cycle": is_coordinator_of_site,
    # a site's year in figures (object: the Site), for the direction, the Communities and partners
    "enrolment.view_year_report": is_coordinator_of_site,
    # participants' anonymous evaluation sheets (object: the Cycle): its facilitators print them and
    # read what their group said; the coordinators type them in
    "enrolment.view_evaluation_sheets": is_coordinator_of_site | leads_object,
    "enrolment.enter_evaluation_sheets": is_coordinator_of_site,
    # applications, waiting lists and enrolment (objects: Enrolment or Cycle)
    "enrolment.view_application": is_coordinator_of_site | is_screener_of_site | is_staff_of_site,
    "enrolment.view_application_list": is_planner | is_screener | is_prison_staff,
    "enrolment.view_cycle_enrolment": is_coordinator_of_site | is_screener_of_site,
    "enrolment.manage_applications": is_coordinator_of_site,
    # written answers to applications, handed to the detainees unit by unit (the list: their sites')
    "enrolment.view_answers_to_give": is_planner,
    # screening interviews; notes are under professional secrecy: the site's screeners and
    # coordinators only (not administrators, staff or facilitators), every read audited
    "screening.view_interview": is_administrator | is_screener_of_site | (is_coordinator & works_at_objects_site),
    "screening.change_interview": is_screener_of_site | (is_coordinator & works_at_objects_site),
    "screening.view_notes": is_screener_of_site | (is_coordinator & works_at_objects_site),
    # screening rounds: the applications waiting for an interview, a morning planned at once, the day's list
    "screening.plan_rounds": is_screener | is_planner,
    # planning
    "scheduling.plan_term": is_coordinator_of_site,
    # calendars, feeds and lists (object: the unit, room or site; for feeds the FeedToken)
    "scheduling.view_schedule": is_administrator | ((is_coordinator | is_prison_staff) & works_at_objects_site),
    "scheduling.view_movement_list": is_administrator | ((is_coordinator | is_prison_staff) & works_at_objects_site),
    "scheduling.view_gate_list": is_administrator | ((is_coordinator | is_prison_staff) & works_at_objects_site),
    "scheduling.manage_feed": owns_feed | is_coordinator_of_site,
    # e-mails telling facilitators of changes to their sessions: coordinators of the site, and their own
    "scheduling.view_change_notices": is_planner | is_facilitator,
    "scheduling.view_staff_notices": is_planner | is_prison_staff,
    # e-mails the mail server refused: the coordinators phone those not told, and ask for another try
    "scheduling.view_unsent_emails": is_planner,
    "core.view_audit_log": is_administrator,
    # logins for the facilitators and staff of their sites (object: the Facilitator or StaffMember), with
    # the role their record implies and nothing more; coordinators and screeners' logins stay the
    # administrators'
    "core.give_login": is_coordinator_of_site,
    # every login: who can see what, invitations for coordinators, screeners and administrators, closing
    "core.manage_logins": is_administrator,
}

for name, predicate in PERMISSIONS.items():
    rules.add_perm(name, predicate)


# --- scopes: querysets narrowed to what the user may see -----------------------------------------


def _is_admin(user) -> bool:
    return is_administrator(user)


def visible_sites(user):
    from prisons.models import Site

    if _is_admin(user):
        return Site.objects.all()
    return Site.objects.filter(pk__in=user.site_ids())


def visible_units(user):
    from prisons.models import Unit

    qs = Unit.objects.select_related("site", "building")
    if _is_admin(user):
        return qs
    if is_facilitator(user):
        return qs.none()
    return qs.filter(site__in=user.site_ids())


def staff_unit_ids(user) -> set[int]:
    staff = getattr(user, "staff_member", None)
    if staff is None:
        return set()
    return set(staff.units.values_list("pk", flat=True))


def visible_rooms(user):
    from prisons.models import Room

    qs = Room.objects.select_related("site", "building")
    if _is_admin(user):
        return qs
    return qs.filter(site__in=user.site_ids())


def visible_detainees(user):
    """Coordinators and screeners: their sites; staff: their units; facilitators: none here
    (they see participants through their sessions, first name and number only)."""
    from prisons.models import Detainee

    qs = Detainee.objects.select_related("site", "unit")
    if _is_admin(user):
        return qs
    if is_coordinator(user) or is_screener(user):
        return qs.filter(site__in=user.site_ids())
    if is_prison_staff(user):
        return qs.filter(site__in=user.site_ids(), unit__in=staff_unit_ids(user))
    return qs.none()


def visible_facilitators(user):
    from activities.models import Facilitator

    qs = Facilitator.objects.select_related("partner")
    if _is_admin(user):
        return qs
    if is_coordinator(user):
        return qs.filter(sites__in=user.site_ids()).distinct()
    own = getattr(user, "facilitator", None)
    return qs.filter(pk=own.pk) if own else qs.none()


def visible_cycles(user):
    from activities.models import Cycle

    qs = Cycle.objects.select_related("activity", "term", "term__site")
    if _is_admin(user):
        return qs
    if is_facilitator(user):
        own = getattr(user, "facilitator", None)
        return qs.filter(facilitators=own).distinct() if own else qs.none()
    if is_prison_staff(user):
        return qs.filter(term__site__in=user.site_ids(), eligible_units__in=staff_unit_ids(user)).distinct()
    return qs.filter(term__site__in=user.site_ids())


def visible_sessions(user):
    from activities.models import Session

    qs = Session.objects.select_related("cycle", "cycle__activity", "cycle__term", "room", "room__building")
    if _is_admin(user):
        return qs
    if is_facilitator(user):
        own = getattr(user, "facilitator", None)
        if own is None:
            return qs.none()
        return qs.filter(Q(facilitators=own) | Q(cycle__facilitators=own)).distinct()
    if is_prison_staff(user):
        return qs.filter(
            cycle__term__site__in=user.site_ids(), cycle__eligible_units__in=staff_unit_ids(user)
        ).distinct()
    return qs.filter(cycle__term__site__in=user.site_ids())


def visible_staff_notices(user):
    """E-mails sent to prison staff about their units' sessions off: the sites' for coordinators and
    administrators, their own for a staff member with a login, none for anyone else."""
    from scheduling.models import StaffNotice

    qs = StaffNotice.objects.select_related("staff_member", "session__cycle__activity")
    if _is_admin(user):
        return qs
    if is_coordinator(user):
        return qs.filter(session__cycle__term__site__in=user.site_ids())
    if is_prison_staff(user):
        own = getattr(user, "staff_member", None)
        return qs.filter(staff_member=own) if own is not None else qs.none()
    return qs.none()


def visible_gate_notices(user):
    """What the gate was told of the outside people expected (`scheduling.gate_notices`), e-mails sent
    only: the sites' for coordinators and administrators, their own for a staff member with a login."""
    from scheduling.models import GateNotice

    qs = GateNotice.objects.filter(sent_at__isnull=False).select_related("staff_member")
    if _is_admin(user):
        return qs
    if is_coordinator(user):
        return qs.filter(staff_member__site__in=user.site_ids())
    if is_prison_staff(user):
        own = getattr(user, "staff_member", None)
        return qs.filter(staff_member=own) if own is not None else qs.none()
    return qs.none()


def visible_change_notices(user):
    """E-mails sent about changes: all for administrators, the sites' for coordinators, their own
    for facilitators, none for anyone else."""
    from scheduling.models import ChangeNotice

    qs = ChangeNotice.objects.select_related("facilitator", "session__cycle__activity")
    if _is_admin(user):
        return qs
    if is_facilitator(user):
        own = getattr(user, "facilitator", None)
        return qs.filter(facilitator=own) if own is not None else qs.none()
    if is_coordinator(user):
        return qs.filter(session__cycle__term__site__in=user.site_ids())
    return qs.none()


def visible_unsent_emails(user):
    """E-mails the mail server refused (`scheduling.outbox`): all for administrators; for coordinators
    those to the facilitators, staff and coordinators of their sites."""
    from django.db.models import Q

    from scheduling.models import UnsentEmail

    qs = UnsentEmail.objects.select_related("facilitator__partner", "staff_member__site", "user", "absence__facilitator",
                                            "about_facilitator")
    if _is_admin(user):
        return qs
    if is_coordinator(user):
        sites = user.site_ids()
        return qs.filter(pk__in=UnsentEmail.objects.filter(
            Q(facilitator__sites__in=sites) | Q(staff_member__site__in=sites) | Q(user__sites__in=sites)
        ).values("pk"))
    return qs.none()


def visible_gate_sessions(user):
    """Sessions whose outside facilitators the gate list shows: the whole site for its staff and
    coordinators (no detainee data on that list), nothing for facilitators and screeners."""
    from activities.models import Session

    qs = Session.objects.all()
    if _is_admin(user):
        return qs
    if is_coordinator(user) or is_prison_staff(user):
        return qs.filter(cycle__term__site__in=user.site_ids())
    return qs.none()


def visible_attendances(user):
    """Register lines: coordinators of the site and the session's own facilitators; nobody else."""
    from enrolment.models import Attendance

    qs = Attendance.objects.select_related("session", "enrolment", "enrolment__detainee")
    if _is_admin(user):
        return qs
    if is_coordinator(user):
        return qs.filter(session__cycle__term__site__in=user.site_ids())
    own = getattr(user, "facilitator", None) if is_facilitator(user) else None
    if own is None:
        return qs.none()
    return qs.filter(Q(session__facilitators=own) | Q(session__cycle__facilitators=own)).distinct()


def visible_enrolments(user):
    from enrolment.models import Enrolment

    qs = Enrolment.objects.select_related("detainee", "cycle", "cycle__activity")
    if _is_admin(user):
        return qs
    if is_facilitator(user):
        own = getattr(user, "facilitator", None)
        if own is None:
            return qs.none()
        return qs.filter(cycle__facilitators=own, status="enrolled").distinct()
    if is_prison_staff(user):
        return qs.filter(cycle__term__site__in=user.site_ids(), detainee__unit__in=staff_unit_ids(user))
    return qs.filter(cycle__term__site__in=user.site_ids())


def visible_surveys(user):
    """Needs surveys: the coordinators and screeners of the site (and administrators)."""
    from surveys.models import Survey

    qs = Survey.objects.select_related("site")
    if _is_admin(user):
        return qs
    if is_coordinator(user) or is_screener(user):
        return qs.filter(site__in=user.site_ids())
    return qs.none()


def visible_feedback_interviews(user):
    """Feedback interviews with dropouts: the coordinators of the site (and administrators) only."""
    from enrolment.models import FeedbackInterview

    qs = FeedbackInterview.objects.select_related("enrolment", "enrolment__detainee", "enrolment__cycle", "held_by")
    if _is_admin(user):
        return qs
    if is_coordinator(user):
        return qs.filter(enrolment__cycle__term__site__in=user.site_ids())
    return qs.none()


def visible_evaluation_sheets(user):
    """Participants' evaluation sheets: the cycles the user may read them for (anonymous answers)."""
    from enrolment.models import EvaluationSheet

    qs = EvaluationSheet.objects.select_related("cycle")
    if _is_admin(user):
        return qs
    if is_coordinator(user):
        return qs.filter(cycle__term__site__in=user.site_ids())
    own = getattr(user, "facilitator", None)
    if is_facilitator(user) and own is not None:
        return qs.filter(cycle__facilitators=own)
    return qs.none()


def visible_feed_tokens(user):
    """A user's own feeds; coordinators also the feeds of what is at their sites (to revoke them)."""
    from scheduling.models import FeedToken

    qs = FeedToken.objects.select_related("owner", "facilitator", "unit", "room", "room__building", "site")
    if _is_admin(user):
        return qs
    if is_coordinator(user):
        sites = user.site_ids()
        return qs.filter(
            Q(owner=user) | Q(site__in=sites) | Q(unit__site__in=sites) | Q(room__site__in=sites)
            | Q(facilitator__sites__in=sites)
        ).distinct()
    return qs.filter(owner=user)


def visible_buildings(user):
    from prisons.models import Building

    qs = Building.objects.select_related("site")
    if _is_admin(user):
        return qs
    return qs.filter(site__in=user.site_ids())


def visible_regime_periods(user):
    from prisons.models import RegimePeriod

    qs = RegimePeriod.objects.select_related("site")
    if _is_admin(user):
        return qs
    return qs.filter(site__in=user.site_ids())


def visible_blocked_periods(user):
    from prisons.models import BlockedPeriod

    return BlockedPeriod.objects.select_related("unit", "unit__site").filter(unit__in=visible_units(user))


def visible_staff_members(user):
    """Prison staff are known to the planners and colleagues of their sites, not to facilitators."""
    from prisons.models import StaffMember

    qs = StaffMember.objects.select_related("site")
    if _is_admin(user):
        return qs
    if is_facilitator(user):
        return qs.none()
    return qs.filter(site__in=user.site_ids())


def visible_partners(user):
    """The partner directory is shared by all sites; a facilitator sees only their own organisation."""
    from activities.models import Partner

    qs = Partner.objects.all()
    if _is_admin(user) or is_coordinator(user) or is_screener(user) or is_prison_staff(user):
        return qs
    own = getattr(user, "facilitator", None)
    return qs.filter(pk=own.partner_id) if own and own.partner_id else qs.none()


def visible_activities(user):
    from activities.models import Activity

    qs = Activity.objects.select_related("partner")
    return qs if user.is_authenticated else qs.none()


def visible_terms(user):
    from activities.models import Term

    qs = Term.objects.select_related("site")
    if _is_admin(user):
        return qs
    return qs.filter(site__in=user.site_ids())


def terms_to_plan(user):
    """Terms whose timetable the user may plan, publish and cancel from (`scheduling.plan_term`)."""
    qs = visible_terms(user)
    if _is_admin(user):
        return qs
    return qs.filter(site__in=user.site_ids()) if is_coordinator(user) else qs.none()


def visible_interviews(user):
    """Screening interviews: the site's screeners and coordinators (and administrators, without notes)."""
    from screening.models import Interview

    qs = Interview.objects.select_related("detainee", "detainee__unit", "screener", "room", "enrolment__cycle__activity")
    if _is_admin(user):
        return qs
    if is_coordinator(user) or is_screener(user):
        return qs.filter(detainee__site__in=user.site_ids())
    return qs.none()
