"""Writing to the audit log: one call per viewed or changed detainee record and per export."""
from .models import AuditAction, AuditEntry


def record(user, action: str, obj=None, *, object_type: str = "", detainee_id=None, detail: str = ""):
    """Append one audit entry. `detail` must not contain names or other detainee data."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = str(obj.pk)
        if detainee_id is None and obj._meta.label_lower == "prisons.detainee":
            detainee_id = obj.pk
        elif detainee_id is None:
            detainee_id = getattr(obj, "detainee_id", None)
    else:
        object_id = ""
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detainee_id=detainee_id,
        detail=detail[:255],
    )


def record_export(user, what: str, detail: str = ""):
    return record(user, AuditAction.EXPORT, object_type=what, detail=detail)


def record_each(user, action: str, objects, *, object_type: str, detail="") -> None:
    """One entry per object (each with `pk` and `detainee_id`) in one query: a page that prints many
    people's slips or plans many interviews. `detail`: a text, or a function of the object giving it; it
    must not contain names or other detainee data."""
    AuditEntry.objects.bulk_create([
        AuditEntry(user=user if getattr(user, "is_authenticated", False) else None, action=action,
                   object_type=object_type, object_id=str(obj.pk), detainee_id=obj.detainee_id,
                   detail=(detail(obj) if callable(detail) else detail)[:255])
        for obj in objects])
