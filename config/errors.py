from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults


def forbidden(request, exception=None):
    """A refused action says why (the domain's PermissionDenied carries the reason)."""
    if _is_api(request):
        return JsonResponse({"detail": str(exception) or "You may not do this."}, status=403)
    return render(request, "403.html", {"reason": str(exception) if exception else ""}, status=403)


# Programs read what answers under /api/: there, even a URL that matches no route, or a crash, answers JSON. Everywhere
# else the site's own 404.html and 500.html pages (Django's default views render them).


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error: the request was not completed. Try again later."}, status=500)
    return defaults.server_error(request)


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def _is_api(request):
    return request.path.startswith("/api/")
