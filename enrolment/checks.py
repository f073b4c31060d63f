"""Eligibility checks for an application: they RETURN findings, they never refuse on their own.

A finding has a code, a severity (error / warning / info) and a translatable message; warnings that
mix populations or bring kept-apart people together need an explicit confirmation with a reason.
Services refuse a step on errors or unconfirmed warnings; pages and the API show the findings.

`ApplicationContext` loads everything the checks need for a cycle and a set of detainees in a
fixed number of queries, so a cycle page with 1 or 50 applications costs the same.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, SessionStatus
from core.findings import Finding, Severity, by_severity
from prisons.models import (
    ActivityRestriction,
    Commitment,
    DetaineeStatus,
    NonAssociation,
    NonAssociationScope,
    Proficiency,
    Room,
)
from prisons.selectors import language_name

from .models import Enrolment, EnrolmentStatus


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _reaches(room, unit_id) -> bool:
    return room.reachable_from_all_units or unit_id in {u.pk for u in room.reachable_units.all()}


@dataclass
class ApplicationContext:
    """What the checks read about one cycle and some detainees, loaded once."""

    cycle: object
    sessions: list
    candidate_rooms: list
    eligible_unit_ids: set
    group: list  # enrolled Enrolments with detainee
    languages: dict = field(default_factory=lambda: defaultdict(list))
    restrictions: dict = field(default_factory=lambda: defaultdict(list))
    commitments: dict = field(default_factory=lambda: defaultdict(list))
    non_associations: dict = field(default_factory=lambda: defaultdict(list))
    other_enrolments: dict = field(default_factory=lambda: defaultdict(list))
    other_sessions: dict = field(default_factory=lambda: defaultdict(list))
    interviews: dict = field(default_factory=lambda: defaultdict(list))
    speakers: dict = field(default_factory=lambda: defaultdict(list))  # language -> the cycle's facilitators
    _reception: list | None = None

    @property
    def first_date(self) -> dt.date:
        if self.sessions:
            return timezone.localtime(self.sessions[0].starts_at).date()
        return self.cycle.term.first_date

    @property
    def last_date(self) -> dt.date:
        if self.sessions:
            return timezone.localtime(self.sessions[-1].ends_at).date()
        return self.cycle.term.last_date

    def reception_classes(self) -> list:
        if self._reception is None:
            self._reception = list(
                Activity.objects.filter(active=True).filter(
                    Q(code__icontains="reception") | Q(code__icontains="accueil") | Q(code__icontains="onthaal")
                    | Q(title_en__icontains="reception") | Q(title_fr__icontains="accueil")
                    | Q(title_nl__icontains="onthaal")
                ).order_by("title_en")[:3]
            )
        return self._reception

    @classmethod
    def build(cls, cycle, detainees) -> "ApplicationContext":
        from screening.models import Interview

        detainee_ids = [d.pk for d in detainees]
        sessions = list(
            cycle.sessions.exclude(status=SessionStatus.CANCELLED).select_related("room")
            .prefetch_related("room__reachable_units").order_by("starts_at")
        )
        candidate_rooms = []
        if not sessions:
            candidate_rooms = list(
                Room.objects.filter(site_id=cycle.term.site_id, active=True, kind__in=cycle.activity.room_kinds or [])
                .prefetch_related("reachable_units")
            )
        group = list(
            Enrolment.objects.filter(cycle=cycle, status=EnrolmentStatus.ENROLLED).select_related("detainee")
        )
        ctx = cls(cycle=cycle, sessions=sessions, candidate_rooms=candidate_rooms,
                  eligible_unit_ids={u.pk for u in cycle.eligible_units.all()}, group=group)
        ctx.speakers = speakers_of(cycle)
        if not detainee_ids:
            return ctx
        from prisons.models import DetaineeLanguage

        for lang in DetaineeLanguage.objects.filter(detainee_id__in=detainee_ids):
            ctx.languages[lang.detainee_id].append(lang)
        for restriction in ActivityRestriction.objects.filter(detainee_id__in=detainee_ids):
            ctx.restrictions[restriction.detainee_id].append(restriction)
        for commitment in Commitment.objects.filter(detainee_id__in=detainee_ids):
            ctx.commitments[commitment.detainee_id].append(commitment)
        for pair in NonAssociation.objects.filter(
            Q(first_id__in=detainee_ids) | Q(second_id__in=detainee_ids), active=True
        ):
            ctx.non_associations[pair.first_id].append((pair.second_id, pair))
            ctx.non_associations[pair.second_id].append((pair.first_id, pair))
        others = list(
            Enrolment.objects.filter(detainee_id__in=detainee_ids, status=EnrolmentStatus.ENROLLED)
            .exclude(cycle=cycle).select_related("cycle", "cycle__activity")
        )
        for other in others:
            ctx.other_enrolments[other.detainee_id].append(other)
        if others and sessions:
            from activities.models import Session

            for session in Session.objects.filter(
                cycle_id__in={o.cycle_id for o in others}, starts_at__lt=sessions[-1].ends_at,
                ends_at__gt=sessions[0].starts_at,
            ).exclude(status=SessionStatus.CANCELLED):
                ctx.other_sessions[session.cycle_id].append(session)
        for interview in Interview.objects.filter(detainee_id__in=detainee_ids).filter(
            Q(enrolment__cycle=cycle) | Q(enrolment__isnull=True)
        ).order_by("-scheduled_at"):
            ctx.interviews[interview.detainee_id].append(interview)
        return ctx


def _check_presence(detainee, ctx):
    if detainee.status != DetaineeStatus.PRESENT:
        yield Finding("not_present", Severity.ERROR,
                      _("%(number)s is no longer in prison (%(status)s).")
                      % {"number": detainee.prison_number, "status": detainee.get_status_display()})


def _check_rooms(detainee, ctx):
    if detainee.unit_id is None:
        yield Finding("no_unit", Severity.WARNING, _("No living unit is known for this detainee: check that the rooms can be reached."))
        return
    if ctx.sessions:
        rooms = {s.room_id: s.room for s in ctx.sessions}.values()
        unreachable = [room for room in rooms if not _reaches(room, detainee.unit_id)]
        if unreachable:
            yield Finding("room_unreachable", Severity.ERROR,
                          _("From unit %(unit)s the detainee cannot reach: %(rooms)s.")
                          % {"unit": detainee.unit.code, "rooms": ", ".join(r.name for r in unreachable)})
        return
    if not ctx.candidate_rooms:
        yield Finding("no_room_known", Severity.INFO, _("No session is planned and no room suits this activity yet; reachability cannot be checked."))
        return
    if not any(_reaches(room, detainee.unit_id) for room in ctx.candidate_rooms):
        yield Finding("room_unreachable", Severity.ERROR,
                      _("No room suited to this activity can be reached from unit %(unit)s.") % {"unit": detainee.unit.code})


def _check_unit_eligible(detainee, ctx):
    if ctx.eligible_unit_ids and detainee.unit_id not in ctx.eligible_unit_ids:
        yield Finding("unit_not_eligible", Severity.WARNING,
                      _("Unit %(unit)s is not among the units this cycle is meant for.")
                      % {"unit": detainee.unit.code if detainee.unit_id else "–"})


def _check_mixing(detainee, ctx):
    others = [e.detainee for e in ctx.group if e.detainee_id != detainee.pk]
    genders = {d.gender for d in others}
    statuses = {d.legal_status for d in others}
    if genders and (genders - {detainee.gender}):
        yield Finding("population_mixing_gender", Severity.WARNING,
                      _("The group would mix men and women: going ahead needs a confirmation with a reason."),
                      needs_confirmation=True)
    if statuses and (statuses - {detainee.legal_status}):
        yield Finding("population_mixing_legal", Severity.WARNING,
                      _("The group would mix %(this)s with %(others)s detainees: going ahead needs a confirmation with a reason.")
                      % {"this": detainee.get_legal_status_display().lower(),
                         "others": ", ".join(sorted(str(d.get_legal_status_display()).lower() for d in {
                             d.legal_status: d for d in others if d.legal_status != detainee.legal_status}.values()))},
                      needs_confirmation=True)


def _check_non_associations(detainee, ctx):
    in_group = {e.detainee_id: e.detainee for e in ctx.group}
    for other_id, pair in ctx.non_associations.get(detainee.pk, []):
        other = in_group.get(other_id)
        if other is None:
            continue
        if pair.scope == NonAssociationScope.CELL:
            yield Finding("non_association_cell", Severity.INFO,
                          _("Must not share a cell with %(number)s, who is in this group.") % {"number": other.prison_number})
        else:
            yield Finding("non_association", Severity.WARNING,
                          _("Must be kept apart (%(scope)s) from %(number)s, who is in this group.")
                          % {"scope": pair.get_scope_display().lower(), "number": other.prison_number},
                          needs_confirmation=True)


def _check_sanction(detainee, ctx):
    today = timezone.localdate()
    start = max(ctx.first_date, today)
    for restriction in ctx.restrictions.get(detainee.pk, []):
        if restriction.starts_on <= ctx.last_date and restriction.ends_on >= start:
            yield Finding("sanction", Severity.WARNING,
                          _("A sanction suspends activities from %(start)s to %(end)s.")
                          % {"start": _date(restriction.starts_on), "end": _date(restriction.ends_on)})


def _check_release(detainee, ctx):
    release = detainee.expected_release_date
    if release and release < ctx.last_date:
        yield Finding("release_before_end", Severity.WARNING,
                      _("Expected release on %(date)s, before the cycle ends on %(end)s.")
                      % {"date": _date(release), "end": _date(ctx.last_date)})
    transfer = detainee.expected_transfer_date
    if transfer and transfer < ctx.last_date:
        yield Finding("transfer_before_end", Severity.WARNING,
                      _("Expected transfer on %(date)s, before the cycle ends on %(end)s.")
                      % {"date": _date(transfer), "end": _date(ctx.last_date)})


def _spoken_languages(detainee, ctx) -> dict[str, str]:
    spoken = {lang.language.lower()[:2]: lang.proficiency for lang in ctx.languages.get(detainee.pk, [])}
    if detainee.reads_french:
        spoken.setdefault("fr", Proficiency.FLUENT)
    if detainee.reads_dutch:
        spoken.setdefault("nl", Proficiency.FLUENT)
    return spoken


def speakers_of(cycle) -> dict[str, list]:
    """The cycle's active facilitators (interpreters included) by the languages they speak."""
    speakers = defaultdict(list)
    for facilitator in cycle.facilitators.filter(active=True).order_by("last_name", "first_name"):
        for code in dict.fromkeys(code.lower()[:2] for code in facilitator.languages or []):
            speakers[code].append(facilitator)
    return speakers


def _check_language(detainee, ctx):
    language = (ctx.cycle.language or "").lower()[:2]
    spoken = _spoken_languages(detainee, ctx)
    if not language:
        return
    if not spoken:
        yield Finding("language_unknown", Severity.INFO, _("The detainee's languages are not recorded."))
        return
    if spoken.get(language) == Proficiency.BASIC:
        yield Finding("language_basic", Severity.INFO,
                      _("Speaks the language of this cycle (%(language)s) only a little.") % {"language": language_name(language)})
        return
    if language not in spoken:
        helpers = list(dict.fromkeys(f for code in spoken for f in ctx.speakers.get(code, [])))
        if helpers:
            yield Finding("language_interpreted", Severity.INFO, _(
                "The cycle is given in %(language)s, which the detainee does not speak; %(names)s, on the cycle, "
                "speaks their language.") % {"language": language_name(language),
                                             "names": ", ".join(str(f) for f in helpers)})
            return
        reception = ctx.reception_classes()
        if reception:
            suggestion = _("Suggest an interpreter or a reception class: %(list)s.") % {
                "list": ", ".join(a.title() for a in reception)}
        else:
            suggestion = _("Suggest an interpreter or a reception class.")
        yield Finding("language_not_spoken", Severity.WARNING,
                      _("The cycle is given in %(language)s, which the detainee does not speak. %(suggestion)s")
                      % {"language": language_name(language), "suggestion": suggestion})


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _check_clashes(detainee, ctx):
    if not ctx.sessions:
        return
    for other in ctx.other_enrolments.get(detainee.pk, []):
        clashes = [s for s in ctx.sessions for o in ctx.other_sessions.get(other.cycle_id, [])
                   if _overlaps(s.starts_at, s.ends_at, o.starts_at, o.ends_at)]
        if clashes:
            yield Finding("session_clash", Severity.WARNING,
                          _("%(count)s session(s) clash with %(activity)s, first on %(date)s.")
                          % {"count": len(clashes), "activity": other.cycle.activity.title(),
                             "date": _date(timezone.localtime(clashes[0].starts_at).date())})
    for commitment in ctx.commitments.get(detainee.pk, []):
        clashes = []
        for session in ctx.sessions:
            if commitment.is_weekly:
                start = timezone.localtime(session.starts_at)
                end = timezone.localtime(session.ends_at)
                day = start.date()
                if commitment.weekday != start.weekday():
                    continue
                if (commitment.valid_from and day < commitment.valid_from) or (commitment.valid_until and day > commitment.valid_until):
                    continue
                if _overlaps(start.time(), end.time(), commitment.start_time, commitment.end_time):
                    clashes.append(session)
            elif _overlaps(session.starts_at, session.ends_at, commitment.starts_at, commitment.ends_at):
                clashes.append(session)
        if clashes:
            yield Finding("commitment_clash", Severity.WARNING,
                          _("%(count)s session(s) clash with %(kind)s, first on %(date)s.")
                          % {"count": len(clashes), "kind": commitment.get_kind_display().lower(),
                             "date": _date(timezone.localtime(clashes[0].starts_at).date())})


def _check_load(detainee, ctx):
    limit = settings.RELAIS_MAX_ENROLMENTS_PER_DETAINEE
    current = len(ctx.other_enrolments.get(detainee.pk, []))
    if current + 1 > limit:
        yield Finding("too_many_enrolments", Severity.WARNING,
                      _("Already enrolled in %(count)s cycles; the limit is %(limit)s.") % {"count": current, "limit": limit})


def _check_screening(detainee, ctx, enrolment):
    from screening.models import InterviewStatus, Outcome

    if not ctx.cycle.screening_required:
        return
    interviews = [i for i in ctx.interviews.get(detainee.pk, []) if i.status == InterviewStatus.HELD and i.outcome]
    own = [i for i in interviews if enrolment is not None and i.enrolment_id == enrolment.pk]
    latest = (own or interviews or [None])[0]
    if latest is None:
        yield Finding("screening_missing", Severity.ERROR,
                      _("This cycle requires a screening interview with the outcome “suitable” before approval."))
    elif latest.outcome == Outcome.NOT_SUITABLE:
        yield Finding("screening_not_suitable", Severity.ERROR, _("The screening interview found the detainee not suitable."))
    elif latest.outcome == Outcome.SUITABLE_LATER:
        yield Finding("screening_suitable_later", Severity.ERROR, _("The screening interview found the detainee suitable later, not now."))


CHECKS = (_check_presence, _check_rooms, _check_unit_eligible, _check_mixing, _check_non_associations,
          _check_sanction, _check_release, _check_language, _check_clashes, _check_load)

def findings_for(detainee, ctx: ApplicationContext, *, enrolment=None, for_approval: bool = False) -> list[Finding]:
    findings = [f for check in CHECKS for f in check(detainee, ctx)]
    if for_approval or (enrolment is not None and enrolment.status == EnrolmentStatus.PENDING):
        findings.extend(_check_screening(detainee, ctx, enrolment))
    return by_severity(findings)


def check_application(detainee, cycle, *, enrolment=None, for_approval: bool = False) -> list[Finding]:
    """Every finding about this detainee joining this cycle."""
    ctx = ApplicationContext.build(cycle, [detainee])
    return findings_for(detainee, ctx, enrolment=enrolment, for_approval=for_approval)


def check_applications(cycle, enrolments) -> dict[int, list[Finding]]:
    """Findings for several applications of one cycle, keyed by enrolment id, in constant queries."""
    enrolments = list(enrolments)
    ctx = ApplicationContext.build(cycle, [e.detainee for e in enrolments])
    return {e.pk: findings_for(e.detainee, ctx, enrolment=e) for e in enrolments}


@dataclass
class LanguageNeed:
    """Applicants and participants who do not speak the cycle's language, by a language they speak."""

    language: str
    people: int
    speakers: list  # the cycle's facilitators who speak it (interpreters included)

    @property
    def name(self) -> str:
        return language_name(self.language)


def language_needs(cycle, enrolments) -> list[LanguageNeed]:
    """Of the open applications among `enrolments` (enrolled, waiting or pending), those who do not
    speak the cycle's language, counted by the language they speak best that someone on the cycle
    speaks, else their best: what to find an interpreter for. Three queries."""
    from .models import OPEN_STATUSES
    from .notices import PROFICIENCY_RANK

    language = (cycle.language or "").lower()[:2]
    if not language:
        return []
    speakers = speakers_of(cycle)
    counts: dict[str, int] = defaultdict(int)
    for enrolment in (enrolments.filter(cycle=cycle, status__in=OPEN_STATUSES)
                      .select_related("detainee").prefetch_related("detainee__languages")):
        detainee = enrolment.detainee
        ranked = sorted(detainee.languages.all(), key=lambda lang: PROFICIENCY_RANK.get(lang.proficiency, 9))
        spoken = [lang.language.lower()[:2] for lang in ranked]
        spoken += [code for code, reads in (("fr", detainee.reads_french), ("nl", detainee.reads_dutch)) if reads]
        if not spoken or language in spoken:
            continue
        counts[next((code for code in spoken if code in speakers), spoken[0])] += 1
    return [LanguageNeed(code, n, speakers.get(code, []))
            for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
