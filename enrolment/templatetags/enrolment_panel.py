"""`{% enrolment_panel detainee %}`: the person-centred section of the detainee page."""
from django import template
from django.db.models import Count, Q

from core import rules as access
from enrolment import selectors

register = template.Library()


@register.inclusion_tag("enrolment/_detainee_panel_body.html", takes_context=True)
def enrolment_panel(context, detainee):
    user = context["request"].user
    enrolments = list(selectors.enrolments_of_detainee(detainee, access.visible_enrolments(user)))
    attendance = {
        row["enrolment_id"]: row
        for row in access.visible_attendances(user).filter(enrolment__in=[e.pk for e in enrolments])
        .values("enrolment_id").annotate(
            present=Count("id", filter=Q(status="present")), absent=Count("id", filter=Q(status="absent"))
        )
    }
    for enrolment in enrolments:
        row = attendance.get(enrolment.pk)
        enrolment.attendance_summary = row
    interviews = None
    if user.has_perm("screening.view_interview", detainee):
        from screening.selectors import interviews_of_detainee

        interviews = list(interviews_of_detainee(user, detainee))
    return {
        "request": context["request"], "detainee": detainee, "enrolments": enrolments,
        "interviews": interviews,
        "may_schedule": user.has_perm("screening.change_interview", detainee),
    }
