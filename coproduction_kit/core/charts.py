"""The kit's charts, as HTML with inline SVG: bars of counts, change with its interval, and the room's power map.

The room view, the projector and the facilitators' report draw with these, so a chart reads the
same wherever it appears.  Each is a picture with its text alternative beside it (a table of the
numbers), so the picture is never the only way to read it:
a screen reader hears the numbers, a printout keeps them, and colour is never needed (every bar
has its number written beside it).  Colours and fonts are SVG attributes, not a style sheet, so
a chart looks the same in a Voilà page and in the report's single HTML file; nothing is fetched
from the network.  Everything a participant typed (an option, a role) is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

INK, BAR, AXIS = "#1b1b1b", "#1f5f8b", "#333333"  # on white: about 17:1, 7:1 and 12:1
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
ROW, BAR_WIDTH, LABEL_CHARS = 30, 380, 24  # px per bar, px of the longest bar, characters shown beside a bar


@dataclass(frozen=True)
class Bar:
    """One bar: ``label`` is written beside it; ``full``, when given, names it in the table of numbers."""

    label: str
    count: int
    full: str = ""


def bars(counts: list[tuple[str, int]]) -> list[Bar]:
    """A bar per (label, count), labelled as it is."""
    return [Bar(str(label), int(n)) for label, n in counts]


def numbered_bars(counts: list[tuple[str, int]]) -> list[Bar]:
    """A bar per option, labelled "Option 1", "Option 2" …; the table of numbers gives each in full.

    Options are sentences: beside a bar they would be cut, and two cut alike could not be told apart.
    """
    return [Bar(f"Option {i}", int(n), f"Option {i}: {label}") for i, (label, n) in enumerate(counts, start=1)]


def tally_bars(counts: list[tuple[str, int]], ends: dict | None = None, numbered: bool = False) -> list[Bar]:
    """The bars of ``stats.tally``'s counts: options ``numbered`` (a choice, a checklist; the table
    names them), or a scale's points, whose ``ends`` the table names."""
    if numbered:
        return numbered_bars(counts)
    ends = {str(point): words for point, words in (ends or {}).items() if words}
    return [Bar(str(label), int(n), f"{label} ({ends[str(label)]})" if str(label) in ends else "") for label, n in counts]


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(chart: list[Bar], total: int | None = None, unit: str = "answers", caption: str = "") -> str:
    """A horizontal bar chart with each number beside its bar, and the same numbers as a table.

    ``total`` is how many people or answers were counted (the sum of the bars when not given:
    a checklist's bars add up to more than the people who ticked); the table gives each bar's
    share of it.  ``caption``, when given, titles the chart (a heading above it may do instead).
    """
    if total is None:
        total = sum(bar.count for bar in chart)
    if not chart:
        return f"<p class='workshop-chart-empty'>{escape(caption + ': ' if caption else '')}Nothing to count yet.</p>"
    top = max([bar.count for bar in chart] + [1])
    # Room for the longest label (about 8 px a character), never so little that the bars swell.
    label_width = max(min(max(len(_cut(bar.label)) for bar in chart) * 8 + 16, LABEL_CHARS * 8 + 16), 64)
    shapes = []
    for i, bar in enumerate(chart):
        y = i * ROW
        width = round(BAR_WIDTH * bar.count / top, 1)
        if bar.count:
            width = max(width, 2)  # a single answer still shows
        shapes.append(
            f'<text x="{label_width - 8}" y="{y + 20}" text-anchor="end">{escape(_cut(bar.label))}</text>'
            f'<rect x="{label_width}" y="{y + 6}" width="{width}" height="{ROW - 12}" fill="{BAR}"></rect>'
            f'<text x="{label_width + width + 6}" y="{y + 20}">{bar.count}</text>'
        )
    described = f"Bar chart of {total} {unit}: " + "; ".join(f"{bar.label}: {bar.count}" for bar in chart)
    if caption:
        described = f"{caption}. {described}"
    body = "".join(
        f"<tr><th scope='row'>{escape(bar.full or bar.label)}</th><td class='num'>{bar.count}</td>"
        f"<td class='num'>{round(100 * bar.count / total) if total else 0}%</td></tr>"
        for bar in chart
    )
    return _figure(caption, described, (label_width + BAR_WIDTH + 50, len(chart) * ROW), shapes,
                   f"The numbers in the chart ({total} {escape(unit)})", ("Answer", "Count", f"Of {unit}"), body)


def _figure(caption: str, described: str, size: tuple[float, float], shapes: list[str], numbers: str,
            headings: tuple[str, ...], body: str) -> str:
    """A chart as a figure: the picture, named by its text alternative ``described``, and its numbers
    as a table (caption ``numbers``, already escaped; ``body``, its rows)."""
    title = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    head = "".join(f"<th scope='col'>{escape(heading)}</th>" for heading in headings)
    return (
        f"<figure class='workshop-chart'>{title}"
        f'<svg class="chart" role="img" aria-label="{escape(described)}" viewBox="0 0 {size[0]} {size[1]}" '
        f'style="width:100%;max-width:42rem;height:auto" font-family="{FONT}" font-size="15" fill="{INK}">'
        f"{''.join(shapes)}</svg>"
        f"<div class='scroll' style='overflow-x:auto'><table class='workshop-chart-numbers'>"
        f"<caption>{numbers}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></figure>"
    )


# Change with its confidence interval (the evaluation) ------------------------------------------
def change_chart(rows: list[tuple[str, float, float, float, str]], caption: str = "") -> str:
    """Each statement's mean change as a dot on a line from its interval's low to its high end, around 0.

    ``rows`` are (short label, mean change, low, high, full statement).  A line above the rows
    marks the scale (its two ends and 0, "no change"); the text alternative reads every statement
    with its change and interval, and the table beside it gives the same numbers, so the picture
    is never the only way to read them.
    """
    if not rows:
        return f"<p class='workshop-chart-empty'>{escape(caption + ': ' if caption else '')}Nothing to show yet.</p>"
    reach = max([abs(v) for _, mean, low, high, _ in rows for v in (mean, low, high)] + [1.0])
    label_width, span = LABEL_CHARS * 8 + 16, BAR_WIDTH
    zero = label_width + span / 2

    def x(value: float) -> float:
        return round(zero + span / 2 * value / reach, 1)

    height = (len(rows) + 1) * ROW  # the first row holds the scale
    shapes = [f'<text x="{x(-reach)}" y="20">{-reach:+.1f} lower</text>',
              f'<text x="{zero}" y="20" text-anchor="middle">0</text>',
              f'<text x="{x(reach)}" y="20" text-anchor="end">higher {reach:+.1f}</text>',
              f'<line x1="{zero}" y1="{ROW - 4}" x2="{zero}" y2="{height}" stroke="{AXIS}" stroke-dasharray="4 3"/>']
    for i, (label, mean, low, high, _) in enumerate(rows, start=1):
        y = i * ROW + ROW / 2
        shapes.append(
            f'<text x="{label_width - 8}" y="{y + 5}" text-anchor="end">{escape(_cut(label))}</text>'
            f'<line x1="{x(low)}" y1="{y}" x2="{x(high)}" y2="{y}" stroke="{BAR}" stroke-width="3"/>'
            f'<circle cx="{x(mean)}" cy="{y}" r="6" fill="{BAR}"/>')
    described = ("Mean change in rating (after minus before) with its 95% confidence interval; 0 is no change: "
                 + "; ".join(f"{(full or label).rstrip('.')}: {mean:+.2f} ({low:+.2f} to {high:+.2f})"
                             for label, mean, low, high, full in rows))
    if caption:
        described = f"{caption}. {described}"
    body = "".join(f"<tr><th scope='row'>{escape(full or label)}</th><td class='num'>{mean:+.2f}</td>"
                   f"<td class='num'>{low:+.2f} to {high:+.2f}</td></tr>" for label, mean, low, high, full in rows)
    return _figure(caption, described, (label_width + span + 20, height), shapes,
                   "The numbers in the chart (below 0: lower after than before; above 0: higher)",
                   ("Statement", "Mean change", "95% confidence interval"), body)


# The room's power map -------------------------------------------------------------------------
SIZE, PAD, TOP = 600, 70, 10  # chart size in px, room for axis labels, scale maximum
MARK = 20  # a role's numbered circle, in px of the chart


def _xy(authority: float, expertise: float) -> tuple[float, float]:
    span = SIZE - 2 * PAD
    return PAD + span * authority / TOP, SIZE - PAD - span * expertise / TOP


def _between(low: float, high: float) -> str:
    return f"{low:g}" if low == high else f"{low:g} to {high:g}"


def _free_spot(x: float, y: float, taken: list[tuple[float, float]]) -> float:
    """Where a numbered circle goes across: beside any already at (about) the same place, never on it."""
    step = 2 * MARK + 4
    for shift in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5):
        spot = x + shift * step
        if MARK <= spot <= SIZE - MARK and not any(abs(spot - tx) < 2 * MARK and abs(y - ty) < 2 * MARK
                                                   for tx, ty in taken):
            return spot
    return x  # a crowd in one place: the table still names every role


def room_map_chart(spreads: list, caption: str = "") -> str:
    """The room's power maps as one picture for a projector, and the same as a table.

    ``spreads`` are ``stats.Spread``s: each role is a numbered circle at the room's middle (median)
    position, with a cross spanning where the middle half of the room put it on each axis.  The
    numbers, the axis names and the table are large enough to read from the back of a room.
    """
    shapes = [
        f'<rect x="{PAD}" y="{PAD}" width="{SIZE - 2 * PAD}" height="{SIZE - 2 * PAD}" fill="none" stroke="{AXIS}" '
        f'stroke-width="2"/>',
        f'<text x="{SIZE / 2}" y="{SIZE - 18}" text-anchor="middle" font-size="26">Formal authority →</text>',
        f'<text x="28" y="{SIZE / 2}" text-anchor="middle" font-size="26" '
        f'transform="rotate(-90 28 {SIZE / 2})">Recognised expertise →</text>',
    ]
    for tick in (0, 5, 10):
        x, y = _xy(tick, tick)
        shapes.append(f'<line x1="{x:g}" y1="{PAD}" x2="{x:g}" y2="{SIZE - PAD}" stroke="{AXIS}" stroke-opacity="0.3"/>'
                      f'<line x1="{PAD}" y1="{y:g}" x2="{SIZE - PAD}" y2="{y:g}" stroke="{AXIS}" stroke-opacity="0.3"/>'
                      f'<text x="{x:g}" y="{SIZE - PAD + 24}" text-anchor="middle" font-size="20">{tick}</text>'
                      f'<text x="{PAD - 10}" y="{y + 7:g}" text-anchor="end" font-size="20">{tick}</text>')
    taken: list[tuple[float, float]] = []
    crosses, marks, rows = [], [], []  # every cross under every number, so no line crosses a number
    for number, spread in enumerate(spreads, start=1):
        x, y = _xy(spread.authority, spread.expertise)
        (a_low, a_high), (e_low, e_high) = spread.authority_range, spread.expertise_range
        left, _ = _xy(a_low, 0)
        right, _ = _xy(a_high, 0)
        _, bottom = _xy(0, e_low)
        _, top = _xy(0, e_high)
        crosses.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="{BAR}" stroke-width="5" '
                      f'stroke-opacity="0.45" stroke-linecap="round"/>'
                      f'<line x1="{x:.1f}" y1="{bottom:.1f}" x2="{x:.1f}" y2="{top:.1f}" stroke="{BAR}" stroke-width="5" '
                      f'stroke-opacity="0.45" stroke-linecap="round"/>')
        x = _free_spot(x, y, taken)
        taken.append((x, y))
        marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{MARK}" fill="{BAR}" stroke="#ffffff" stroke-width="2"/>'
                      f'<text x="{x:.1f}" y="{y + 8:.1f}" text-anchor="middle" font-size="22" font-weight="700" '
                      f'fill="#ffffff">{number}</text>')
        rows.append(f"<tr><td class='num'>{number}</td><th scope='row'>{escape(spread.role)}</th>"
                    f"<td class='num'>{spread.maps}</td>"
                    f"<td>{spread.authority:g} ({_between(a_low, a_high)})</td>"
                    f"<td>{spread.expertise:g} ({_between(e_low, e_high)})</td></tr>")
    label = escape(caption or "The room's power map")
    table = (f"<table class='workshop-chart-numbers' style='font-size:1.25rem'><caption>{label}: each role's middle "
             f"position, and where the middle half of the maps put it</caption><thead><tr><th scope='col'>Number</th>"
             f"<th scope='col'>Role</th><th scope='col'>Maps</th><th scope='col'>Formal authority</th>"
             f"<th scope='col'>Recognised expertise</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
             if rows else "<p>No role was placed on enough maps to show.</p>")
    return (
        f"<figure class='workshop-power-map' style='display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start'>"
        f'<svg role="img" aria-label="{label}: numbered roles, named in the table" viewBox="0 0 {SIZE} {SIZE}" '
        f'style="width:100%;max-width:40rem;height:auto;flex:1 1 20rem" font-family="{FONT}" fill="{INK}">'
        f'{"".join(shapes + crosses + marks)}</svg>'
        f"<div class='scroll' style='overflow-x:auto;flex:1 1 20rem'>{table}</div></figure>"
    )
