"""Forms of the list imports (detainees, facilitators): upload, then confirm what the preview showed."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .imports import MAX_FILE_BYTES
from .models import DetaineeStatus


class ListUploadForm(forms.Form):
    """A list to import (xlsx or CSV) for one of `sites` (None: a list shared by every site)."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    file = forms.FileField(label=_("File (xlsx or CSV)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}))

    def __init__(self, *args, sites, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = help_text
        if sites is None:  # a list shared by every site
            del self.fields["site"]
            return
        self.fields["site"].queryset = sites
        if sites.count() == 1:
            self.fields["site"].initial = sites.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx) or a CSV file (.csv)."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class DetaineeImportUploadForm(ListUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, help_text=_("One row per detainee; the first row holds the column names."), **kwargs)
        self.fields["site"].label = _("Site the list comes from")


class ImportConfirmForm(forms.Form):
    """Confirms what the preview showed: the token of the file kept in the session."""

    token = forms.CharField(widget=forms.HiddenInput)


class DetaineeImportConfirmForm(ImportConfirmForm):
    mark_missing = forms.ChoiceField(
        label=_("Detainees of this site missing from the file"),
        choices=[
            ("", _("Leave them as they are")),
            (DetaineeStatus.TRANSFERRED, _("Mark them transferred")),
            (DetaineeStatus.RELEASED, _("Mark them released")),
        ],
        required=False, initial="", widget=forms.RadioSelect,
        help_text=_("Marked detainees leave their unit, and their open applications and enrolments end."),
    )
