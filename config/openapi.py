"""The schema states what the API does: every refusal documented with its JSON shape, one encoding per request
body, unknown fields refused where the API refuses them, and links from each created record to what can be done
with it next (so that generated clients and schemathesis's stateful phase can follow them)."""

COMMON = {
    "400": "Invalid input or filter: field-level messages.",
    "401": "No valid token (or session).",
    "403": "Not allowed for this caller; `detail` says why.",
    "404": "No such record, or page.",
    "429": "Too many requests for this token; `Retry-After` says when to try again.",
}
RETRIES = {
    "409": "A request with the same Idempotency-Key is still being handled; retry in a moment.",
    "422": "This Idempotency-Key was already used for a different request.",
}
PRECONDITIONS = {
    "412": "The update changed since it was read (If-Match does not match its ETag).",
    "428": "If-Match is required.",
}
ERROR_SCHEMA = {"type": "object", "additionalProperties": True, "properties": {"detail": {"type": "string"}}}
ERROR_CONTENT = {"application/json": {"schema": ERROR_SCHEMA}}
# An ETag as the API sends it ("3"), weak or not; If-Match: * is not taken (a change must name the version it read).
ETAG_PATTERN = r'^(W/)?"?[0-9]+"?$'
NO_NUL = r"^[^\u0000]*$"

# The next steps a created or changed record allows, by the operation that answered it (OpenAPI links).
UPDATE = {"id": "$response.body#/id"}
NEXT_FOR_UPDATE = {
    "ReadTheUpdate": ("v1_updates_retrieve", UPDATE),
    "ChangeTheUpdate": ("v1_updates_partial_update", UPDATE | {"header.If-Match": "$response.header.ETag"}),
    "SubmitTheUpdate": ("v1_updates_submit_create", UPDATE),
    "WithdrawTheUpdate": ("v1_updates_withdraw_create", UPDATE),
    "AcceptTheUpdate": ("v1_updates_accept_create", UPDATE),
    "ReturnTheUpdate": ("v1_updates_return_create", UPDATE),
    "AddEvidence": ("v1_updates_evidence_create", UPDATE),
}
REPORT = {"id": "$response.body#/id"}
NEXT_FOR_REPORT = {
    "ReadTheReport": ("v1_reports_retrieve", REPORT),
    "ExportTheReport": ("v1_reports_export_retrieve", REPORT),
    "PublishTheReport": ("v1_reports_publish_create", REPORT),
    "RetryTheReport": ("v1_reports_retry_create", REPORT),
    "WithdrawTheReport": ("v1_reports_withdraw_create", REPORT),
}
LINKS = {
    ("v1_updates_create", "201"): NEXT_FOR_UPDATE,
    ("v1_updates_retrieve", "200"): NEXT_FOR_UPDATE,
    ("v1_updates_partial_update", "200"): NEXT_FOR_UPDATE,
    ("v1_updates_submit_create", "200"): NEXT_FOR_UPDATE,
    ("v1_updates_withdraw_create", "200"): NEXT_FOR_UPDATE,
    ("v1_updates_return_create", "200"): NEXT_FOR_UPDATE,
    ("v1_updates_evidence_create", "201"): {
        "RemoveTheEvidence": (
            "v1_updates_evidence_destroy",
            {"id": "$request.path.id", "evidence_id": "$response.body#/id"},
        ),
        "ReadTheUpdate": ("v1_updates_retrieve", {"id": "$request.path.id"}),
    },
    ("v1_reports_create", "202"): NEXT_FOR_REPORT,
    ("v1_reports_publish_create", "200"): NEXT_FOR_REPORT,
}


def add_common_errors(result, generator, request, public):
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            headers = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
            errors = dict(COMMON)
            if "Idempotency-Key" in headers:
                errors |= RETRIES
            if "If-Match" in headers or (method == "post" and operation.get("operationId", "").startswith("updates_")):
                errors |= PRECONDITIONS
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(code, {"description": description})
            # A refusal is always JSON: say so, so that generated clients read it instead of dropping it.
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = ERROR_CONTENT
    return result


def one_encoding_per_body(result, generator, request, public):
    """A JSON body is documented as JSON only: form encodings cannot carry its nested objects (per-Member-State
    status, bulk items), and a client generated from three encodings of one body sends the last one. Multipart
    stays where it carries something else (a file)."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            content = operation.get("requestBody", {}).get("content") if isinstance(operation, dict) else None
            if not content or "application/json" not in content:
                continue
            content.pop("application/x-www-form-urlencoded", None)
            multipart = content.get("multipart/form-data", {})
            if multipart.get("schema") == content["application/json"].get("schema"):
                del content["multipart/form-data"]
    return result


def strict_request_bodies(result, generator, request, public):
    """Serializers that refuse unknown fields say so (`additionalProperties: false`)."""
    from reporting.api.serializers import StrictSerializer

    schemas = result.get("components", {}).get("schemas", {})
    for component in generator.registry._components.values():
        serializer = component.object
        serializer_class = serializer if isinstance(serializer, type) else type(serializer)
        if (
            component.type == "schemas"
            and isinstance(serializer_class, type)
            and issubclass(serializer_class, StrictSerializer)
            and component.name in schemas
        ):
            schemas[component.name]["additionalProperties"] = False
    return result


def etag_and_links(result, generator, request, public):
    """If-Match takes the ETag's form; each record created or changed links to the steps it allows next."""
    operations = {}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operations[operation["operationId"]] = operation
    for operation in operations.values():
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "header" and parameter["name"] == "If-Match":
                parameter["schema"] = {"type": "string", "pattern": ETAG_PATTERN, "example": '"3"'}
            schema = parameter.get("schema", {})
            free_text = schema.get("type") == "string" and not schema.keys() & {"pattern", "enum"}
            if parameter.get("in") == "query" and free_text:
                # An address holding a NUL character is refused before any view (config/middleware.py).
                schema["pattern"] = NO_NUL
    for (operation_id, code), links in LINKS.items():
        response = operations.get(operation_id, {}).get("responses", {}).get(code)
        if response is None:
            continue
        response["links"] = {
            name: {"operationId": target, "parameters": dict(parameters)}
            for name, (target, parameters) in links.items()
            if target in operations
        }
    return result
