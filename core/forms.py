"""Form helpers shared by the apps' pages."""
from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that fed it: each message on the field it names,
    the others (and those of fields the form does not have) above the form."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for name, messages in by_field.items():
        form.add_error(name if name in form.fields else None, messages)
