"""``workshop facilitators``: the co-facilitators' links (list, add, revoke), also while ``serve`` runs."""

from __future__ import annotations

from pathlib import Path

from coproduction_kit.cli.command import Command, CommandError, say

USAGE = ("say what to do: `workshop facilitators list`, `workshop facilitators add NAME` (a new link, "
         "replacing any earlier one for NAME) or `workshop facilitators revoke NAME`.")


class FacilitatorsApp(Command):
    """The co-facilitators' links: list them, add one (workshop facilitators add NAME) or revoke one
    (workshop facilitators revoke NAME); a running `serve` follows within a second or two."""

    examples = "\n".join(["workshop facilitators list", "workshop facilitators revoke Sam",
                          "workshop facilitators add Sam"])

    def run(self, workshop) -> int:
        from coproduction_kit.core.cofacilitator_links import CofacilitatorLinks, LinkError, home_address, link_for

        verb, *names = self.extra_args or [""]
        links = CofacilitatorLinks(workshop.data_dir)
        home = home_address(workshop.data_dir)
        try:
            if verb == "list" and not names:
                everyone = links.everyone()
                for name, entry in everyone.items():
                    state = f"revoked {entry['revoked']}" if not entry.get("secret") else "working"
                    say(f"{name}: {state}" + (f"  {link_for(home, entry['secret'])}" if home and entry.get("secret") else ""))
                say(f"{len(everyone)} co-facilitator link(s) in {links.path}.")
            elif verb == "add" and len(names) == 1:
                secret = links.add(names[0])
                say(f"Made a new link for {names[0]} (any earlier one stops working):")
                say(link_for(home, secret) if home else
                    "`workshop serve --lan` prints it, and the lead's Co-facilitators page shows it as a QR code.")
            elif verb == "revoke" and len(names) == 1:
                links.revoke(names[0])
                say(f"Revoked {names[0]}'s link: within a second or two, every device that opened it is refused "
                    f"and its facilitator pages stop. (Recorded in {Path(links.path)}.)")
            else:
                raise CommandError(USAGE)
        except LinkError as err:
            raise CommandError(str(err)) from None
        return 0
