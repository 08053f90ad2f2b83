from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from .models import AnswerChoice, choice_set_errors


class QuestionAdminForm(WagtailAdminModelForm):
    """The question editor: the choices are checked against the type before anything is saved."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("choices")
        kind = cleaned.get("kind")
        if formset is None or not kind or not formset.is_valid():
            return cleaned
        flags = [
            form.cleaned_data.get("is_correct", False)
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        for error in choice_set_errors(kind, flags):
            self.add_error(None, error)
        removed = [
            form.instance.pk
            for form in formset.forms
            if form.cleaned_data.get("DELETE") and form.instance.pk
        ]
        if removed and AnswerChoice.objects.filter(choice_id__in=removed).exists():
            # The picks point at the choice (PROTECT); deleting it would end in an error.
            self.add_error(
                None,
                _(
                    "A choice learners have picked cannot be removed: correct its text or "
                    "its right flag instead, or retire the question and write a new one."
                ),
            )
        return cleaned


class ImportUploadForm(forms.Form):
    """The question bank to preview: the template as .xlsx, or a bank in Word or plain text."""

    SHEETS = ("xlsx", "xls")
    DOCUMENTS = ("docx", "txt")

    file = forms.FileField(
        label=_("Question bank (.xlsx, .docx or .txt)"),
        help_text=_(
            "The template filled in (.xlsx), or a bank in the usual layout as a Word document "
            "(.docx) or plain text (.txt, UTF-8 or GB18030)."
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        name = uploaded.name or ""
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension in ("doc", "wps"):
            raise forms.ValidationError(
                _(
                    "Old .doc and WPS .wps files are not read: open the file in Word or WPS, "
                    "choose Save As → Word document (.docx), and upload that."
                )
            )
        if extension not in self.SHEETS + self.DOCUMENTS:
            raise forms.ValidationError(
                _("Upload an Excel file (.xlsx), a Word document (.docx) or a text file (.txt).")
            )
        self.extension = extension
        return uploaded
