"""Loads DIFAP's mid-2019 IMPLEMENTATION column (fixtures/difap-2019-implementation.yaml) as dated records."""

from django.db import transaction

from workprogramme.loading import FIXTURES, CatalogueError, LoadResult, read_yaml, upsert
from workprogramme.models import DatePrecision, Initiative, MemberState, Status

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
        text = entry["text"].strip()
        record = upsert(
            ImplementationRecord,
            {"initiative": initiative, "output": output},
            {
                **_reviewed_mapping(entry, initiative, text, f"{path.name}: {code}"),
                "text": text,
                "member_states": dict(sorted(per_state.items())),
                "position": position,
            },
            result,
        )
        kept.append(record.pk)
    ImplementationRecord.objects.exclude(pk__in=kept).delete()
    return result


def _reviewed_mapping(entry, initiative, text, where):
    """The status, its justifying sentence, dates and output statuses a reviewer read from the text, checked."""
    statuses = {choice for choice, _ in ImplementationRecord._meta.get_field("status").choices}
    status, basis = entry.get("status"), (entry.get("basis") or "").strip()
    if status not in statuses:
        raise CatalogueError(f"{where}: status {status!r} is not one of {sorted(statuses)}")
    if not basis or basis not in text:
        raise CatalogueError(f"{where}: the basis must be a sentence of the text, word for word: {basis!r}")
    planned = bool(entry.get("planned"))
    if planned and status != Status.NOT_STARTED:
        raise CatalogueError(f"{where}: a record stating only plans cannot be {status}")
    values = {"status": status, "basis": basis, "planned": planned, "source": entry.get("source") or ""}
    for name in ("as_of", "planned_on"):
        precision = entry.get(f"{name}_precision") or DatePrecision.DAY
        if precision not in DatePrecision.values:
            raise CatalogueError(f"{where}: {name}_precision is day, month or year, not {precision!r}")
        day = entry.get(name)
        if day and precision != DatePrecision.DAY and (day.day != 1 or (precision == "year" and day.month != 1)):
            raise CatalogueError(f"{where}: a date known to the {precision} is stored as its first day, not {day}")
        values[name], values[f"{name}_precision"] = day, precision
    positions = {o.position for o in initiative.outputs.all()}
    outputs = {}
    for position, said in (entry.get("outputs") or {}).items():
        if int(position) not in positions:
            raise CatalogueError(f"{where}: has no output {position}")
        if said.get("status") not in statuses or not said.get("basis") or said["basis"] not in text:
            raise CatalogueError(f"{where}: output {position} needs a status and a basis quoted from the text")
        outputs[str(int(position))] = {"status": said["status"], "basis": said["basis"]}
    values["outputs"] = dict(sorted(outputs.items(), key=lambda item: int(item[0])))
    return values
