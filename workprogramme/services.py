"""Changes to the catalogue made by people (loading from the documents is in loading.py)."""


def can_edit_catalogue(user):
    return user.is_authenticated and getattr(user, "is_secretariat", False)
