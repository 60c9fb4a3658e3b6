"""``workshop serve``: the participants' pages and the facilitators' workbench (``server/serve.py``)."""

from __future__ import annotations

from traitlets import Bool, Enum, Integer, List, Unicode

from coproduction_kit.cli.command import WORKSHOP_ALIASES, Command, checked_curriculum, fail, say


class ServeApp(Command):
    """Start the workshop: participants' pages and facilitators' workbench."""

    examples = "\n".join([
        "workshop serve --session 2",
        "workshop serve --today power,payment --room 12",
        "workshop serve --lan --tls auto --session 2",
        "workshop serve --lan --tls auto --cofacilitators Sam,Alex",
    ])

    lan = Bool(False, help="Let participants join from the local network (their link then carries a token).").tag(config=True)
    tls = List(Unicode(), help="Participants' pages over HTTPS: 'auto' makes a self-signed certificate "
                               "(its fingerprint is printed), or give a certificate and key (PEM files)."
               ).tag(config=True)
    port = Integer(8866, help="Participants' port.").tag(config=True)
    facilitator_port = Integer(8867, help="Facilitators' port.").tag(config=True)
    cofacilitators = Unicode("", help="With --lan: a link for each co-facilitator's phone (room view, projector, "
                                      "timers, join card; never JupyterLab): a number (2) or names (Sam,Alex)."
                             ).tag(config=True)
    cofacilitator_port = Integer(8868, help="Co-facilitators' port (with --lan and --cofacilitators).").tag(config=True)
    session = Integer(None, allow_none=True,
                      help="Today's session in the series (e.g. 2): its pages are made ready for the room.").tag(config=True)
    format = Unicode("series", help="The format --session refers to, from curriculum/series.yaml.").tag(config=True)
    today = Unicode("", help="Or name today's modules in order, comma-separated (e.g. power,payment).").tag(config=True)
    room = Integer(30, help="How many people will open a page at once (0 starts every page on demand).").tag(config=True)
    front = Enum(["light", "voila"], "light", help=(
        "What draws the participants' exercises and the facilitator views: 'light', the kit's own (quick on "
        "a phone), or 'voila', Voilà's own front end, slower, to fall back on if a page misbehaves.")).tag(config=True)

    aliases = {
        **WORKSHOP_ALIASES,
        "tls": ("ServeApp.tls", "HTTPS: 'auto' (a self-signed certificate) or CERT KEY (PEM files)."),
        "port": "ServeApp.port",
        "facilitator-port": "ServeApp.facilitator_port",
        "cofacilitators": "ServeApp.cofacilitators",
        "cofacilitator-port": "ServeApp.cofacilitator_port",
        "session": "ServeApp.session",
        "format": "ServeApp.format",
        "today": "ServeApp.today",
        "room": "ServeApp.room",
        "front": "ServeApp.front",
    }
    flags = {
        "lan": ({"ServeApp": {"lan": True}},
                "Let participants join from the local network (their link then carries a token)."),
    }

    def initialize(self, argv=None):
        super().initialize(_one_tls_value_each(argv or []))

    def run(self, workshop) -> int:
        from coproduction_kit.server.serve import run

        # server/serve.py reads the options by name (args.lan, args.tls, ...): this app has them all.
        return run(workshop, checked_curriculum(workshop), self, say=say, fail=fail)


def _one_tls_value_each(argv: list[str]) -> list[str]:
    """``--tls CERT KEY`` as ``--tls CERT --tls KEY``: traitlets gives an alias one value at a time."""
    out, i = [], 0
    while i < len(argv):
        out.append(argv[i])
        if argv[i] == "--tls":
            values = []
            while i + 1 < len(argv) and not argv[i + 1].startswith("-") and len(values) < 2:
                values.append(argv[i + 1])
                i += 1
            out[-1:] = [part for value in values for part in ("--tls", value)] or ["--tls"]
        i += 1
    return out
