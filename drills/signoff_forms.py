"""The instructor's form for one person: per skill of the checklist 达标 / 未达标 and a note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models.signoffs import NOTE_LENGTH

VERDICTS = [("pass", _("Passed (达标)")), ("fail", _("Not passed (未达标)"))]
SKILL_PREFIX = "skill-"
NOTE_PREFIX = "note-"


class SignOffForm(forms.Form):
    """One radio group and one note per skill; a skill left unmarked is not signed off now."""

    def __init__(self, *args, checklist=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.checklist = list(checklist)
        self.rows = []
        for skill_id, title, standard in self.checklist:
            verdict = current.get(skill_id)
            self.fields[SKILL_PREFIX + skill_id] = forms.ChoiceField(
                label=title,
                choices=VERDICTS,
                required=False,
                widget=forms.RadioSelect,
                help_text=standard,
                initial=None if verdict is None else ("pass" if verdict.passed else "fail"),
            )
            self.fields[NOTE_PREFIX + skill_id] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=NOTE_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Optional, at most 300 characters: what to practise."),
            )
            self.rows.append(
                {
                    "skill_id": skill_id,
                    "title": title,
                    "verdict": self[SKILL_PREFIX + skill_id],
                    "note": self[NOTE_PREFIX + skill_id],
                    "latest": verdict,
                }
            )

    def clean(self):
        cleaned = super().clean()
        known = {skill_id for skill_id, _title, _standard in self.checklist}
        posted = {name[len(SKILL_PREFIX) :] for name in self.data if name.startswith(SKILL_PREFIX)}
        if posted - known:
            raise forms.ValidationError(_("This skill is not in the lesson's skills checklist."))
        if not any(cleaned.get(SKILL_PREFIX + skill_id) for skill_id in known):
            raise forms.ValidationError(_("Mark at least one skill as passed or not passed."))
        return cleaned

    def results(self):
        """{skill id: (passed, note)} of the skills marked, for drills.signoffs.sign_off."""
        return {
            skill_id: (
                self.cleaned_data[SKILL_PREFIX + skill_id] == "pass",
                self.cleaned_data.get(NOTE_PREFIX + skill_id, ""),
            )
            for skill_id, _title, _standard in self.checklist
            if self.cleaned_data.get(SKILL_PREFIX + skill_id)
        }
