"""The demo's needs surveys: at each site a survey answered before the last term, closed, and at
Haren a survey of the women's units collecting answers now. Answers are anonymous and synthetic."""
from __future__ import annotations

import datetime as dt

from prisons import models as pr
from surveys.models import Survey, SurveyOption, SurveyResponse, SurveyStatus

from .history import WEEKS

# (label, activity code or kind, weight): what people ask for, some of it not in the catalogue.
OPTIONS = [
    ("French lessons", "fle", 9), ("Dutch lessons", "nt2", 5), ("Computer skills", "computer", 8),
    ("Fitness", "fitness", 8), ("Football", "football", 6), ("Cooking", "cooking", 6),
    ("Job search and CV", "jobsearch", 7), ("Drawing and painting", "drawing", 4), ("Theatre", "theatre", 2),
    ("Preparing for release", "release", 6), ("Barbering and hairdressing", "", 7),
    ("Driving theory", "", 6), ("Chess club", "", 3), ("Gardening", "", 3),
    ("Any sport", "sport", 4),
]
WOMEN_OPTIONS = [
    ("Sewing and textiles", "", 6), ("Parenting in detention", "parenting", 7), ("Yoga", "yoga", 6),
    ("Beauty care", "", 5), ("Computer skills", "computer", 5), ("Reading club", "reading", 3),
]
COMMENTS = [
    "More sessions in the afternoon, please.", "I work in the kitchen in the morning.",
    "Something to prepare my release.", "Classes in Arabic would help.", "I want to learn Dutch to work.",
    "Sport every day if possible.", "A diploma I can use outside.",
]
LANGUAGES = {"fr": 10, "ar": 6, "nl": 5, "en": 3, "ro": 2, "es": 1, "pl": 1, "tr": 1}
TIMES = {"morning": 3, "afternoon": 4, "either": 5}


def build_surveys(builder) -> None:
    rng = builder.rng
    coordinator = builder.user_of["coordinator"]
    last_term_starts = builder.monday - dt.timedelta(weeks=WEEKS)
    for plan in builder.scale["sites"]:
        units = builder.units[plan.code]
        survey = _survey(builder, plan.code, "Needs survey before the autumn term", OPTIONS,
                         last_term_starts - dt.timedelta(weeks=6), last_term_starts - dt.timedelta(weeks=3),
                         SurveyStatus.CLOSED, [], coordinator)
        _answers(rng, survey, units, share=0.12, coordinator=coordinator, today=builder.today)
    women = [unit for unit in builder.units["haren"] if unit.population == pr.Population.WOMEN]
    if women:
        survey = _survey(builder, "haren", "Women's units: needs for the spring term", WOMEN_OPTIONS,
                         builder.today - dt.timedelta(days=4), builder.today + dt.timedelta(weeks=2),
                         SurveyStatus.OPEN, women, coordinator)
        _answers(rng, survey, women, share=0.15, coordinator=coordinator, today=builder.today)


def _survey(builder, site_code, title, options, opens, closes, status, units, coordinator) -> Survey:
    activities = {code: activity for code, (activity, _spec) in builder.activities.items()}
    survey = Survey.objects.create(
        site=builder.sites[site_code], title=title, opens_on=opens, closes_on=closes, status=status,
        question="Which activities would you take part in? Tick as many as you like.",
        note="Synthetic demo data: handed out with the weekly request slips.", created_by=coordinator,
    )
    survey.units.set(units)
    rows = []
    for position, (label, target, weight) in enumerate(options, start=1):
        activity = activities.get(target)
        rows.append(SurveyOption(survey=survey, label=label, activity=activity, position=position,
                                 kind=activity.kind if activity else ("" if target not in _KINDS else target)))
        rows[-1].weight = weight
    SurveyOption.objects.bulk_create(rows)
    survey.weighted_options = rows
    return survey


_KINDS = {"training", "psychosocial", "sociocultural", "sport"}


def _answers(rng, survey, units, *, share, coordinator, today) -> None:
    options, weights = survey.weighted_options, [option.weight for option in survey.weighted_options]
    people = sum(unit.detainees.count() for unit in units)
    responses, chosen = [], []
    for _n in range(round(people * share)):
        unit = rng.choice(units)
        picks = {rng.choices(options, weights=weights)[0] for _pick in range(rng.randint(1, 4))}
        responses.append(SurveyResponse(
            survey=survey, unit=unit, entered_by=coordinator,
            legal_status=unit.legal_regime if unit.legal_regime != pr.LegalRegime.MIXED and rng.random() < 0.3 else "",
            preferred_time=rng.choices(list(TIMES), weights=list(TIMES.values()))[0],
            languages=sorted({rng.choices(list(LANGUAGES), weights=list(LANGUAGES.values()))[0]
                              for _pick in range(rng.randint(1, 2))}),
            comment=rng.choice(COMMENTS) if rng.random() < 0.15 else "",
        ))
        chosen.append(picks)
    SurveyResponse.objects.bulk_create(responses)
    # Entered while the survey ran (up to today for the open one), not when the demo was loaded.
    last = min(survey.closes_on, today)
    days = max(0, (last - survey.opens_on).days)
    for response in responses:
        day = survey.opens_on + dt.timedelta(days=rng.randint(0, days))
        response.entered_at = dt.datetime.combine(day, dt.time(16), tzinfo=dt.UTC)
    SurveyResponse.objects.bulk_update(responses, ["entered_at"])
    SurveyResponse.chosen.through.objects.bulk_create([
        SurveyResponse.chosen.through(surveyresponse_id=response.pk, surveyoption_id=option.pk)
        for response, picks in zip(responses, chosen, strict=True) for option in sorted(picks, key=lambda o: o.position)
    ])
