"""Reads of screening interviews, always starting from `core.rules.visible_interviews`."""
from core import rules as access


def interviews_of_detainee(user, detainee):
    return access.visible_interviews(user).filter(detainee=detainee).order_by("-scheduled_at", "-id")


def upcoming_interviews(user, since):
    return access.visible_interviews(user).filter(status="scheduled", scheduled_at__gte=since).order_by("scheduled_at")
