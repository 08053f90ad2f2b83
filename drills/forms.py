"""Forms of training sessions: scheduling one, and putting a person on its roster."""

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import LessonPage

from .models.sessions import MAX_CAPACITY
from .session_access import find_person, instructor_choices, organiser_choices, town_of

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _moment(label):
    return forms.DateTimeField(
        label=label,
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("Enter a date and time, e.g. 2026-05-20 14:00.")},
    )


class LessonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, lesson):
        return f"{lesson.get_parent().title} · {lesson.title}"


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        return f"{person.name} ({person.username})"


class SessionForm(forms.Form):
    """A session of a practical lesson: when, where, how many, who teaches, who may come."""

    OPEN_TO = [("own", _("Members of the organiser")), ("town", _("The organiser's whole town"))]

    lesson = LessonChoiceField(label=_("Practical lesson"), queryset=None)
    organisation = forms.ModelChoiceField(label=_("Organiser"), queryset=None)
    open_to = forms.ChoiceField(
        label=_("Open to"), choices=OPEN_TO, initial="own", widget=forms.RadioSelect
    )
    starts_at = _moment(_("Starts"))
    ends_at = _moment(_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=200)
    map_url = forms.URLField(
        label=_("Map link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A link to the place on a map (http or https)."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=MAX_CAPACITY,
        error_messages={"invalid": _("Enter a whole number of places.")},
    )
    signup_deadline = _moment(_("Sign-up deadline"))
    instructors = PersonChoiceField(label=_("Instructors"), queryset=None)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, actor, session=None, **kwargs):
        self.session = session
        if session is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "lesson": session.lesson_id,
                "organisation": session.organisation_id,
                "open_to": "own" if session.open_to_id == session.organisation_id else "town",
                "starts_at": timezone.localtime(session.starts_at),
                "ends_at": timezone.localtime(session.ends_at),
                "place": session.place,
                "map_url": session.map_url,
                "capacity": session.capacity,
                "signup_deadline": timezone.localtime(session.signup_deadline),
                "instructors": list(session.instructors.values_list("pk", flat=True)),
                "note": session.note,
            }
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = (
            LessonPage.objects.live().filter(kind=LessonPage.Kind.PRACTICAL).order_by("path")
        )
        self.fields["organisation"].queryset = organiser_choices(actor).order_by("path")
        self.fields["instructors"].queryset = instructor_choices(actor)
        if session is not None:
            # The lesson and organiser of a session people signed up for stay as they are.
            del self.fields["lesson"]
            del self.fields["organisation"]

    def clean(self):
        data = super().clean()
        now = timezone.now()
        starts, ends, deadline = (data.get(k) for k in ("starts_at", "ends_at", "signup_deadline"))
        changed = self.session is None or "starts_at" in self.changed_data
        if starts and changed and starts <= now:
            self.add_error("starts_at", _("The session must start in the future."))
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        if deadline and starts and deadline > starts:
            self.add_error("signup_deadline", _("The sign-up deadline cannot be after the start."))
        deadline_changed = self.session is None or "signup_deadline" in self.changed_data
        if deadline and deadline_changed and deadline < now:
            self.add_error("signup_deadline", _("The sign-up deadline cannot be in the past."))
        return data

    def session_fields(self):
        """The model fields to write, with open_to resolved to an organisation."""
        data = self.cleaned_data
        organisation = data.get("organisation") or self.session.organisation
        fields = {
            name: data[name]
            for name in (
                "starts_at",
                "ends_at",
                "place",
                "map_url",
                "capacity",
                "signup_deadline",
                "note",
            )
        }
        fields["open_to"] = organisation if data["open_to"] == "own" else town_of(organisation)
        if self.session is None:
            fields["lesson"] = data["lesson"]
            fields["organisation"] = organisation
        return fields


class PersonForm(forms.Form):
    """A person named by login name or mobile number, among those `people` allows."""

    person = forms.CharField(
        label=_("Login name or mobile number"),
        max_length=150,
        error_messages={"required": _("Enter the person's login name or mobile number.")},
    )

    def __init__(self, *args, people, **kwargs):
        self.people = people
        super().__init__(*args, **kwargs)

    def clean_person(self):
        person = find_person(self.cleaned_data["person"])
        if person is None or not self.people.filter(pk=person.pk).exists():
            raise forms.ValidationError(
                _(
                    "No one of that login name or mobile number may join this session: they "
                    "must be a member within the organisation it is open to."
                )
            )
        return person
