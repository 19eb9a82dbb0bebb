"""Who may do what with negotiations, the register, requests and consultations: pages and API both ask here."""

from django.core.exceptions import PermissionDenied

MODERATE = "transparency.moderate"


def is_secretariat(user):
    return bool(user and user.is_authenticated and user.is_secretariat)


def check_can_manage(user):
    """Negotiations, the register, disclosure decisions, answers to requests and consultations: the Secretariat."""
    if not is_secretariat(user):
        raise PermissionDenied("Only ASEAN Secretariat staff manage negotiations, the register and consultations.")


def can_manage(user):
    return is_secretariat(user)


def check_can_moderate(user):
    """Moderation is given to named staff by a permission, not to a whole role."""
    if not (user and user.is_authenticated and user.has_perm(MODERATE)):
        raise PermissionDenied(
            "Only staff given the moderation permission may publish or reject what the public sends."
        )


def can_moderate(user):
    try:
        check_can_moderate(user)
    except PermissionDenied:
        return False
    return True
