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


@register.filter
def target_group_label(code):
    from activities.models import TargetGroup

    return dict(TargetGroup.choices).get(code, code)


@register.filter
def room_kind_label(code):
    from prisons.models import RoomKind

    return dict(RoomKind.choices).get(code, code)
