"""The join card for the projector: the participant link as a large QR code and in large type."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
import segno

from coproduction_kit.core.settings import WorkshopConfig, load_config

LINK_FILE = "participant-link.txt"  # written by `workshop serve`


def join_card_html(link: str, title: str) -> str:
    """The card's HTML: a QR code (inline SVG, nothing fetched) and the link.

    On the room's network the link carries the day's join token, far too long to type: the card
    then asks people to scan, and shows the link in smaller type for anyone who must copy it.
    """
    svg = segno.make(link, error="m").svg_inline(scale=10, border=2, dark="#000", light="#fff")
    with_token = "token=" in link
    ask = ("Scan the code with your phone's camera to join." if with_token
           else "Scan to join, or type the address below.")
    size = "1.1rem" if with_token else "2.2rem"
    return (
        f"<div class='workshop-join-card' style='text-align:center;font-family:system-ui,sans-serif'>"
        f"<h1 style='font-size:2.4rem'>{html.escape(title)}</h1>"
        f"<p style='font-size:1.6rem'>{ask}</p>"
        f"<div role='img' aria-label='QR code for the workshop link {html.escape(link)}'>{svg}</div>"
        f"<p style='font-size:{size};font-weight:bold;word-break:break-all'>{html.escape(link)}</p>"
        "<p style='font-size:1.4rem'>No name needed: choose a pseudonym.</p></div>"
    )


def participant_link(config: WorkshopConfig) -> str | None:
    path = Path(config.data_dir) / LINK_FILE
    return path.read_text("utf-8").strip() if path.exists() else None


def join_card() -> w.HTML:
    """The join card of the running workshop (facilitator page)."""
    from coproduction_kit.core.curriculum import load_curriculum

    config = load_config()
    link = participant_link(config)
    if link is None:
        return w.HTML("<p>No workshop is running: start one with <code>make serve</code>.</p>")
    title = load_curriculum(config.curriculum_dir).series["title"]
    return w.HTML(join_card_html(link, title), layout=w.Layout(width="100%"))
