"""Finding a term from the command line: by id, by name, or by "SITE_CODE:name"."""
from django.core.management.base import CommandError

from activities.models import Term


def find_term(text: str) -> Term:
    terms = Term.objects.select_related("site")
    if text.isdigit():
        found = list(terms.filter(pk=int(text)))
    elif ":" in text:
        site, name = text.split(":", 1)
        found = list(terms.filter(site__code=site, name=name))
    else:
        found = list(terms.filter(name=text))
    if not found:
        raise CommandError(f"No term {text!r}: give its id, its name, or SITE_CODE:name.")
    if len(found) > 1:
        choices = ", ".join(f"{t.pk} ({t.site.code}:{t.name})" for t in found)
        raise CommandError(f"Several terms are called {text!r}: {choices}. Give the id or SITE_CODE:name.")
    return found[0]
