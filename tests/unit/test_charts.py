"""The kit's one chart module: bars of counts and the room's power map, each with its text alternative."""

import re
from html.parser import HTMLParser

import pytest

from coproduction_kit.core.charts import (
    AXIS, BAR, INK, Bar, bar_chart, bars, change_chart, numbered_bars, room_map_chart, tally_bars,
)
from coproduction_kit.core.stats import position_spread

MARKUP = "<img src=x onerror=alert(1)> & \"quoted\" 'option'"


class _Page(HTMLParser):
    """The text a reader hears, and every attribute value, of a piece of HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.tags, self.text, self.attributes = [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [value or "" for _, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_bars_carry_their_numbers_in_the_picture_and_in_a_table():
    chart = bar_chart(bars([("1", 1), ("2", 0), ("3", 4)]), unit="ratings")
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-label="Bar chart of 5 ratings: 1: 1; 2: 0; 3: 4"', chart)
    assert re.findall(r"<th scope='row'>(\d)</th><td class='num'>(\d+)</td><td class='num'>(\d+)%</td>", chart) == [
        ("1", "1", "20"), ("2", "0", "0"), ("3", "4", "80")]
    assert "<caption>The numbers in the chart (5 ratings)</caption>" in chart
    labels = re.findall(r'<text [^>]*text-anchor="end">([^<]+)</text>', chart)
    numbers = re.findall(r'<text x="[\d.]+" y="\d+">(\d+)</text>', chart)  # each number beside its bar
    assert (labels, numbers) == (["1", "2", "3"], ["1", "0", "4"])


def test_labels_with_markup_are_escaped_everywhere():
    chart = bar_chart([Bar(MARKUP, 2, full=MARKUP + " in full")], caption=MARKUP)
    page = _Page(chart)
    assert "img" not in page.tags and "<img" not in chart
    assert MARKUP + " in full" in "".join(page.text)  # the table names it in full
    assert any(MARKUP in value for value in page.attributes)  # the text alternative, unharmed
    power = room_map_chart(position_spread([{MARKUP: [3, 4]}, {MARKUP: [5, 6]}]), caption=MARKUP)
    assert "<img" not in power and MARKUP in "".join(_Page(power).text)


def test_zero_counts_draw_no_bar_but_keep_their_row():
    chart = bar_chart(bars([("yes", 0), ("no", 0)]))
    assert re.findall(r'<rect [^>]*width="([\d.]+)"', chart) == ["0.0", "0.0"]
    assert "Bar chart of 0 answers: yes: 0; no: 0" in chart
    assert chart.count("<td class='num'>0%</td>") == 2  # no division by zero
    one = bar_chart(bars([("few", 1), ("many", 1000)]))
    assert float(re.findall(r'<rect [^>]*width="([\d.]+)"', one)[0]) >= 2  # a single answer still shows


def test_empty_data_says_so_and_draws_nothing():
    assert "<svg" not in bar_chart([]) and "Nothing to count yet" in bar_chart([], caption="Vignette 1")
    assert "<svg" in room_map_chart([]) and "No role was placed on enough maps to show." in room_map_chart([])


def test_options_are_numbered_beside_the_bars_and_named_in_full_in_the_table():
    long = "A sentence far too long to stand beside a bar in the chart"
    chart = bar_chart(numbered_bars([(long, 3), ("Short", 1)]), total=3, unit="people")
    assert "Bar chart of 3 people: Option 1: 3; Option 2: 1" in chart
    assert f"<th scope='row'>Option 1: {long}</th><td class='num'>3</td><td class='num'>100%</td>" in chart
    cut = bar_chart(bars([(long, 1)]))
    assert long not in re.findall(r"<text [^>]*>([^<]+)</text>", cut)[0] and f"<th scope='row'>{long}</th>" in cut


def test_scales_name_their_ends_in_the_table_and_kinds_their_unit():
    from coproduction_kit.core.kinds import KINDS

    drawn = tally_bars([(1, 2), (2, 0), (3, 1)], ends={1: "Not at all", 3: "Completely"})
    assert [(b.label, b.full) for b in drawn] == [("1", "1 (Not at all)"), ("2", ""), ("3", "3 (Completely)")]
    choice = KINDS["choice"]
    assert [b.label for b in tally_bars([("x", 1), ("y", 2)], numbered=choice.numbered)] == ["Option 1", "Option 2"]
    assert [KINDS[k].unit for k in ("scale", "checklist", "choice")] == ["ratings", "people", "answers"]


def test_the_rooms_map_puts_each_role_at_its_middle_with_the_middle_half_of_the_room_around_it():
    maps = [{"Resident": [2, 4], "Funder": [9, 1]}, {"Resident": [4, 6], "Funder": [9, 2]},
            {"Resident": [3, 9]}, {"Resident": [10, 5]}]
    spreads = position_spread(maps)
    assert [(s.role, s.maps, s.authority, s.expertise) for s in spreads] == [("Resident", 4, 3.5, 5.5), ("Funder", 2, 9, 1.5)]
    power = room_map_chart(spreads, caption="The room")
    rows = re.findall(r"<tr><td class='num'>(\d)</td><th scope='row'>([^<]+)</th><td class='num'>(\d)</td>"
                      r"<td>([^<]+)</td><td>([^<]+)</td></tr>", power)
    assert rows == [("1", "Resident", "4", "3.5 (2.8 to 5.5)", "5.5 (4.8 to 6.8)"),
                    ("2", "Funder", "2", "9 (9)", "1.5 (1.2 to 1.8)")]
    assert re.findall(r'fill="#ffffff">(\d+)</text>', power) == ["1", "2"]  # each role's number on the map
    # Numbers large enough for the back of a room: the chart's own text is never under 20 px of 600.
    assert min(int(size) for size in re.findall(r'font-size="(\d+)"', power)) >= 20


def test_roles_in_the_same_place_are_drawn_side_by_side_not_on_top_of_each_other():
    same = [{"A": [5, 5], "B": [5, 5], "C": [10, 5]}] * 2
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', room_map_chart(position_spread(same)))
    assert len(circles) == 3 and len(set(circles)) == 3
    assert all(20 <= float(x) <= 580 for x, _ in circles)  # never pushed off the picture


def test_a_position_that_is_not_two_numbers_is_left_out_of_the_rooms_map():
    spreads = position_spread([{"A": [1, 1]}, {"A": "high"}, {"A": [True, 3]}, "not a map", {"A": [3, 5]}])
    assert [(s.role, s.maps, s.authority, s.expertise) for s in spreads] == [("A", 2, 2, 3)]


def test_the_change_chart_reads_each_statement_with_its_change_and_interval_and_marks_no_change():
    chart = change_chart([("Sharing power", 1.0, 0.34, 1.66, "Service users should share in decisions."),
                          (MARKUP, -0.5, -1.2, 0.2, MARKUP + " in full")], caption="Change, start → end")
    page = _Page(chart)
    described = next(value for value in page.attributes if value.startswith("Change, start → end."))
    assert "0 is no change" in described and "after minus before" in described
    assert "Service users should share in decisions: +1.00 (+0.34 to +1.66)" in described  # the statement in full
    assert f"{MARKUP} in full: -0.50 (-1.20 to +0.20)" in described and "<img" not in chart
    assert re.findall(r"<td class='num'>([^<]+)</td>", chart) == ["+1.00", "+0.34 to +1.66", "-0.50", "-1.20 to +0.20"]
    assert ["-1.7 lower", "0", "higher +1.7"] == re.findall(r'<text x="[\d.]+" y="20"[^>]*>([^<]+)</text>', chart)


@pytest.mark.parametrize("chart", [bar_chart(bars([("a", 1)]), caption="c"),
                                   room_map_chart(position_spread([{"a": [1, 1]}])),
                                   change_chart([("a", 1.0, 0.5, 1.5, "")])])
def test_charts_need_no_network_and_are_readable_without_colour_or_style_sheet(chart):
    assert not re.search(r"(?:src|href)\s*=|url\(|@import|<link|<script", chart, re.I)
    assert f'fill="{INK}"' in chart  # the ink is the chart's own, not the page's style sheet
    for colour in (INK, BAR, AXIS):  # against white, at least WCAG's 4.5:1
        assert (1.05) / (_luminance(colour) + 0.05) >= 4.5, colour
