"""CRediT and ICMJE, as the credit_matrix exercise, its answer text and the counts use them.

The participant marks each team member's part in CRediT's 14 roles (lead, equal, supporting) and
whether they approved the final version and agree to be accountable.  From those marks come the
contribution statement and, for each person, ICMJE's four criteria:
1. a substantial contribution to conception, design, data or analysis (here: a lead or equal part
   in one of those roles), 2. drafting or critical revision (any part in either writing role),
3. final approval, 4. accountability.  Those meeting fewer are acknowledged instead.
"""

from __future__ import annotations

CREDIT_ROLES = [
    "Conceptualization", "Data curation", "Formal analysis", "Funding acquisition", "Investigation",
    "Methodology", "Project administration", "Resources", "Software", "Supervision", "Validation",
    "Visualization", "Writing – original draft", "Writing – review & editing",
]
PARTS = ["lead", "equal", "supporting"]
SUBSTANTIAL = {"Conceptualization", "Methodology", "Investigation", "Data curation", "Formal analysis",
               "Validation", "Visualization", "Software"}
WRITING = {"Writing – original draft", "Writing – review & editing"}


def icmje(member: dict) -> dict[str, bool]:
    """Which of ICMJE's four criteria a member's marks meet."""
    roles = member.get("roles", {})
    return {
        "substantial contribution": any(roles.get(r) in ("lead", "equal") for r in SUBSTANTIAL),
        "drafting or revision": any(roles.get(r) in PARTS for r in WRITING),
        "final approval": bool(member.get("approved")),
        "accountability": bool(member.get("accountable")),
    }


def statement(team: list[dict], value: dict) -> tuple[list[str], list[str], list[str]]:
    """(contribution statement lines, authors, acknowledged), in the team's order."""
    lines, authors, thanked = [], [], []
    for person in team:
        member = (value or {}).get(person["id"], {})
        roles = [f"{role} ({part})" for role in CREDIT_ROLES if (part := member.get("roles", {}).get(role))]
        who = f"{person['name']} ({person['role']})"
        if roles:
            lines.append(f"{who}: {'; '.join(roles)}.")
        (authors if all(icmje(member).values()) else thanked).append(who)
    return lines, authors, thanked
