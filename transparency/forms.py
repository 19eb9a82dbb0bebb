"""Forms read what people type; the rules are in services.py."""

from django import forms

from workprogramme.models import Initiative, MemberState

from .models import (
    Document,
    DocumentVersion,
    Organisation,
    RejectionReason,
    Response,
    RestrictionReason,
)


class DateInput(forms.DateInput):
    input_type = "date"


class DecisionForm(forms.Form):
    to_state = forms.ChoiceField(
        label="Disclosure",
        choices=[(k, v) for k, v in Document.Disclosure.choices if k != Document.Disclosure.REQUESTED],
    )
    reason = forms.ChoiceField(
        label="Reason (if restricted)", choices=[("", "—"), *RestrictionReason.choices], required=False
    )
    review_on = forms.DateField(label="Review date (if restricted)", required=False, widget=DateInput)
    explanation = forms.CharField(
        label="Explanation (published)", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class VersionForm(forms.Form):
    label = forms.CharField(label="Label", max_length=200, required=False)
    dated = forms.DateField(label="Date of the version", required=False, widget=DateInput)
    text = forms.CharField(
        label="Text ([bracketed] passages are still under negotiation)",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=DocumentVersion._meta.get_field("text").max_length,
    )
    file = forms.FileField(label="File (PDF, DOCX, XLSX, PNG or JPEG, up to 10 MB)", required=False)
    publish = forms.BooleanField(label="Publish this version now", required=False)


class Honeypot(forms.Form):
    # Hidden from people by CSS (.honeypot); a bot that fills every field gives itself away.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class RequestForm(Honeypot):
    subject = forms.ChoiceField(label="You ask for", choices=[("document", "A document"), ("meeting", "A meeting")])
    document = forms.ModelChoiceField(label="Register entry (if any)", queryset=Document.objects.none(), required=False)
    text = forms.CharField(label="What you ask for", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    name = forms.CharField(label="Your name (never shown publicly)", max_length=200)
    organisation = forms.CharField(label="Organisation (optional)", max_length=200, required=False)
    email = forms.EmailField(label="Email (never shown publicly; we send a link to confirm)")

    def __init__(self, *args, negotiation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = negotiation.documents.all()


class ResponseForm(Honeypot):
    text = forms.CharField(label="Your response", widget=forms.Textarea(attrs={"rows": 8}), max_length=10000)
    name = forms.CharField(label="Your name (never shown publicly)", max_length=200)
    organisation = forms.CharField(label="Organisation (optional)", max_length=200, required=False)
    organisation_kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=[("", "I respond as an individual"), *Organisation.Kind.choices],
        required=False,
    )
    country = forms.ModelChoiceField(
        label="Country", queryset=MemberState.objects.all(), required=False, empty_label="Outside ASEAN or not given"
    )
    anonymous = forms.BooleanField(label="Publish without my organisation's name", required=False)
    email = forms.EmailField(label="Email (never shown publicly; we send a link to confirm)")


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", "Publish"), ("reject", "Reject")])
    reason = forms.ChoiceField(choices=[("", "—"), *RejectionReason.choices], required=False)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Answer", choices=[("granted", "Granted"), ("partly", "Partly granted"), ("refused", "Refused")]
    )
    refusal_reason = forms.ChoiceField(
        label="Reason (if refused)", choices=[("", "—"), *RestrictionReason.choices], required=False
    )
    text = forms.CharField(label="Answer (published)", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ConsultationForm(forms.Form):
    title = forms.CharField(max_length=300)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000)
    version = forms.ModelChoiceField(
        label="On the public version", queryset=DocumentVersion.objects.none(), required=False
    )
    chapter = forms.ModelChoiceField(label="Or on the chapter", queryset=None, required=False)
    initiative = forms.ModelChoiceField(
        label="Or on the action plan line", queryset=Initiative.objects.all(), required=False
    )
    member_state = forms.ModelChoiceField(
        label="Level", queryset=MemberState.objects.all(), required=False, empty_label="ASEAN"
    )
    opens_on = forms.DateField(widget=DateInput)
    closes_on = forms.DateField(widget=DateInput)
    questions = forms.CharField(
        label="Questions (one a line)", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )

    def __init__(self, *args, negotiation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = (
            DocumentVersion.objects.public().filter(document__negotiation=negotiation).select_related("document")
        )
        self.fields["chapter"].queryset = negotiation.chapters.all()


class ReplyForm(forms.Form):
    responses = forms.ModelMultipleChoiceField(queryset=Response.objects.none(), widget=forms.CheckboxSelectMultiple)
    text = forms.CharField(label="Reply (published)", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responses"].queryset = consultation.responses.public()
        self.fields["responses"].label_from_instance = lambda response: f"{response.pk}. {response.public_author}"


class SubscribeForm(Honeypot):
    email = forms.EmailField(label="Your email (confirmed by a link; never shown)")
