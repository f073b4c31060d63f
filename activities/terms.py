"""Creating and editing a site's terms (step 4): the planning periods whose weekly timetable is
planned and published, with the dates on which no session takes place (public holidays, the
prison's own closures).

All or nothing; each refusal names its field, and an excluded date its line.
"""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction

from .models import ExcludedDate, Session, Term

LONGEST_TERM_DAYS = 366


def parse_excluded(text: str) -> tuple[list[tuple[dt.date, str]], list[str]]:
    """Lines of "date label" (the date as 2027-04-05 or 05/04/2027) into (dates, errors by line)."""
    dates, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        first, _space, label = line.partition(" ")
        day = _date(first)
        if day is None:
            errors.append(_("Line %(line)s: “%(value)s” is not a date (2027-04-05 or 05/04/2027).") % {
                "line": number, "value": first[:20]})
        else:
            dates.append((day, label.strip()[:100]))
    return dates, errors


def format_excluded(term: Term) -> str:
    return "\n".join(f"{e.date.isoformat()} {e.label}".strip() for e in term.excluded_dates.order_by("date"))


def save_term(term: Term | None, *, by, site, name: str, first_date: dt.date, last_date: dt.date,
              excluded: list[tuple[dt.date, str]]) -> Term:
    """Create (`term` None) or update a term and its excluded dates. Errors name their fields."""
    site = site if term is None else term.site
    if not (by and by.has_perm("activities.change_cycle", site)):
        raise PermissionDenied(_("You may not prepare the terms of this site."))
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the term a name, e.g. Spring 2027.")
    if first_date and last_date:
        if last_date < first_date:
            errors["last_date"] = _("The last date is before the first.")
        elif (last_date - first_date).days > LONGEST_TERM_DAYS:
            errors["last_date"] = _("A term lasts a year at most.")
        else:
            overlapping = (Term.objects.filter(site=site, first_date__lte=last_date, last_date__gte=first_date)
                           .exclude(pk=getattr(term, "pk", None)).first())
            if overlapping:
                errors["first_date"] = _("These dates overlap %(term)s (%(first)s to %(last)s).") % {
                    "term": overlapping.name, "first": overlapping.first_date.isoformat(),
                    "last": overlapping.last_date.isoformat()}
            elif term is not None:
                outside = Session.objects.filter(cycle__term=term).exclude(
                    starts_at__date__gte=first_date, starts_at__date__lte=last_date).count()
                if outside:
                    errors["first_date"] = _(
                        "%(count)s dated sessions fall outside these dates: publish the term again after "
                        "moving them, or keep the dates.") % {"count": outside}
    seen, wrong = set(), []
    for day, _label in excluded:
        if first_date and last_date and not first_date <= day <= last_date:
            wrong.append(_("%(date)s is not in the term.") % {"date": day.isoformat()})
        elif day in seen:
            wrong.append(_("%(date)s is listed twice.") % {"date": day.isoformat()})
        seen.add(day)
    if wrong:
        errors["excluded_dates"] = wrong
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        creating = term is None
        term = term or Term(site=site)
        term.name, term.first_date, term.last_date = name, first_date, last_date
        term.save()
        term.excluded_dates.all().delete()
        ExcludedDate.objects.bulk_create([ExcludedDate(term=term, date=day, label=label) for day, label in excluded])
        audit.record(by, AuditAction.CREATE if creating else AuditAction.CHANGE, term)
    return term


def _date(value: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None
