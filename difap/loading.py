"""Loads DIFAP's mid-2019 IMPLEMENTATION column (fixtures/difap-2019-implementation.yaml) as dated records."""

from django.db import transaction

from workprogramme.loading import FIXTURES, CatalogueError, LoadResult, read_yaml, upsert
from workprogramme.models import Initiative, MemberState

from .models import ImplementationRecord

IMPLEMENTATION_FILE = FIXTURES / "difap-2019-implementation.yaml"


@transaction.atomic
def load_implementation(path=IMPLEMENTATION_FILE, result=None):
    result = result or LoadResult()
    initiatives = {i.code: i for i in Initiative.objects.prefetch_related("outputs")}
    member_states = set(MemberState.objects.values_list("code", flat=True))
    statuses = set(ImplementationRecord.MemberStateStatus.values)
    kept = []
    for position, entry in enumerate(read_yaml(path), start=1):
        code = entry["initiative"]
        initiative = initiatives.get(code)
        if initiative is None:
            raise CatalogueError(f"{path.name}: entry {position} names unknown initiative {code!r}")
        output = None
        if entry.get("output"):
            output = next((o for o in initiative.outputs.all() if o.position == entry["output"]), None)
            if output is None:
                raise CatalogueError(f"{path.name}: {code} has no output {entry['output']}")
        per_state = entry.get("member_states") or {}
        unknown = set(per_state) - member_states
        wrong = set(per_state.values()) - statuses
        if unknown or wrong:
            raise CatalogueError(
                f"{path.name}: {code}: unknown Member State(s) {unknown or ''} status(es) {wrong or ''}"
            )
        record = upsert(
            ImplementationRecord,
            {"initiative": initiative, "output": output},
            {
                "as_of": entry.get("as_of"),
                "text": entry["text"].strip(),
                "member_states": dict(sorted(per_state.items())),
                "position": position,
            },
            result,
        )
        kept.append(record.pk)
    ImplementationRecord.objects.exclude(pk__in=kept).delete()
    return result
