"""The form a reviewer fills in to build a report; the rules are in services.py."""

from django import forms

from reporting.models import Period


class ReportForm(forms.Form):
    period = forms.ModelChoiceField(
        queryset=Period.objects.exclude(state=Period.State.UPCOMING),
        to_field_name="code",
        empty_label=None,
        help_text="Figures come from the updates accepted in this period (or earlier, where a line was not reported).",
    )
    title = forms.CharField(max_length=200, initial="DIFAP progress report to SEOM")
    executive_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="Your summary for SEOM; it opens the report. Separate paragraphs with a blank line.",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the public next to the report's title, for as long as the site lists it.",
    )
