"""The enrolment notice handed to the detainee: what, when, where, how to withdraw, in their language."""
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from prisons.models import Proficiency

from . import selectors

PROFICIENCY_RANK = {Proficiency.NATIVE: 0, Proficiency.FLUENT: 1, Proficiency.BASIC: 2}


def _catalogue_languages() -> list[str]:
    """Languages the interface is offered in, plus any with a compiled catalogue in LOCALE_PATHS."""
    codes = [code for code, _name in settings.LANGUAGES]
    for base in settings.LOCALE_PATHS:
        for mo in sorted(Path(base).glob("*/LC_MESSAGES/django.mo")):
            code = mo.parent.parent.name.replace("_", "-").lower()
            if code not in codes:
                codes.append(code)
    return codes


NOTICE_LANGUAGES = _catalogue_languages()


def notice_language(detainee, requested: str | None = None) -> str:
    """The requested language if it has a catalogue, else the detainee's best such language, else French."""
    if requested and requested in NOTICE_LANGUAGES:
        return requested
    spoken = sorted(detainee.languages.all(), key=lambda lang: PROFICIENCY_RANK.get(lang.proficiency, 9))
    for lang in spoken:
        code = lang.language.lower()
        if code in NOTICE_LANGUAGES:
            return code
        if code[:2] in NOTICE_LANGUAGES:
            return code[:2]
    if detainee.reads_dutch and not detainee.reads_french:
        return "nl"
    return "fr"


def notice_context(enrolment, language: str) -> dict:
    cycle = enrolment.cycle
    slots = selectors.weekly_slots_of(cycle)
    first = min((s["first"] for s in slots), default=None)
    last = max((s["last"] for s in slots), default=None)
    return {
        "enrolment": enrolment, "cycle": cycle, "detainee": enrolment.detainee, "language": language,
        "title": cycle.activity.title(language), "description": cycle.activity.description(language),
        "slots": slots, "first_date": first, "last_date": last, "printed_on": timezone.localdate(),
        "notice_languages": NOTICE_LANGUAGES,
    }


def render_each(template: str, items, *, language, context) -> SafeString:
    """One printed page per item (a slip, a note, an invitation), each rendered wholly in its own language
    (`language(item)`), dates and weekday names included; `context(item)` is the template's context."""
    pages = []
    for item in items:
        with translation.override(language(item)):
            pages.append(render_to_string(template, context(item)))
    return mark_safe("".join(pages))  # noqa: S308 (rendered templates, escaped by them)
