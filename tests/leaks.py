"""Files a unique marker at every stage that must never reach the public, for the leak tests of every surface.

    leaked = file_marker_updates(period, marker)   # pages, feeds, exports and API tests import this
    assert marker not in anonymous_response_text

Every place the marker is written is something the public must never see: the text of a draft, a submitted,
a returned and a withdrawn update, a comment, a review note, the title and address of restricted evidence and of
evidence whose disclosure was never confirmed, the reporter's name and email, and the reason given for an internal
status edit of a line. The accepted update itself carries no marker (it is public); its withheld evidence does.
"""

from dataclasses import dataclass, field

from accounts.models import User
from reporting import services
from reporting.models import Evidence
from workprogramme.models import Initiative

# TELSOM leads each of these lines, so its reporter can file on all of them in one period.
LINES = ("AWPEC-1.1", "AWPEC-1.2", "AWPEC-11", "AWPEC-12", "AWPEC-13")


@dataclass
class Leaked:
    """What was filed: the updates by stage, the evidence and the line whose edit history holds the marker."""

    updates: dict = field(default_factory=dict)
    evidence: list = field(default_factory=list)
    accepted: object = None
    edited_line: object = None


def _file(reporter, period, code, narrative, submit=False):
    return services.update_create(
        user=reporter,
        period=period,
        initiative=Initiative.objects.get(code=code),
        body=reporter.body,
        values={
            "status": "in_progress",
            "progress": 30,
            "narrative": narrative,
            "next_steps": narrative,
            "blockers": narrative,
        },
        submit=submit,
    )


def file_marker_updates(period, marker):
    """File the marker at every non-public stage in `period` (open); returns a Leaked record of what was filed."""
    reporter = User.objects.get(username="telsom")
    reviewer = User.objects.get(username="accec")
    secretariat = User.objects.get(username="secretariat")
    reporter.first_name, reporter.last_name, reporter.email = marker, marker, f"{marker.lower()}@example.org"
    reporter.save()
    leaked = Leaked()

    leaked.updates["draft"] = _file(reporter, period, LINES[0], f"{marker} draft")
    submitted = _file(reporter, period, LINES[1], f"{marker} submitted", submit=True)
    services.comment_add(user=reviewer, update=submitted, text=f"{marker} comment")
    leaked.updates["submitted"] = submitted
    leaked.updates["returned"] = services.update_return(
        user=reviewer,
        update=_file(reporter, period, LINES[2], f"{marker} returned", submit=True),
        comment=f"{marker} review note",
    )
    leaked.updates["withdrawn"] = services.update_withdraw(
        user=reporter, update=_file(reporter, period, LINES[3], f"{marker} withdrawn", submit=True)
    )

    # Accepted and public, but its restricted and unconfirmed evidence, comments and people are not.
    accepted = services.update_create(
        user=reporter,
        period=period,
        initiative=Initiative.objects.get(code=LINES[4]),
        body=reporter.body,
        values={"status": "in_progress", "progress": 30, "narrative": "Public narrative of an accepted update."},
        submit=True,
    )
    restricted = services.evidence_add_link(
        user=reporter,
        update=accepted,
        title=f"{marker} restricted",
        url=f"https://example.org/{marker}/restricted",
        disclosure="restricted",
        restriction_reason="Internal minutes",
    )
    unconfirmed = services.evidence_add_link(
        user=reporter, update=accepted, title=f"{marker} unconfirmed", url=f"https://example.org/{marker}/unconfirmed"
    )
    services.comment_add(user=reporter, update=accepted, text=f"{marker} comment on an accepted update")
    leaked.accepted = services.update_accept(user=reviewer, update=accepted)
    # Accepted before disclosure was reviewed (as the rows from before disclosure existed): proposed public only.
    Evidence.objects.filter(pk=unconfirmed.pk).update(disclosure_confirmed=False)
    leaked.evidence = [restricted, unconfirmed]
    for update in leaked.updates.values():
        leaked.evidence.append(
            services.evidence_add_link(
                user=reporter, update=update, title=f"{marker} evidence", url=f"https://example.org/{marker}/e"
            )
            if update.is_editable
            else None
        )
    leaked.evidence = [item for item in leaked.evidence if item is not None]

    line = Initiative.objects.get(code=LINES[0])
    line.status = Initiative.Status.DELAYED
    line._history_user = secretariat
    line._change_reason = f"{marker} internal status edit"
    line.save()
    leaked.edited_line = line
    return leaked
