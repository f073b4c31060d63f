"""Participants' evaluation sheets for the finished cycles of the last term, so that the evaluation,
the decision pages and the partner reports show what participants said: about three participants
in four returned a sheet; most liked their activity, and one cycle per site did less well, which
the evaluation signals.

Runs after every other step (it draws from the builder's random stream), so the rest of the demo is
the same as without it. The words are synthetic, as everything in the demo.
"""
from __future__ import annotations

from collections import defaultdict

from activities.models import Cycle, CycleStatus
from enrolment.models import Enrolment, EvaluationSheet, Level, Rating, WouldReturn

LIKED_MOST = [
    "Speaking with the others.", "The facilitator listens to us.", "Learning words for the visits.",
    "Drawing in silence.", "Being out of the cell for two hours.", "The last session, when we showed our work.",
    "The exercises in pairs.",
]
TO_CHANGE = [
    "More sessions per week.", "Start on time: we wait for the escort.", "A bigger room.",
    "Afternoons instead of mornings.", "Longer sessions.", "Less theory.",
]
RETURN_SHARE = 0.75


def build_evaluation_sheets(builder) -> None:
    rng = builder.rng
    cycles = list(Cycle.objects.filter(status=CycleStatus.FINISHED).select_related("term").order_by("term__site__code", "code"))
    took_part = defaultdict(int)
    for cycle_id in Enrolment.objects.filter(cycle__in=cycles, enrolled_on__isnull=False).values_list(
            "cycle_id", flat=True):
        took_part[cycle_id] += 1
    # The first cycle of each site with enough participants is the one its participants liked less.
    unhappy, seen_sites = set(), set()
    for cycle in cycles:
        if cycle.term.site_id not in seen_sites and took_part[cycle.pk] >= 6:
            unhappy.add(cycle.pk)
            seen_sites.add(cycle.term.site_id)
    sheets = []
    for cycle in cycles:
        faces = ((Rating.GOOD, 0.25), (Rating.MIXED, 0.35), (Rating.POOR, 0.4)) if cycle.pk in unhappy \
            else ((Rating.GOOD, 0.7), (Rating.MIXED, 0.2), (Rating.POOR, 0.1))
        for _ in range(round(took_part[cycle.pk] * RETURN_SHARE)):
            liked = _draw(rng, faces)
            sheets.append(EvaluationSheet(
                cycle=cycle, entered_by=builder.user_of["coordinator"], liked=liked,
                useful=_draw(rng, faces) if rng.random() < 0.95 else None,
                at_ease=_draw(rng, faces) if rng.random() < 0.9 else None,
                level=rng.choice([Level.RIGHT, Level.RIGHT, Level.RIGHT, Level.TOO_EASY, Level.TOO_HARD, ""]),
                would_return=WouldReturn.YES if liked == Rating.GOOD else rng.choice(list(WouldReturn.values)),
                liked_most=rng.choice(LIKED_MOST) if rng.random() < 0.5 else "",
                to_change=rng.choice(TO_CHANGE) if rng.random() < 0.4 else "",
            ))
    EvaluationSheet.objects.bulk_create(sheets)


def _draw(rng, weighted):
    pick, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if pick < total:
            return value
    return weighted[-1][0]
