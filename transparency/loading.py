"""Loads a negotiation, its register of requested documents and the request's signatories from a YAML fixture.

Idempotent: run again, nothing is duplicated, and no disclosure decision taken since is undone.
"""

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from workprogramme.models import MemberState

from .models import Document, Negotiation, Organisation

DEFA_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "defa-2025.yaml"
SCOPES = {"Regional": Organisation.Scope.REGIONAL, "Global": Organisation.Scope.GLOBAL}


@transaction.atomic
def load_negotiation(path=DEFA_FIXTURE):
    """Returns (negotiation, register entries created, organisations created)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    fields = data["negotiation"]
    negotiation, _ = Negotiation.objects.update_or_create(
        code=fields["code"], defaults={key: value for key, value in fields.items() if key != "code"}
    )
    asked = data["requested_on"]
    entries = 0
    for entry in data.get("register", []):
        _, created = Document.objects.get_or_create(
            negotiation=negotiation,
            kind=entry["kind"],
            title=entry["title"],
            defaults={
                "author": entry.get("author", ""),
                "requested_on": asked,
                "requested_as": entry.get("requested_as", ""),
                "disclosure": Document.Disclosure.REQUESTED,
                "description": f"Asked for by civil society on {asked.day} {asked:%B %Y}; not published.",
            },
        )
        entries += created
    by_name = {state.name: state for state in MemberState.objects.all()}
    organisations = 0
    for name, where in data.get("signatories", []):
        scope = SCOPES.get(where, Organisation.Scope.NATIONAL)
        country = None if where in SCOPES else by_name[where]
        _, created = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "country": country,
                "scope": scope,
                "kind": Organisation.Kind.CIVIL_SOCIETY,
                "source": data.get("signatories_source", ""),
            },
        )
        organisations += created
    return negotiation, entries, organisations
