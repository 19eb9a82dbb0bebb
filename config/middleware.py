from urllib.parse import unquote

from django.http import JsonResponse


class RefuseNullCharacters:
    """A NUL character in the address is never meaningful, and PostgreSQL refuses it in any text it compares:
    answer 400 here rather than fail deep inside a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in unquote(request.META.get("QUERY_STRING", "")) or "\x00" in request.path:
            return JsonResponse({"detail": "Null characters are not allowed in the address."}, status=400)
        return self.get_response(request)
