"""How long what people write in the reporting cycle may be, and the helpers that enforce it everywhere."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# How long what people write may be, in characters. Defined once, here, and enforced by the forms, the API
# serializers (published as maxLength in the OpenAPI schema), the spreadsheet upload, the services and the
# database: nothing longer is stored, and nothing is ever cut short silently.
NARRATIVE_MAX_LENGTH = 10_000  # about three pages: a half-year's work on one line (DIFAP's longest 2019 entry: 1,893)
NOTE_MAX_LENGTH = 5_000  # next steps, blockers and risks, review comments and comments: a page and a half
EXPLANATION_MAX_LENGTH = 2_000  # why a line is delayed or discontinued is "a sentence or two"
TITLE_MAX_LENGTH = 300  # an evidence title: the full title of a meeting report or a regional agreement fits
RESTRICTION_REASON_MAX_LENGTH = 300  # why evidence is withheld from the public: shown publicly in one line
URL_MAX_LENGTH = 2_000  # the longest address that browsers and servers reliably handle


def text_field(max_length, *args, **kwargs):
    """A TextField that refuses more than `max_length` characters in forms, serializers and model validation."""
    return models.TextField(*args, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs)


def at_most(field, max_length, name):
    """The database's own refusal of a text longer than its limit, whatever wrote it."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), max_length),
        name=name,
        violation_error_message=f"{field.replace('_', ' ').capitalize()}: at most {max_length:,} characters.",
    )


def length_error(model, field, value):
    """The message refusing `value` for `model.field` when it is longer than the field's limit; None when it fits."""
    limit = model._meta.get_field(field).max_length
    if isinstance(value, str) and len(value) > limit:
        return f"At most {limit:,} characters; this has {len(value):,}."
    return None
