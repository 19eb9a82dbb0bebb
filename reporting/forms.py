"""Browser forms: they parse what people type; the rules themselves are in services.py."""

from django import forms

from workprogramme.models import MemberState, Status

from .limits import (
    EXPLANATION_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    RESTRICTION_REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
)
from .models import Evidence, MemberStateProgress, Period, Reason
from .services import UPDATE_FIELDS


class UpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    progress = forms.IntegerField(label="Progress (%)", min_value=0, max_value=100)
    as_of = forms.DateField(
        label="Facts as of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank for the day you submit.",
    )
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        help_text="What was done this period: meetings, decisions, documents.",
    )
    next_steps = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_MAX_LENGTH)
    blockers = forms.CharField(
        label="Blockers and risks", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_MAX_LENGTH
    )
    reason = forms.ChoiceField(
        label="Reason (delayed or discontinued)", choices=[("", "—"), *Reason.choices], required=False
    )
    reason_explanation = forms.CharField(
        label="Explanation of the reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=EXPLANATION_MAX_LENGTH,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_state_fields = []
        if initiative.per_member_state:
            for ms in MemberState.objects.all():
                name = f"ms_{ms.code}"
                self.fields[name] = forms.ChoiceField(
                    label=ms.name, required=False, choices=[("", "Not reported"), *MemberStateProgress.Status.choices]
                )
                self.member_state_fields.append(name)

    def values(self):
        return {k: self.cleaned_data.get(k) for k in UPDATE_FIELDS}

    def member_states(self):
        if not self.member_state_fields:
            return None
        return {name[3:]: self.cleaned_data[name] for name in self.member_state_fields if self.cleaned_data.get(name)}

    def member_state_bound_fields(self):
        return [self[name] for name in self.member_state_fields]

    def add_service_errors(self, error):
        """Put a ValidationError from the services on the fields it names."""
        for field, messages in (
            error.message_dict.items() if hasattr(error, "error_dict") else [("__all__", error.messages)]
        ):
            target = field if field in self.fields else None
            if field == "member_states" and self.member_state_fields:
                target = None
            for message in messages:
                self.add_error(target, message)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What needs revising", max_length=NOTE_MAX_LENGTH
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Comment", max_length=NOTE_MAX_LENGTH)
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DisclosureForm(forms.Form):
    """Whether the public may open a piece of evidence once its update is accepted; the reviewer confirms it."""

    disclosure = forms.ChoiceField(
        label="May the public open it?",
        choices=[
            (Evidence.Disclosure.PUBLIC, "Public: anyone may open it once the update is accepted"),
            (Evidence.Disclosure.RESTRICTED, "Restricted: the public sees only that it exists, and why not"),
        ],
        initial=Evidence.Disclosure.PUBLIC,
        required=False,  # left out (as a script posting the form might): public, as in the API
        widget=forms.RadioSelect,
    )
    restriction_reason = forms.CharField(
        label="Why it is restricted",
        required=False,
        max_length=RESTRICTION_REASON_MAX_LENGTH,
        help_text="Shown publicly in place of its title, e.g. \u201cshared in confidence by a dialogue partner\u201d.",
    )


class EvidenceLinkForm(DisclosureForm):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    kind = forms.ChoiceField(choices=[("link", "Link"), ("meeting", "Meeting reference")])
    url = forms.URLField(label="Address (URL)", required=False, max_length=URL_MAX_LENGTH, assume_scheme="https")
    field_order = ["title", "kind", "url", "disclosure", "restriction_reason"]


class EvidenceFileForm(DisclosureForm):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH, required=False)
    file = forms.FileField(help_text="PDF, DOCX, XLSX, PNG or JPEG, at most 10 MB.")
    field_order = ["title", "file", "disclosure", "restriction_reason"]


class PeriodForm(forms.Form):
    year = forms.IntegerField(min_value=2017, max_value=2100)
    half = forms.TypedChoiceField(choices=[(1, "H1 (January-June)"), (2, "H2 (July-December)")], coerce=int)
    deadline = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank for one month after the period ends.",
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("year")
            and data.get("half")
            and Period.objects.filter(year=data["year"], half=data["half"]).exists()
        ):
            raise forms.ValidationError(f"{Period.make_code(data['year'], data['half'])} already exists.")
        return data


class CorrectionForm(forms.Form):
    """The ASEAN Secretariat's correction of a line's status between reports (services.status_correct)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label="Corrected status", choices=Status.choices)
    reason = forms.ChoiceField(
        label="Reason (for a delayed or discontinued line)",
        choices=[("", "(none)"), *Reason.choices],
        required=False,
    )
    reason_explanation = forms.CharField(
        label="Explain the reason",
        required=False,
        max_length=EXPLANATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label="Why the Secretariat corrects it",
        required=False,  # the service says what is missing, all at once
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown with the correction in the line's history (public) and in the next report.",
    )
