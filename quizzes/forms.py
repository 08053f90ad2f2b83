from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from .draw_plan import plan_draw
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


def _kept_forms(formset):
    """The formset's forms that stay, in the order they are saved (the draw's order)."""
    kept = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    return sorted(kept, key=lambda f: f.cleaned_data.get("ORDER") or 0)


def rule_shortage_message(rule):
    """Why a draw rule cannot be filled, naming its pool's size."""
    if rule.taken:
        return _(
            "This rule draws %(count)s questions, but its pool has %(pool)s approved questions "
            "and up to %(taken)s of them may already be taken by the fixed questions or the "
            "rules above: at most %(available)s are left."
        ) % {
            "count": rule.count,
            "pool": rule.pool_size,
            "taken": rule.taken,
            "available": rule.available,
        }
    return _(
        "This rule draws %(count)s questions, but its pool has only %(pool)s approved questions."
    ) % {"count": rule.count, "pool": rule.pool_size}


class QuizAdminForm(WagtailAdminModelForm):
    """The quiz editor: a draw rule larger than what its pool can give is refused at the rule."""

    def clean(self):
        cleaned = super().clean()
        fixed_formset = self.formsets.get("fixed_questions")
        rules_formset = self.formsets.get("draw_rules")
        if not (fixed_formset and rules_formset):
            return cleaned
        if not (fixed_formset.is_valid() and rules_formset.is_valid()):
            return cleaned
        # The preview defers required fields: a row not filled in yet is left out of the plan.
        rule_forms = [
            f
            for f in _kept_forms(rules_formset)
            if f.cleaned_data.get("tag") and f.cleaned_data.get("count")
        ]
        self.draw_plan = plan_draw(
            [
                f.cleaned_data["question"].pk
                for f in _kept_forms(fixed_formset)
                if f.cleaned_data.get("question")
            ],
            [
                (f.cleaned_data["tag"].pk, f.cleaned_data["difficulty"], f.cleaned_data["count"])
                for f in rule_forms
            ],
        )
        for rule_form, rule in zip(rule_forms, self.draw_plan.rules, strict=True):
            if rule.short:
                rule_form.add_error("count", rule_shortage_message(rule))
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
