from django.shortcuts import render


def forbidden(request, exception=None):
    """A refused action says why (the domain's PermissionDenied carries the reason)."""
    return render(request, "403.html", {"reason": str(exception) if exception else ""}, status=403)
