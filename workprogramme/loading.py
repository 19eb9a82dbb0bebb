"""Loads the catalogue from the hand-checked YAML files in fixtures/ (format: docs/catalogue-fixtures.md).

All plan files are read and merged in memory first (a later document's wording and columns win for an item
it quotes), then written in one transaction, saving only what differs. Loading twice therefore changes
nothing and adds no history.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from .models import (
    Area,
    Body,
    DatePrecision,
    Initiative,
    InitiativeListing,
    MemberState,
    Outcome,
    OutcomeListing,
    Output,
    Programme,
    Responsibility,
)
from .timelines import parse_timeline

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PLAN_FILES = ["awpec-2017-2025.yaml", "difap-2019-2025.yaml"]


class CatalogueError(Exception):
    """A fixture that does not describe a consistent catalogue; the message says where."""


@dataclass
class LoadResult:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)

    def count(self, model, created):
        bucket = self.created if created else self.updated
        name = model._meta.verbose_name_plural
        bucket[name] = bucket.get(name, 0) + 1

    def __str__(self):
        def fmt(d):
            return ", ".join(f"{n} {k}" for k, n in sorted(d.items())) or "nothing"

        return f"created {fmt(self.created)}; updated {fmt(self.updated)}"


def upsert(model, lookup, values, result, reason=""):
    """Create or update one row, saving only when a value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = reason
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        result.count(model, created=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj._change_reason = reason
        obj.save()
        result.count(model, created=False)
    return obj


def natural_key(code):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def read_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def load_member_states(path=FIXTURES / "member_states.yaml", result=None):
    result = result or LoadResult()
    for position, row in enumerate(read_yaml(path), start=1):
        upsert(MemberState, {"code": row["code"]}, {"name": row["name"], "position": position}, result)
    return result


@transaction.atomic
def load_bodies(path=FIXTURES / "bodies.yaml", result=None):
    result = result or LoadResult()
    for row in read_yaml(path):
        upsert(Body, {"acronym": row["acronym"]}, {"name": row["name"], "kind": row["kind"]}, result)
    return result


class Catalogue:
    """The merged content of the plan files, before anything is written."""

    def __init__(self):
        self.programmes = {}  # code -> dict
        self.areas = {}  # code -> dict
        self.outcomes = {}  # code -> dict
        self.initiatives = {}  # code -> dict

    def read(self, path):
        data = read_yaml(path)
        source = data["programme"]["code"]
        self.programmes[source] = {**data["programme"], "position": len(self.programmes) + 1}
        self._file, self._source, self._listing_position = Path(path).name, source, 0
        for area in data["areas"]:
            self._read_area(area, parent=None)

    def _where(self, entry):
        return f"{self._file}: {entry.get('code') or entry.get('ref')}"

    def _read_area(self, entry, parent):
        code = entry["code"]
        if code in self.areas:
            raise CatalogueError(f"{self._where(entry)}: area code used twice")
        self.areas[code] = {
            "programme": self._source,
            "parent": parent,
            "kind": entry["kind"],
            "number": str(entry.get("number") or ""),
            "title": entry["title"],
            "position": len(self.areas) + 1,
        }
        # In the order the file gives them, which is the document's (PA4 prints lines before a sub-heading).
        for key in [k for k in entry if k in ("areas", "outcomes", "initiatives")]:
            for child in entry[key] or []:
                if key == "areas":
                    self._read_area(child, parent=code)
                elif key == "outcomes":
                    self._read_outcome(child, area=code)
                else:
                    self._read_initiative(child, area=code, outcome=None, parent=None)

    def _read_outcome(self, entry, area):
        if "ref" in entry:
            code = entry["ref"]
            if code not in self.outcomes:
                raise CatalogueError(f"{self._where(entry)}: quotes an outcome defined nowhere before")
        else:
            code = entry["code"]
            if code in self.outcomes:
                raise CatalogueError(f"{self._where(entry)}: outcome defined twice (quote it with ref:)")
            self.outcomes[code] = {
                "programme": entry.get("programme", self._source),
                "source": self._source,
                "listings": {},
            }
        outcome = self.outcomes[code]
        outcome["title"] = entry["title"]
        self._listing_position += 1
        outcome["listings"][self._source] = {
            "area": area,
            "number": str(entry.get("number") or ""),
            "title": entry["title"],
            "section": entry.get("section") or "",
            "position": self._listing_position,
        }
        for initiative in entry.get("initiatives") or []:
            self._read_initiative(initiative, area=area, outcome=code, parent=None)

    def _read_initiative(self, entry, area, outcome, parent):
        if "ref" in entry:
            code = entry["ref"]
            item = self.initiatives.get(code)
            if item is None:
                raise CatalogueError(f"{self._where(entry)}: quotes an initiative defined nowhere before")
            if item["outcome"] != outcome:
                raise CatalogueError(
                    f"{self._where(entry)}: quoted under outcome {outcome}, defined under {item['outcome']}"
                )
        else:
            code = entry["code"]
            if code in self.initiatives:
                raise CatalogueError(f"{self._where(entry)}: initiative defined twice (quote it with ref:)")
            item = self.initiatives[code] = {
                "programme": entry.get("programme")
                or (self.outcomes[outcome]["programme"] if outcome else self._source),
                "source": self._source,
                "outcome": outcome,
                "parent": parent,
                "member_states": set(),
                "per_member_state": False,
                "listings": {},
            }
        assignment = entry.get("assignment", "named")
        lead = entry.get("lead")
        if (assignment == "named") != bool(lead):
            raise CatalogueError(f"{self._where(entry)}: a lead body is needed exactly when assignment is 'named'")
        timeline = str(entry.get("timeline") or "")
        try:
            parse_timeline(timeline)
            outputs = [
                {
                    "title": output["title"].strip(),
                    "timeline": str(output.get("timeline") or ""),
                    "bodies": list(output.get("bodies") or []),
                    "delivered_by": output.get("delivered_by"),
                }
                for output in entry.get("outputs") or []
            ]
            for output in outputs:
                parse_timeline(output["timeline"])
        except ValueError as error:
            raise CatalogueError(f"{self._where(entry)}: {error}") from error
        # The later document's wording and columns are the current ones; each document's own stays on its listing.
        item.update(
            title=entry["title"].strip(),
            timeline=timeline,
            assignment=assignment,
            bodies_as_printed=entry.get("bodies_as_printed") or "",
            roles=[(lead, "lead")] if lead else [],
        )
        item["roles"] += [(b, "joint") for b in entry.get("joint") or []]
        item["roles"] += [(b, "consulted") for b in entry.get("consulted") or []]
        if outputs or "outputs" not in item:
            item["outputs"] = outputs
        item["per_member_state"] |= bool(entry.get("per_member_state"))
        item["member_states"] |= set(entry.get("member_states") or [])
        self._listing_position += 1
        item["listings"][self._source] = {
            "area": area,
            "number": str(entry.get("number") or ""),
            "title": entry["title"].strip(),
            "outputs_as_printed": (entry.get("outputs_as_printed") or "").strip(),
            "timeline_as_printed": timeline,
            "bodies_as_printed": entry.get("bodies_as_printed") or "",
            "position": self._listing_position,
        }
        for child in entry.get("initiatives") or []:
            self._read_initiative(child, area=area, outcome=outcome, parent=code)


@transaction.atomic
def load_plans(paths=None, result=None):
    """Write the merged plan files to the database; returns what was created and updated."""
    paths = paths or [FIXTURES / name for name in PLAN_FILES]
    result = result or LoadResult()
    catalogue = Catalogue()
    for path in paths:
        catalogue.read(path)
    reason = "Loaded from " + ", ".join(Path(p).name for p in paths)

    programmes = {}
    for code, row in catalogue.programmes.items():
        values = {k: row.get(k) or "" for k in ("title", "adopted_by", "adopted_at", "endorsed_by", "source_document")}
        values.update(
            start_year=row["start_year"],
            end_year=row["end_year"],
            adopted_on=row.get("adopted_on"),
            adopted_on_precision=row.get("adopted_on_precision") or DatePrecision.DAY,
            endorsed_on=row.get("endorsed_on"),
            endorsed_on_precision=row.get("endorsed_on_precision") or DatePrecision.DAY,
            position=row["position"],
        )
        for name in ("adopted_on_precision", "endorsed_on_precision"):
            if values[name] not in DatePrecision.values:
                raise CatalogueError(f"{code}: {name} is day, month or year, not {values[name]!r}")
        programmes[code] = upsert(Programme, {"code": code}, values, result)

    areas = {}
    for code, row in catalogue.areas.items():
        values = {**row, "programme": programmes[row["programme"]], "parent": areas.get(row["parent"])}
        areas[code] = upsert(Area, {"code": code}, values, result)

    bodies = {b.acronym: b for b in Body.objects.all()}
    member_states = {m.code: m for m in MemberState.objects.all()}

    def body(acronym, where):
        if acronym not in bodies:
            raise CatalogueError(f"{where}: unknown body {acronym!r} (add it to fixtures/bodies.yaml)")
        return bodies[acronym]

    outcomes = {}
    for rank, code in enumerate(sorted(catalogue.outcomes, key=natural_key), start=1):
        row = catalogue.outcomes[code]
        values = {
            "programme": programmes[row["programme"]],
            "source": programmes[row["source"]],
            "title": row["title"],
            "position": rank,
        }
        outcome = outcomes[code] = upsert(Outcome, {"code": code}, values, result, reason)
        for programme_code, listing in row["listings"].items():
            values = {**listing, "area": areas[listing["area"]]}
            upsert(OutcomeListing, {"outcome": outcome, "programme": programmes[programme_code]}, values, result)
        OutcomeListing.objects.filter(outcome=outcome).exclude(programme__code__in=list(row["listings"])).delete()

    initiatives = {}
    ordered = sorted(
        catalogue.initiatives,
        key=lambda c: (programmes[catalogue.initiatives[c]["programme"]].position, natural_key(c)),
    )
    for rank, code in enumerate(ordered, start=1):
        row = catalogue.initiatives[code]
        values = {
            "programme": programmes[row["programme"]],
            "source": programmes[row["source"]],
            "outcome": outcomes.get(row["outcome"]),
            "parent": initiatives.get(row["parent"]),
            "title": row["title"],
            "assignment": row["assignment"],
            "bodies_as_printed": row["bodies_as_printed"],
            "per_member_state": row["per_member_state"],
        }
        timeline = parse_timeline(row["timeline"])
        values.update(timeline=row["timeline"], timeline_kind=timeline.kind, target_year=timeline.target_year)
        if not Initiative.objects.filter(code=code).exists():
            # Only a new line takes its status from the document; afterwards status is the reporting's.
            values["status"] = Initiative.Status.COMPLETED if timeline.completed else Initiative.Status.NOT_STARTED
        initiative = initiatives[code] = upsert(Initiative, {"code": code}, values, result, reason)
        Initiative.objects.filter(pk=initiative.pk).exclude(position=rank).update(position=rank)
        _write_roles(initiative, [(body(a, code), role) for a, role in row["roles"]], result)
        _write_outputs(initiative, row["outputs"], lambda a, c=code: body(a, c), result, reason)
        for programme_code, listing in row["listings"].items():
            values = {**listing, "area": areas[listing["area"]]}
            upsert(
                InitiativeListing,
                {"initiative": initiative, "programme": programmes[programme_code]},
                values,
                result,
            )
        InitiativeListing.objects.filter(initiative=initiative).exclude(
            programme__code__in=list(row["listings"])
        ).delete()
        try:
            wanted = {member_states[c] for c in row["member_states"]}
        except KeyError as error:
            raise CatalogueError(f"{code}: unknown Member State {error}") from error
        if set(initiative.member_states.all()) != wanted:
            initiative.member_states.set(wanted)

    _link_shared_outputs(catalogue, initiatives, result, reason)

    for initiative in (
        Initiative.objects.filter(code__in=list(initiatives))
        .select_related("outcome")
        .prefetch_related("outputs", "listings", "bodies")
    ):
        text = initiative.build_search_text()
        if initiative.search_text != text:
            Initiative.objects.filter(pk=initiative.pk).update(search_text=text)
    return result


def _write_roles(initiative, roles, result):
    wanted = [(b.pk, role, position) for position, (b, role) in enumerate(roles)]
    existing = list(initiative.responsibilities.order_by("position").values_list("body_id", "role", "position"))
    if existing == wanted:
        return
    initiative.responsibilities.all().delete()
    Responsibility.objects.bulk_create(
        Responsibility(initiative=initiative, body_id=body_id, role=role, position=position)
        for body_id, role, position in wanted
    )
    result.count(Responsibility, created=not existing)


def _write_outputs(initiative, outputs, body, result, reason):
    for position, row in enumerate(outputs, start=1):
        timeline = parse_timeline(row["timeline"])
        values = {
            "title": row["title"],
            "timeline": row["timeline"],
            "timeline_kind": timeline.kind,
            "target_year": timeline.target_year,
        }
        if not initiative.outputs.filter(position=position).exists():
            # Only "Completed" printed in the timeline says anything of a new output; otherwise nobody has reported.
            done = timeline.completed or initiative.status == Initiative.Status.COMPLETED
            values["status"] = Initiative.Status.COMPLETED if done else ""
        output = upsert(Output, {"initiative": initiative, "position": position}, values, result, reason)
        wanted = {body(a) for a in row["bodies"]}
        if set(output.bodies.all()) != wanted:
            output.bodies.set(wanted)
    initiative.outputs.filter(position__gt=len(outputs)).delete()


def _link_shared_outputs(catalogue, initiatives, result, reason):
    """An output printed again as another line's deliverable points at that line, which reports it once for both."""
    for code, row in catalogue.initiatives.items():
        for position, output in enumerate(row["outputs"], start=1):
            target = output["delivered_by"]
            if target and target not in initiatives:
                raise CatalogueError(f"{code}: output {position} is delivered by unknown initiative {target!r}")
            if target == code:
                raise CatalogueError(f"{code}: output {position} cannot be delivered by its own line")
            upsert(
                Output,
                {"initiative": initiatives[code], "position": position},
                {"delivered_by": initiatives.get(target)},
                result,
                reason,
            )
