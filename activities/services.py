"""Writes of the activities part: each owns its transaction, so nothing is half-saved."""
from django.db import transaction
from django.utils import timezone


@transaction.atomic
def save_facilitator(form, availability_formset, exception_formset):
    """Save a facilitator with their weekly availability and dated exceptions, all or nothing."""
    facilitator = form.save()
    if availability_formset.has_changed():  # a coordinator typed it for them: it stands for the coming term
        facilitator.availability_confirmed_at = timezone.now()
        facilitator.save(update_fields=["availability_confirmed_at"])
    for formset in (availability_formset, exception_formset):
        formset.instance = facilitator
        formset.save()
    return facilitator


def set_email_preferences(facilitator, *, changes: bool, reminders: bool, by) -> None:
    """What a facilitator wants e-mailed: changes to their sessions, a reminder the day before. Theirs to
    choose (the e-mails say how to stop them); audited."""
    from core import audit
    from core.models import AuditAction

    facilitator.email_changes, facilitator.email_reminders = changes, reminders
    facilitator.save(update_fields=["email_changes", "email_reminders"])
    audit.record(by, AuditAction.CHANGE, facilitator,
                 detail=f"e-mail preferences changes={int(changes)} reminders={int(reminders)}")
