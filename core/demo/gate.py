"""What the demo's outside facilitators bring through the gate: the material lists of the current
cycles (most of it approved by the direction, two kinds of item refused, a few requests awaiting a
decision) and the requests to renew access authorisations, so that the material page, the cycle
pages, the gate list and the renewals page have something to show."""
from __future__ import annotations

import datetime as dt

from activities import models as act

from . import data
from .generator import aware

# activity code: [(item, quantity, note)]
MATERIALS = {
    "drawing": [("Acrylic paint, 75 ml tubes", 24, "Taken out after each session."), ("Brushes, assorted", 20, ""),
                ("Drawing paper A3, 120 g", 100, "Kept in the workshop cupboard."), ("Craft knives", 6, "")],
    "theatre": [("Costumes and props, one bag", 1, "Searched at the gate, stored in the stage room."),
                ("Portable speaker", 1, "Battery-powered, for the rehearsals.")],
    "music": [("Djembes", 8, "Kept in the room between sessions."), ("Acoustic guitar", 2, "")],
    "choir": [("Song books", 15, "")],
    "computer": [("USB sticks", 10, "To hand out the exercises.")],
    "cooking": [("Spices in sealed jars", 12, "")],
    "writing": [("Notebooks", 15, "The participants keep them.")],
    "reading": [("Books from the partner's library, one crate", 30, "Exchanged every month.")],
    "yoga": [("Yoga mats", 12, "Kept in the gym.")],
    "parenting": [("Children's books", 10, "For the recordings read to the children.")],
}
REFUSED = {
    "Craft knives": "Blades are not allowed; the workshop's safety scissors instead.",
    "USB sticks": "No removable media: the exercises stay on the room's computers.",
}
AWAITING = {"Portable speaker", "Acoustic guitar", "Pencils and erasers"}
# The demo facilitator's own request, still waiting, whatever the cycles they lead.
LOGIN_REQUEST = ("Pencils and erasers", 20, "For the participants' notes.")


def build_materials(builder) -> None:
    coordinator = builder.user_of["coordinator"]
    facilitator_login = builder.user_of["facilitator"]
    login_facilitator_pk = act.Facilitator.objects.get(user=facilitator_login).pk
    asked_on = builder.monday - dt.timedelta(weeks=2)
    rows, reference, login_asked = [], 0, False
    for cycle in builder.cycles:
        items = MATERIALS.get(cycle.spec[0], [])
        led_by_login = any(p.model.pk == login_facilitator_pk for p in cycle.people)
        if led_by_login and not login_asked:
            items, login_asked = [*items, LOGIN_REQUEST], True
        for item, quantity, note in items:
            status = (act.MaterialStatus.REFUSED if item in REFUSED
                      else act.MaterialStatus.REQUESTED if item in AWAITING else act.MaterialStatus.APPROVED)
            reference += 1
            rows.append(act.CycleMaterial(
                cycle=cycle.model, item=item, quantity=quantity, note=note, status=status,
                requested_by=facilitator_login if led_by_login else coordinator,
                decided_by=None if status == act.MaterialStatus.REQUESTED else coordinator,
                decision_note=REFUSED.get(item, "" if status == act.MaterialStatus.REQUESTED
                                          else f"Direction note {asked_on.year}/{100 + reference}"),
            ))
    act.CycleMaterial.objects.bulk_create(rows)
    # Asked for before the term and decided a few days later, not when the demo was loaded.
    for n, material in enumerate(rows):
        if material.status == act.MaterialStatus.REQUESTED:
            material.requested_at = aware(builder.today - dt.timedelta(days=2), "09:00") + dt.timedelta(minutes=n)
        else:
            material.requested_at = aware(asked_on + dt.timedelta(days=n % 5), "10:00")
            material.decided_at = material.requested_at + dt.timedelta(days=4)
    act.CycleMaterial.objects.bulk_update(rows, ["requested_at", "decided_at"])


def build_renewals(builder) -> None:
    """Access authorisations: the direction was asked a few days ago for about half of the outside
    facilitators whose badge expires within the month; last month it renewed another's."""
    coordinator = builder.user_of["coordinator"]
    soon = builder.today + dt.timedelta(days=30)
    outside = sorted((p for p in builder.people if p.kind != "staff" and p.sites), key=lambda p: p.key)
    expiring = [p for p in outside
                if p.model.authorisation_valid_until and builder.today <= p.model.authorisation_valid_until <= soon]
    renewed = next((p for p in outside if p.model.authorisation_valid_until
                    and p.model.authorisation_valid_until > builder.today + dt.timedelta(days=300)), None)
    rows = [
        act.AuthorisationRenewal(
            facilitator=p.model, site=builder.sites[p.sites[0]], requested_on=builder.today - dt.timedelta(days=3 + n),
            requested_by=coordinator, note="Sent with the term's list.",
        )
        for n, p in enumerate(expiring[::2])
    ]
    if renewed is not None:
        rows.append(act.AuthorisationRenewal(
            facilitator=renewed.model, site=builder.sites[renewed.sites[0]], status=act.RenewalStatus.GRANTED,
            requested_on=builder.today - dt.timedelta(days=45), requested_by=coordinator,
            answered_on=builder.today - dt.timedelta(days=30), answered_by=coordinator,
            answer_note="New badge handed over at the gate.",
        ))
    act.AuthorisationRenewal.objects.bulk_create(rows)


# (site, first name, last name, languages, skills, source, stage, days since the stage began, partner index)
CANDIDATES = [
    ("haren", "Amina", "Diallo", ["fr", "wo"], "Theatre, storytelling", "event", "contacted", 5, 0),
    ("haren", "Sara", "Janssens", ["nl", "fr"], "Choir", "website", "met", 20, None),
    ("haren", "Piotr", "Kowalski", ["pl", "fr", "en"], "Chess club", "volunteer", "clearance", 45, None),
    ("haren", "Yasmina", "Benali", ["ar", "fr"], "Reading, homework help", "partner", "clearance", 12, 1),
    ("haren", "Lotte", "Vermeiren", ["nl", "en"], "Yoga", "website", "induction", 10, None),
    ("haren", "Claire", "Moreau", ["fr"], "Painting", "event", "withdrawn", 20, None),
    ("saint-gilles", "Jan", "Peeters", ["nl"], "Woodwork", "volunteer", "contacted", 2, None),
    ("saint-gilles", "Marco", "Rossi", ["it", "fr"], "Cooking", "partner", "clearance", 20, 2),
]


def build_recruitment(builder) -> None:
    """Would-be volunteers at every step, one waiting too long for the direction's answer, one not
    pursued, and an existing volunteer whose recruitment ended with their facilitator record."""
    today, coordinator = builder.today, builder.user_of["coordinator"]
    rows = []
    for code, first, last, languages, skills, source, stage, days, partner in CANDIDATES:
        since = today - dt.timedelta(days=days)
        dates = _steps_before(stage, since)
        rows.append(act.VolunteerCandidate(
            site=builder.sites[code], first_name=first, last_name=f"{data.DEMO_NAME_PREFIX}{last}",
            email=f"{first.lower()}.{last.lower()}@demo.invalid", languages=languages, skills=skills, source=source,
            partner=builder.partners[partner] if partner is not None else None, stage=stage, created_by=coordinator,
            authorisation_number=f"DEMO-AUTH-C{len(rows):02d}" if stage == "induction" else "",
            authorisation_valid_until=since + dt.timedelta(days=365) if stage == "induction" else None,
            withdrawn_reason="Found a job with day hours; may come back next year." if stage == "withdrawn" else "",
            **dates,
        ))
    person = next(p for p in sorted(builder.people, key=lambda p: p.key) if p.kind == "volunteer" and p.sites)
    volunteer = person.model
    if volunteer.authorisation_valid_from:
        granted = volunteer.authorisation_valid_from
        rows.append(act.VolunteerCandidate(
            site=builder.sites[person.sites[0]],
            first_name=volunteer.first_name, last_name=volunteer.last_name, email=volunteer.email,
            languages=volunteer.languages, partner=volunteer.partner, source="partner", stage="ready",
            contacted_on=granted - dt.timedelta(days=60), met_on=granted - dt.timedelta(days=50),
            clearance_requested_on=granted - dt.timedelta(days=40), clearance_granted_on=granted,
            authorisation_number=volunteer.authorisation_number,
            authorisation_valid_until=volunteer.authorisation_valid_until,
            induction_on=min(granted + dt.timedelta(days=7), today), facilitator=volunteer, created_by=coordinator,
        ))
    act.VolunteerCandidate.objects.bulk_create(rows)


def _steps_before(stage: str, since: dt.date) -> dict:
    """Dates of the steps up to `stage`, entered on `since`, each a week or two after the one before."""
    order = ["contacted", "met", "clearance", "induction"]
    fields = {"contacted": "contacted_on", "met": "met_on", "clearance": "clearance_requested_on",
              "induction": "clearance_granted_on"}
    if stage == "withdrawn":
        return {"contacted_on": since - dt.timedelta(days=21), "met_on": since - dt.timedelta(days=10),
                "withdrawn_on": since}
    reached = order[:order.index(stage) + 1]
    return {fields[step]: since - dt.timedelta(days=10 * (len(reached) - 1 - n)) for n, step in enumerate(reached)}


def build_declared_absence(builder) -> None:
    """The `facilitator` login declared a day away next week or the one after, on a day they come in."""
    user = builder.user_of["facilitator"]
    facilitator = act.Facilitator.objects.get(user=user)
    weekdays = set(act.Availability.objects.filter(facilitator=facilitator).values_list("weekday", flat=True))
    day = builder.today + dt.timedelta(days=8)
    while day.weekday() not in weekdays and day < builder.today + dt.timedelta(days=15):
        day += dt.timedelta(days=1)
    act.AvailabilityException.objects.create(facilitator=facilitator, date=day, available=False,
                                             note="Exam at the university", recorded_by=user)


def build_partner_documents(builder) -> None:
    """Each partner's cooperation agreement and volunteers' insurance: most current, one insurance
    ending next month, one agreement expired last month, one partner with no insurance on file."""
    today = builder.today
    rows = []
    for n, partner in enumerate(sorted(builder.partners, key=lambda p: p.name)):
        agreement_until = today - dt.timedelta(days=20) if n == 1 else today + dt.timedelta(days=400 + 30 * n)
        rows.append(act.PartnerDocument(
            partner=partner, kind=act.PartnerDocumentKind.AGREEMENT, reference=f"DEMO-CONV-{2024 + n % 3}/{n + 1:03d}",
            valid_from=today - dt.timedelta(days=700), valid_until=agreement_until))
        if n == 2:
            continue
        insurance_until = today + dt.timedelta(days=40) if n == 0 else today + dt.timedelta(days=200 + 20 * n)
        rows.append(act.PartnerDocument(
            partner=partner, kind=act.PartnerDocumentKind.INSURANCE,
            reference=f"Demo Insurance, policy {n + 1:05d}", valid_from=today - dt.timedelta(days=165),
            valid_until=insurance_until))
    act.PartnerDocument.objects.bulk_create(rows)


def build_interpreter(builder) -> None:
    """An interpreter on the current cycle at Haren where most people applying or taking part do not
    speak its language, for the language most of them speak: the cycle's page then shows who is
    covered and who still needs one, and the gate list expects the interpreter on its days."""
    from enrolment.checks import language_needs
    from enrolment.models import Enrolment

    site = builder.sites["haren"]
    best = None
    for cycle in act.Cycle.objects.filter(term__site=site, term__last_date__gte=builder.today).exclude(
            status__in=[act.CycleStatus.DRAFT, act.CycleStatus.CANCELLED]).order_by("code"):
        needs = language_needs(cycle, Enrolment.objects.all())
        if needs and (best is None or needs[0].people > best[1].people):
            best = (cycle, needs[0])
    if best is None:
        return
    cycle, need = best
    interpreter = act.Facilitator.objects.create(
        kind=act.FacilitatorKind.INTERPRETER, first_name="Nadia", last_name="Demo-Interpreter",
        email="interpreter@demo.invalid",
        languages=[need.language, cycle.language], skills="Community interpreting (synthetic demo data)",
        authorisation_number="DEMO-INT-001", authorisation_valid_from=builder.today - dt.timedelta(days=30),
        authorisation_valid_until=builder.today + dt.timedelta(days=335),
    )
    interpreter.sites.set([site])
    # Available through every day the site runs activities: the term's timetable stays as it was.
    from django.db.models import Max, Min

    from prisons.models import RegimePeriod

    act.Availability.objects.bulk_create([
        act.Availability(facilitator=interpreter, weekday=day["weekday"], start=day["first"], end=day["last"])
        for day in RegimePeriod.objects.filter(site=site).values("weekday").annotate(
            first=Min("start"), last=Max("end")).order_by("weekday")
    ])
    cycle.facilitators.add(interpreter)
