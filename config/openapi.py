"""Every API answer is documented: the refusals every operation can give are added to each one."""

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
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
                )
    return result
