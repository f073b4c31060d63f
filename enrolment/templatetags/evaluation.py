from django import template

from enrolment.indicators import percent as percent_text

register = template.Library()


@register.filter
def percent(value):
    """A rate between 0 and 1 as a whole percentage in the reader's language; – when there is none."""
    return percent_text(value)
