"""Display helpers shared by Relais templates: language names, findings."""
from django import template

from prisons.selectors import language_name

register = template.Library()


@register.filter
def language_label(code):
    return language_name(code)


@register.filter
def language_labels(codes):
    """A list of ISO codes as a readable, comma-separated list of language names."""
    return ", ".join(language_name(code) for code in (codes or []))
