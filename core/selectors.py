"""Reads for the home page: the eleven workflow steps with live counts."""
import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from . import rules as access


@dataclass
class Step:
    number: int
    title: str
    counts: list[tuple[str, int]] = field(default_factory=list)
    url_name: str = ""


def _n(label, count: int, url: str = "") -> tuple[str, int, str]:
    """A count, its label in the singular or the plural (`label`: ngettext_lazy keyed "count"), and
    the page where it is acted on (only given where the user may open that page)."""
    return label % {"count": count}, count, url


def _off_regime_count(user) -> list:
    """Coming sessions that no longer fit their site's regime, for those who keep the regime: linked to
    the first site's regime page that has some."""
    from prisons.regime import sessions_off_regime

    sites = [site for site in access.visible_sites(user).order_by("name")
             if user.has_perm("prisons.change_reference", site)]
    if not sites:
        return []
    counts = [(site, len(sessions_off_regime(site))) for site in sites]
    first = next((site for site, count in counts if count), sites[0])
    return [_n(ngettext_lazy("coming session that no longer fits the regime",
                             "coming sessions that no longer fit the regime", "count"),
               sum(count for _site, count in counts), reverse("prisons:site-regime", args=[first.pk]))]


def _outside_availability_count(user) -> list:
    """Coming sessions a facilitator's weekly availability no longer covers, for those who plan them: linked
    to the facilitator's page when one person, else to the planning (the term's dated sessions list them)."""
    from activities.availability import sessions_outside_availability

    sites = [site for site in access.visible_sites(user).order_by("name") if user.has_perm("scheduling.plan_term", site)]
    if not sites:
        return []
    outside = [item for site in sites for item in sessions_outside_availability(site=site)]
    people = {item.facilitator.pk for item in outside}
    url = (reverse("activities:facilitator-detail", args=[people.pop()]) if len(people) == 1
           else reverse("planning:index"))
    return [_n(ngettext_lazy("coming session its facilitator's weekly availability no longer covers",
                             "coming sessions their facilitators' weekly availability no longer covers", "count"),
               len(outside), url)]


def _unsent_email_count(user) -> list:
    """E-mails the mail server refused, and people never told of changes (the worker stopped), for those
    who can phone the people concerned: alarms, so shown only when there are some."""
    from scheduling.outbox import waiting_too_long

    if not user.has_perm("scheduling.view_unsent_emails"):
        return []
    url = reverse("calendars:unsent-emails")
    counts = []
    refused = access.visible_unsent_emails(user).count()
    if refused:
        counts.append(_n(ngettext_lazy("e-mail the mail server refused: whom to phone",
                                       "e-mails the mail server refused: whom to phone", "count"), refused, url))
    waiting = len(waiting_too_long(user))
    if waiting:
        counts.append(_n(ngettext_lazy("person not told of a change for over 20 minutes: is Relais's worker stopped?",
                                       "people not told of changes for over 20 minutes: is Relais's worker stopped?",
                                       "count"), waiting, url))
    return counts


def _unrecorded_interviews(user) -> list:
    """Screening interviews whose time has passed with nothing recorded: linked to the first such day's form."""
    past = access.visible_interviews(user).filter(status="scheduled", scheduled_at__lt=timezone.now())
    first = past.order_by("scheduled_at").values_list("detainee__site_id", "scheduled_at").first()
    url = ""
    if first:
        url = f"{reverse('screening:day-outcomes')}?site={first[0]}&date={timezone.localdate(first[1]).isoformat()}"
    return [_n(ngettext_lazy("past screening interview with nothing recorded",
                             "past screening interviews with nothing recorded", "count"), past.count(), url)]


def current_week_bounds(today: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    return start, start + dt.timedelta(days=7)


def workflow_steps(user) -> list[Step]:
    """The coordinators' eleven steps, each with the counts the user may see."""
    from activities.absences import recently_declared
    from activities.materials import materials_for
    from activities.models import Activity, CycleStatus, MaterialStatus, Partner
    from activities.partner_documents import partners_to_chase
    from activities.problems import problems_for
    from activities.renewals import renewals_due
    from activities.selectors import to_invite
    from enrolment.answers import overdue_count as overdue_answers
    from enrolment.attendance import consecutive_absences, registers_missing
    from enrolment.feedback import dropouts_to_interview
    from enrolment.missed_notes import awaiting_reply as notes_awaiting_reply
    from enrolment.models import EnrolmentStatus
    from screening.rounds import awaiting_screening

    today = timezone.localdate()
    week_start, week_end = current_week_bounds(today)
    day_start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    day_end = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    cycles = access.visible_cycles(user)
    sessions = access.visible_sessions(user)
    enrolments = access.visible_enrolments(user)
    facilitators = access.visible_facilitators(user)
    soon = today + dt.timedelta(days=30)
    return [
        _survey_step(user),
        Step(2, _("Designing activities"), [_n(ngettext_lazy("activity in the catalogue", "activities in the catalogue", "count"), Activity.objects.filter(active=True).count())], "activities:activity-list"),
        Step(3, _("Finding partners and volunteers"), [
            _n(ngettext_lazy("partner organisation", "partner organisations", "count"), Partner.objects.filter(active=True).count()),
            _n(ngettext_lazy("facilitator", "facilitators", "count"), facilitators.filter(active=True).count()),
            _n(ngettext_lazy("authorisation expired or expiring within 30 days", "authorisations expired or expiring within 30 days", "count"), facilitators.filter(active=True, authorisation_valid_until__lte=soon).count()),
            *(_recruitment_counts(user, today) if user.has_perm("activities.view_recruitment") else []),
            *([_n(ngettext_lazy("active facilitator with an e-mail address and no login",
                                "active facilitators with an e-mail address and no login", "count"),
                  to_invite(user)[0], reverse("activities:facilitator-logins"))]
              if user.has_perm("activities.view_facilitator_list") else []),
            *([_n(ngettext_lazy("partner whose agreement or insurance is to chase", "partners whose agreement or insurance is to chase", "count"),
                  partners_to_chase(today).count(), f"{reverse('activities:partner-list')}?to_chase=true")]
              if user.has_perm("activities.view_partner_documents") else []),
        ], "activities:partner-list"),
        Step(4, _("Coordinating the offer"), [
            _n(ngettext_lazy("cycle in preparation", "cycles in preparation", "count"), cycles.filter(status=CycleStatus.DRAFT).count(),
               f"{reverse('activities:cycle-list')}?status={CycleStatus.DRAFT}"),
            _n(ngettext_lazy("cycle running", "cycles running", "count"), cycles.filter(status=CycleStatus.RUNNING).count(),
               f"{reverse('activities:cycle-list')}?status={CycleStatus.RUNNING}"),
        ], "activities:cycle-list"),
        Step(5, _("Publicising the offer to detainees"), [
            _n(ngettext_lazy("cycle open for applications", "cycles open for applications", "count"), cycles.filter(status=CycleStatus.OPEN).count()),
        ], "activities:offer-sheet" if user.has_perm("activities.print_offer_sheets") else "activities:cycle-list"),
        Step(6, _("Screening and enrolment"), [
            _n(ngettext_lazy("application pending", "applications pending", "count"), enrolments.filter(status=EnrolmentStatus.PENDING).count()),
            _n(ngettext_lazy("on waiting lists", "on waiting lists", "count"), enrolments.filter(status=EnrolmentStatus.APPROVED).count()),
            _n(ngettext_lazy("enrolled", "enrolled", "count"), enrolments.filter(status=EnrolmentStatus.ENROLLED).count()),
            _n(ngettext_lazy("freed place offered, to confirm", "freed places offered, to confirm", "count"), enrolments.filter(status=EnrolmentStatus.APPROVED, offered_at__isnull=False).count()),
            _n(ngettext_lazy("screening interview planned", "screening interviews planned", "count"), access.visible_interviews(user).filter(status="scheduled").count()),
            *(_unrecorded_interviews(user) if user.has_perm("screening.plan_rounds") else []),
            *([_n(ngettext_lazy("application waiting for a screening interview to be planned",
                                "applications waiting for a screening interview to be planned", "count"),
                  awaiting_screening(enrolments, today).count(), reverse("screening:to-screen"))]
              if user.has_perm("screening.plan_rounds") else []),
            *([_n(ngettext_lazy("written answer to hand to a detainee", "written answers to hand to detainees", "count"),
                  overdue_answers(enrolments, today), reverse("enrolment:answers"))]
              if user.has_perm("enrolment.view_answers_to_give") else []),
        ], "activities:cycle-list"),
        Step(7, _("Liaison with prison staff and services"), [
            _n(ngettext_lazy("movement out of units today", "movements out of units today", "count"), enrolments.filter(
                status=EnrolmentStatus.ENROLLED, cycle__sessions__status="scheduled",
                cycle__sessions__starts_at__gte=day_start, cycle__sessions__starts_at__lt=day_end,
            ).count()),
            _n(ngettext_lazy("session today", "sessions today", "count"), sessions.filter(starts_at__gte=day_start, starts_at__lt=day_end, status="scheduled").count()),
            *_off_regime_count(user),
            *_unsent_email_count(user),
        ], "calendars:schedules"),
        Step(8, _("Practical organisation: rooms, escorts, access, material"), [
            _n(ngettext_lazy("active room", "active rooms", "count"), access.visible_rooms(user).filter(active=True).count()),
            *([_n(ngettext_lazy("practical problem to follow up", "practical problems to follow up", "count"), problems_for(user, include_resolved=False).count(), reverse("activities:problem-list"))]
              if user.has_perm("activities.view_problem_list") else []),
            *([_n(ngettext_lazy("item of material awaiting the direction's decision", "items of material awaiting the direction's decision", "count"),
                materials_for(user, status=MaterialStatus.REQUESTED).count(), reverse("activities:material-list"))]
              if user.has_perm("activities.decide_materials") else []),
            *_outside_availability_count(user),
            *([_n(ngettext_lazy("absence declared by a facilitator in the last 7 days", "absences declared by facilitators in the last 7 days", "count"),
                recently_declared(facilitators, today).count(), reverse("planning:index"))]
              if user.has_perm("activities.view_facilitator_list") else []),
            *([_n(ngettext_lazy("outside facilitator whose authorisation does not cover their sessions", "outside facilitators whose authorisation does not cover their sessions", "count"),
                sum(len(renewals_due(site, today)) for site in access.visible_sites(user)), reverse("activities:renewal-list"))]
              if user.has_perm("activities.view_renewals") else []),
        ], "activities:problem-list" if user.has_perm("activities.view_problem_list") else ""),
        Step(9, _("Running the sessions"), [
            _n(ngettext_lazy("session this week", "sessions this week", "count"), sessions.filter(starts_at__gte=week_start, starts_at__lt=week_end, status="scheduled").count()),
            _n(ngettext_lazy("past session without a session log (last 30 days)", "past sessions without a session log (last 30 days)", "count"), sessions.filter(
                starts_at__gte=timezone.now() - dt.timedelta(days=30), starts_at__lt=timezone.now(), log__isnull=True,
            ).exclude(status="cancelled").count()),
        ], "attendance:my-sessions" if user.has_perm("enrolment.view_registers") else ""),
        Step(10, _("Attendance and dropout interviews"), [
            _n(ngettext_lazy("past session without a register (last 30 days)", "past sessions without a register (last 30 days)", "count"), registers_missing(sessions.filter(starts_at__gte=timezone.now() - dt.timedelta(days=30))).count()),
            _n(ngettext_lazy("participant absent 2+ times in a row, to follow up", "participants absent 2+ times in a row, to follow up", "count"), len(consecutive_absences(enrolments))),
            *([_n(ngettext_lazy("dropout to interview (last 90 days)", "dropouts to interview (last 90 days)", "count"), dropouts_to_interview(enrolments, today).count(), reverse("attendance:follow-up"))]
              if user.has_perm("enrolment.view_attendance_follow_up") else []),
            *([_n(ngettext_lazy("note about missed sessions waiting for a reply",
                                "notes about missed sessions waiting for a reply", "count"),
                  notes_awaiting_reply(enrolments).count(), reverse("attendance:follow-up"))]
              if user.has_perm("enrolment.view_attendance_follow_up") else []),
        ], "attendance:my-sessions" if user.has_perm("enrolment.view_registers") else ""),
        _evaluation_step(user, today, cycles),
    ]


def _recruitment_counts(user, today: dt.date) -> list[tuple[str, int]]:
    from activities import recruitment

    steps, _closed = recruitment.board(recruitment.candidates_for(user).filter(stage__in=recruitment.OPEN), today)
    rows = [row for _stage, _label, stage_rows in steps for row in stage_rows]
    board = reverse("activities:recruitment")
    return [
        _n(ngettext_lazy("volunteer being recruited", "volunteers being recruited", "count"), len(rows), board),
        _n(ngettext_lazy("recruitment waiting too long at a step", "recruitments waiting too long at a step", "count"),
           sum(row.waiting_too_long for row in rows), board),
    ]


def _survey_step(user) -> Step:
    from surveys.models import SurveyResponse, SurveyStatus

    title = _("Needs surveys per target group")
    if not user.has_perm("surveys.view_survey_list"):
        return Step(1, title)
    surveys = access.visible_surveys(user)
    return Step(1, title, [
        _n(ngettext_lazy("survey collecting answers", "surveys collecting answers", "count"), surveys.filter(status=SurveyStatus.OPEN).count(), reverse("surveys:list")),
        _n(ngettext_lazy("answer entered in the last 90 days", "answers entered in the last 90 days", "count"), SurveyResponse.objects.filter(
            survey__in=surveys, entered_at__gte=timezone.now() - dt.timedelta(days=90)).count()),
    ], "surveys:list")


def _evaluation_step(user, today: dt.date, cycles) -> Step:
    from activities.models import CycleStatus
    from enrolment.indicators import signalled_cycles_now

    title = _("Evaluating and adjusting the offer")
    if not user.has_perm("enrolment.view_indicator_list"):
        return Step(11, title)
    return Step(11, title, [
        _n(ngettext_lazy("cycle of the current term whose figures call for a change", "cycles of the current term whose figures call for a change", "count"),
         signalled_cycles_now(access.visible_terms(user), today), reverse("evaluation:index")),
        _n(ngettext_lazy("cycle finished", "cycles finished", "count"), cycles.filter(status=CycleStatus.FINISHED).count()),
        _n(ngettext_lazy("finished cycle without a decision", "finished cycles without a decision", "count"),
         cycles.filter(status=CycleStatus.FINISHED, review__isnull=True).count(), reverse("evaluation:index")),
        _n(ngettext_lazy("cycle finished in the last 90 days without participants' sheets",
                         "cycles finished in the last 90 days without participants' sheets", "count"),
         cycles.filter(status=CycleStatus.FINISHED, term__last_date__gte=today - dt.timedelta(days=90),
                       evaluation_sheets__isnull=True).count(), reverse("evaluation:index")),
    ], "evaluation:index")


def retention_due(user) -> int | None:
    """Records and screening notes the retention policy removes today at the user's sites, or None
    when the user does not look after retention."""
    from prisons.retention import due_counts

    if not user.has_perm("prisons.view_retention"):
        return None
    today = timezone.localdate()
    return sum(sum(due_counts(site, today)) for site in access.visible_sites(user))
