"""Domain errors as API answers: every refusal is JSON that says why."""

from django.core.exceptions import PermissionDenied as DomainPermissionDenied
from django.core.exceptions import ValidationError as DomainValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workprogramme.concurrency import Conflict, StaleEdit

from ..services import BulkRejected, NotOnThisUpdate, WrongState
from ..spreadsheets import SpreadsheetRejected


def exception_handler(error, context):
    if isinstance(error, ValidationError) and _names_only_missing_records(error.get_codes()):
        # Well formed, naming a record that does not exist ({"programme": "AWPEC2"}): not found, as in filters.
        return Response(error.detail, status=status.HTTP_404_NOT_FOUND)
    if isinstance(error, NotOnThisUpdate):
        return Response(error.message_dict, status=status.HTTP_404_NOT_FOUND)
    if isinstance(error, WrongState):
        return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
    if isinstance(error, DomainValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        if "__all__" in detail:
            detail["non_field_errors"] = detail.pop("__all__")
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(error, DomainPermissionDenied):
        return Response({"detail": str(error) or "You may not do this."}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(error, StaleEdit):
        return Response({"detail": str(error)}, status=status.HTTP_412_PRECONDITION_FAILED)
    if isinstance(error, Conflict):
        return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
    if isinstance(error, BulkRejected):
        errors = [
            {**item, "errors": {("non_field_errors" if k == "__all__" else k): v for k, v in item["errors"].items()}}
            for item in error.errors
        ]
        answer = status.HTTP_409_CONFLICT if error.conflict else status.HTTP_400_BAD_REQUEST
        return Response({"detail": str(error), "errors": errors}, status=answer)
    if isinstance(error, SpreadsheetRejected):
        return Response({"detail": str(error), "errors": error.errors}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(error, context)


def _names_only_missing_records(codes):
    """Whether every error in a DRF error tree is a reference to a record that does not exist."""
    if isinstance(codes, dict):
        return bool(codes) and all(_names_only_missing_records(c) for c in codes.values())
    if isinstance(codes, list):
        return bool(codes) and all(_names_only_missing_records(c) for c in codes)
    return codes == "does_not_exist"
