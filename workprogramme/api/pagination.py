from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """Pages of 50 by default. A `page` or `page_size` that is not a whole number in range is refused (400 naming the
    parameter) rather than quietly replaced by the default: a client with a typo must learn of it. An empty value
    (`?page=`) is not a number either: leave the parameter out for the default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        return self._whole_number(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self._whole_number(request, self.page_query_param, 1, None)
        return super().paginate_queryset(queryset, request, view)

    @staticmethod
    def _whole_number(request, name, default, maximum):
        raw = request.query_params.get(name)
        if raw is None or (name == "page" and raw == "last"):
            return default
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or (maximum and int(raw) > maximum):
            limit = f" from 1 to {maximum}" if maximum else " from 1"
            raise ValidationError({name: [f"A whole number{limit}."]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = f"Results per page, 1 to {self.max_page_size} (default {self.page_size})."
        return parameters
