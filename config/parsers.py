"""The API's JSON parser: DRF's, except that a body nested too deeply for Python's parser is a 400, not a 500."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json's C decoder gives up cleanly at the interpreter's recursion limit (about 1,000 levels); no
            # request of this API nests more than four levels, so this is a broken or hostile body.
            raise ParseError("JSON nested too deeply: send at most a few levels of objects and lists.") from None
