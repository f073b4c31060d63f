"""Reads for needs surveys: the list a user may see, and a survey's results per target group set
against the offer, in a fixed number of queries whatever the number of answers."""
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from activities.models import Cycle, CycleStatus, TargetGroup
from core import rules as access
from prisons.models import LegalRegime, Population, Unit
from prisons.selectors import held_during, language_name

from .models import PreferredTime, Survey, SurveyOption, SurveyResponse

EVERYONE = "all"
POPULATION_GROUP = {Population.MEN: TargetGroup.MEN, Population.WOMEN: TargetGroup.WOMEN}
# An option is "asked for" when at least this many, and this share, of respondents ticked it.
ASKED_FOR_COUNT = 3
ASKED_FOR_SHARE = 0.1
SHOWN_COMMENTS = 30


def surveyed_units(survey: Survey):
    """The units where the questionnaire is handed out: those chosen, or every unit of the site."""
    chosen = survey.units.all()
    return chosen if chosen.exists() else Unit.objects.filter(site=survey.site_id)


def surveys_for(user):
    return access.visible_surveys(user).annotate(answers=Count("responses")).order_by("-opens_on", "-id")


def group_label(group: str) -> str:
    return _("Everyone") if group == EVERYONE else str(TargetGroup(group).label)


GROUPS = (EVERYONE, *TargetGroup.values)


@dataclass
class OptionResult:
    option: SurveyOption
    total: int = 0
    by_group: Counter = field(default_factory=Counter)
    cycles: int | None = None  # planned at the site from the survey on; None when nothing says which activity
    places: int | None = None
    share: float = 0.0

    def counts(self) -> list[int]:
        return [self.by_group[group] for group in GROUPS]


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    by_group: Counter
    held: Counter
    options: list[OptionResult]
    preferred_time: list[tuple[str, int]]
    languages: list[tuple[str, int]]
    comments: list[str]
    signals: list[tuple[OptionResult, str]]

    def group_rows(self) -> list[tuple[str, int, int, float | None]]:
        """(target group, answers, held in the surveyed units, answers out of held)."""
        return [
            (group_label(group), self.by_group[group], self.held[group],
             self.by_group[group] / self.held[group] if self.held[group] else None)
            for group in GROUPS
        ]

    def group_labels(self) -> list[str]:
        return [group_label(group) for group in GROUPS]


def _groups_of(population: str, unit_regime: str, stated: str) -> set[str]:
    legal = stated or (unit_regime if unit_regime != LegalRegime.MIXED else "")
    return {EVERYONE, POPULATION_GROUP[population], *([legal] if legal else [])}


def survey_results(survey: Survey) -> SurveyResults:
    options = {option.pk: OptionResult(option) for option in survey.options.select_related("activity")}
    answers = list(SurveyResponse.objects.filter(survey=survey).values_list(
        "id", "unit__population", "unit__legal_regime", "legal_status", "preferred_time", "languages",
    ))
    groups_of_answer, by_group, times, languages = {}, Counter(), Counter(), Counter()
    for pk, population, unit_regime, stated, preferred, spoken in answers:
        groups = _groups_of(population, unit_regime, stated)
        groups_of_answer[pk] = groups
        by_group.update(groups)
        times[preferred] += 1
        languages.update(spoken or [])
    for response_id, option_id in SurveyResponse.chosen.through.objects.filter(
        surveyresponse__survey=survey,
    ).values_list("surveyresponse_id", "surveyoption_id"):
        result = options[option_id]
        result.total += 1
        result.by_group.update(groups_of_answer[response_id])
    for result in options.values():
        result.share = result.total / len(answers) if answers else 0.0
    _offer(survey, options.values())

    held = Counter()
    unit_ids = list(surveyed_units(survey).values_list("pk", flat=True))
    for populations, legal_status in held_during(survey.site, survey.opens_on, survey.closes_on, unit_ids).values():
        held.update({EVERYONE, *(POPULATION_GROUP[p] for p in populations), legal_status})
    ranked = sorted(options.values(), key=lambda result: (-result.total, result.option.position))
    time_labels = dict(PreferredTime.choices)
    return SurveyResults(
        survey=survey,
        responses=len(answers),
        by_group=by_group,
        held=held,
        options=ranked,
        preferred_time=[(str(time_labels[code]), times[code]) for code in PreferredTime.values if times[code]],
        languages=[(language_name(code), n) for code, n in sorted(languages.items(), key=lambda i: (-i[1], i[0]))],
        comments=list(SurveyResponse.objects.filter(survey=survey).exclude(comment="")
                      .order_by("-id").values_list("comment", flat=True)[:SHOWN_COMMENTS]),
        signals=_signals(ranked, len(answers)),
    )


def _offer(survey: Survey, results) -> None:
    """Cycles and places at the site, in terms still running when the survey opened or later, for
    each option's activity (or its kind, when it names no catalogue activity)."""
    cycles = list(
        Cycle.objects.filter(term__site=survey.site_id, term__last_date__gte=survey.opens_on)
        .exclude(status=CycleStatus.CANCELLED).values_list("activity_id", "activity__kind", "capacity")
    )
    for result in results:
        option = result.option
        if option.activity_id:
            matching = [capacity for activity, _kind, capacity in cycles if activity == option.activity_id]
        elif option.kind:
            matching = [capacity for _activity, kind, capacity in cycles if kind == option.kind]
        else:
            continue
        result.cycles, result.places = len(matching), sum(matching)


def _signals(ranked: list[OptionResult], responses: int) -> list[tuple[OptionResult, str]]:
    """Options many asked for that the offer does not answer: what to design or plan next (step 2)."""
    signals = []
    for result in ranked:
        if result.total < max(ASKED_FOR_COUNT, ASKED_FOR_SHARE * responses):
            continue
        values = {"count": result.total, "label": result.option.label}
        if result.option.activity_id is None and not result.option.kind:
            signals.append((result, _(
                "%(count)s answers ask for “%(label)s”, which is not in the catalogue: consider designing "
                "it with a partner.") % values))
        elif result.cycles == 0:
            signals.append((result, _(
                "%(count)s answers ask for “%(label)s”, and no cycle of it is planned at this site: "
                "consider planning one.") % values))
        elif result.places is not None and result.places < result.total:
            signals.append((result, _(
                "%(count)s answers ask for “%(label)s” for %(places)s places planned: consider another "
                "cycle.") % {**values, "places": result.places}))
    return signals

