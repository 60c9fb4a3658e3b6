"""The lead's *Co-facilitators* page (this laptop only): each co-facilitator's link as a QR code to
scan from the laptop's screen, with a button that revokes it at once."""

from __future__ import annotations

import html

import ipywidgets as w
import segno

from coproduction_kit.core.cofacilitator_links import CofacilitatorLinks, home_address, link_for
from coproduction_kit.core.settings import load_config


def link_card_html(name: str, link: str) -> str:
    svg = segno.make(link, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    return (f"<h3>{html.escape(name)}</h3>"
            f"<div role='img' aria-label='QR code for the co-facilitator link of {html.escape(name)}'>{svg}</div>"
            f"<p style='word-break:break-all;font-size:0.9rem'>{html.escape(link)}</p>")


def cofacilitator_cards(data_dir=None) -> w.VBox:
    """A card per co-facilitator: scan to sign their phone in; revoke if a phone is lost."""
    data_dir = data_dir or load_config().data_dir
    links = CofacilitatorLinks(data_dir)
    home = home_address(data_dir)
    box = w.VBox()
    status = w.HTML()

    def draw():
        cards = []
        for name, entry in links.everyone().items():
            if not entry.get("secret"):
                cards.append(w.HTML(f"<h3>{html.escape(name)}</h3><p>Revoked ({html.escape(entry['revoked'])}): "
                                    f"`workshop facilitators add {html.escape(name)}` makes a new link.</p>"))
                continue
            revoke = w.Button(description=f"Revoke {name}'s link", button_style="danger",
                              tooltip="That phone is refused at once and its pages stop")
            revoke.on_click(lambda _, who=name: (links.revoke(who), draw(), _said(who)))  # the status once the cards show it
            cards.append(w.VBox([w.HTML(link_card_html(name, link_for(home, entry["secret"]))), revoke],
                                layout=w.Layout(border="1px solid #999", padding="0.5rem", margin="0 0 1rem 0")))
        box.children = [status, *cards] if cards else [
            status, w.HTML("<p>No co-facilitator links: `workshop serve --lan --cofacilitators 2` makes two.</p>")]

    def _said(who):
        status.value = f"<p role='status'>Revoked {html.escape(who)}'s link: that device can no longer open any facilitator page.</p>"

    if home is None:
        return w.VBox([w.HTML("<p>The co-facilitators' server is not running: start the workshop with "
                              "`workshop serve --lan --cofacilitators 2`.</p>")])
    draw()
    return box
