"""Writes of the activities part: each owns its transaction, so nothing is half-saved."""
from django.db import transaction


@transaction.atomic
def save_facilitator(form, availability_formset, exception_formset):
    """Save a facilitator with their weekly availability and dated exceptions, all or nothing."""
    facilitator = form.save()
    for formset in (availability_formset, exception_formset):
        formset.instance = facilitator
        formset.save()
    return facilitator
