"""The charts, drawn as SVG: parsed back and measured against values worked out by hand."""
import math
import re
import subprocess
import sys
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sufficiency_lib.statement import charts, svg

NS = "{http://www.w3.org/2000/svg}"
SIN45 = math.sqrt(0.5)


def parse(chart: charts.Chart) -> ElementTree.Element:
    return ElementTree.fromstring(chart.svg)


def of_class(root, name: str, tag: str = "*") -> list:
    return [e for e in root.iter() if e.get("class") == name and (tag == "*" or e.tag == NS + tag)]


def points(d: str) -> list[tuple[float, float]]:
    """The points a path's ``d`` visits (M, L, H, V, Z commands)."""
    out, x, y = [], 0.0, 0.0
    for command, args in re.findall(r"([MLHVZ])([^MLHVZ]*)", d):
        numbers = [float(n) for n in args.split()]
        if command in "ML":
            x, y = numbers
        elif command == "H":
            x = numbers[0]
        elif command == "V":
            y = numbers[0]
        else:
            continue
        out.append((x, y))
    return out


def text_lines(element) -> list[str]:
    spans = element.findall(NS + "tspan")
    return [s.text or "" for s in spans] if spans else [element.text or ""]


def text_corners(element) -> list[tuple[float, float]]:
    """A text's box (width estimated from its characters, as svg.py does), rotated as drawn."""
    size, x, y = float(element.get("font-size")), float(element.get("x")), float(element.get("y"))
    lines = text_lines(element)
    width = max(svg.text_width(line, size, element.get("font-weight") == "bold") for line in lines)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[element.get("text-anchor")]
    top, bottom = y - 0.8 * size, y + 0.25 * size + (len(lines) - 1) * size * svg.LINE_HEIGHT
    corners = [(left, top), (left + width, top), (left + width, bottom), (left, bottom)]
    turn = re.match(r"rotate\((-?[\d.]+) (-?[\d.]+) (-?[\d.]+)\)", element.get("transform", ""))
    if turn:
        angle, cx, cy = (float(v) for v in turn.groups())
        c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        corners = [(cx + (px - cx) * c - (py - cy) * s, cy + (px - cx) * s + (py - cy) * c) for px, py in corners]
    return corners


def overlap(a: list, b: list) -> bool:
    """Whether two convex quadrilaterals overlap (separating axis test)."""
    for shape in (a, b):
        for i in range(4):
            (x1, y1), (x2, y2) = shape[i], shape[(i + 1) % 4]
            axis = (y1 - y2, x2 - x1)
            pa = [axis[0] * px + axis[1] * py for px, py in a]
            pb = [axis[0] * px + axis[1] * py for px, py in b]
            if max(pa) <= min(pb) or max(pb) <= min(pa):
                return False
    return True


def y_ticks(root) -> dict[float, float]:
    """Each y tick's value (its label) and the y of its tick mark."""
    labels = [float(t.text.replace(",", "")) for t in of_class(root, "y-tick", "text")]
    marks = [points(p.get("d"))[0][1] for p in of_class(root, "y-tick-mark", "path")]
    return dict(zip(labels, marks))


def plot_box(root) -> tuple[float, float, float, float]:
    """left, top, right, bottom of the plot, from the axis lines (left spine, then zero line)."""
    (left, top), (_, bottom), _, (right, _) = points(of_class(root, "axis", "path")[0].get("d"))
    return left, top, right, bottom


def long_frame(values: dict[str, dict[int, float]], x="time_period", hue="series", y="value") -> pd.DataFrame:
    return pd.DataFrame([{x: year, hue: name, y: v} for name, by_year in values.items() for year, v in by_year.items()])


def line(values, title="A chart", **kwargs) -> charts.Chart:
    return charts.line_chart(long_frame(values), x="time_period", y="value", hue="series", title=title,
                             y_label="Children", source="test", alt="A line chart", **kwargs)


# --- axis scale ----------------------------------------------------------------------------------
@pytest.mark.parametrize("high, ticks, labels", [
    (45, [0, 10, 20, 30, 40, 50], None),                 # 10s: 5 intervals; 5s would need 9
    (1000, [0, 200, 400, 600, 800, 1000], ["0", "200", "400", "600", "800", "1,000"]),
    (7, [0, 2, 4, 6, 8], None),                          # 1s need 7 intervals
    (0.3, [0, 0.1, 0.2, 0.3], ["0.0", "0.1", "0.2", "0.3"]),
    (2.2, [0, 0.5, 1, 1.5, 2, 2.5], ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"]),
    (1.2e6, [0, 250000, 500000, 750000, 1000000, 1250000], ["0", "250,000", "500,000", "750,000", "1,000,000",
                                                            "1,250,000"]),
    (0, [0, 0.2, 0.4, 0.6, 0.8, 1], None),               # nothing to show: an axis of 0 to 1
    (16, [0, 5, 10, 15, 20], None),                      # 2.5s would need 7 intervals
])
def test_ticks_are_nice_numbers_from_zero_covering_the_maximum(high, ticks, labels):
    found, decimals = svg.nice_ticks(0, high)
    assert found == pytest.approx(ticks)
    if labels:
        assert [svg.tick_label(t, decimals) for t in found] == labels


def test_stacked_bars_follow_the_order_given_from_the_bottom():
    """Ordered bands (time in care, age) stack as the table lists them, not by size."""
    data = long_frame({"Under 6 months": {2025: 10}, "6 months to under 1 year": {2025: 5},
                       "5 years and over": {2025: 40}}, x="year", hue="band", y="n")
    order = ["Under 6 months", "6 months to under 1 year", "5 years and over"]
    root = parse(charts.stacked_bar_chart(data, x="year", y="n", hue="band", title="Bands", y_label="Number",
                                          source="test", alt="bars", order=order))
    assert [t.text for t in of_class(root, "legend-label", "text")] == order
    bottoms = [float(b.get("y")) + float(b.get("height")) for b in of_class(root, "bar", "rect")]
    assert bottoms == sorted(bottoms, reverse=True)       # each drawn on top of the one before
    unordered = parse(charts.stacked_bar_chart(data, x="year", y="n", hue="band", title="Bands", y_label="Number",
                                               source="test", alt="bars"))
    assert [t.text for t in of_class(unordered, "legend-label", "text")][0] == "5 years and over"


def test_bar_heights_are_proportional_to_values_on_the_axis():
    # 2023: a 30, b 10 (total 40); 2024: a 20, b 25 (total 45) -> axis 0 to 50 in tens.
    data = long_frame({"a": {2023: 30, 2024: 20}, "b": {2023: 10, 2024: 25}}, x="year", hue="kind", y="n")
    root = parse(charts.stacked_bar_chart(data, x="year", y="n", hue="kind", title="Bars", y_label="Number",
                                          source="test", alt="bars"))
    ticks = y_ticks(root)
    assert list(ticks) == [0, 10, 20, 30, 40, 50]
    zero, per_unit = ticks[0], (ticks[0] - ticks[50]) / 50
    left, _, right, bottom = plot_box(root)
    assert bottom == pytest.approx(zero)
    bars = of_class(root, "bar", "rect")
    assert len(bars) == 4
    # bars drawn year by year, a (the larger in total: 50 against 35) at the bottom, as in the legend
    expected = [(2023, "a", 0, 30), (2023, "b", 30, 10), (2024, "a", 0, 20), (2024, "b", 20, 25)]
    slot = (right - left) / 2
    legend = [t.text for t in of_class(root, "legend-label", "text")]
    assert legend == ["a", "b"]
    for bar, (year, kind, below, value) in zip(bars, expected):
        height, y = float(bar.get("height")), float(bar.get("y"))
        assert height == pytest.approx(value * per_unit, abs=0.02), (year, kind)
        assert y + height == pytest.approx(zero - below * per_unit, abs=0.02)
        assert float(bar.get("width")) == pytest.approx(0.65 * slot, abs=0.02)
        assert bar.get("fill") == charts.PALETTE[legend.index(kind)]
    centres = [float(b.get("x")) + float(b.get("width")) / 2 for b in bars[::2]]
    assert centres == pytest.approx([left + slot / 2, left + 1.5 * slot], abs=0.02)
    assert [t.text for t in of_class(root, "x-tick", "text")] == ["2023", "2024"]


def test_lines_and_markers_one_per_series_and_point():
    root = parse(line({"Cambridgeshire": {2020: 5, 2021: 7, 2022: 6}, "England": {2020: 4, 2021: 4, 2022: 5}}))
    paths = of_class(root, "line", "path")
    assert len(paths) == 2 and len(of_class(root, "marker", "circle")) == 6
    assert all(p.get("d").count("M") == 1 and len(points(p.get("d"))) == 3 for p in paths)
    assert all(float(c.get("r")) == 3 for c in of_class(root, "marker", "circle"))
    assert all(p.get("stroke-width") == "2" for p in paths)
    ticks = y_ticks(root)
    assert list(ticks) == [0, 2, 4, 6, 8]
    # Cambridgeshire's 7 in 2021 sits at 7/8 of the axis's height
    marks = {(c.get("fill"), round(float(c.get("cy")), 1)) for c in of_class(root, "marker", "circle")}
    assert (charts.PALETTE[0], round(ticks[0] - 7 / 8 * (ticks[0] - ticks[8]), 1)) in marks
    assert [t.text for t in of_class(root, "x-tick", "text")] == ["2020", "2021", "2022"]


def test_a_gap_breaks_the_line():
    # a NaN in 2021 and a year with no row (2023, present for England) each break Cambridgeshire's line
    root = parse(line({"Cambridgeshire": {2020: 5, 2021: np.nan, 2022: 6, 2024: 8, 2025: 9},
                       "England": {2020: 4, 2021: 4, 2022: 5, 2023: 5, 2024: 5, 2025: 5}}))
    by_colour = {p.get("stroke"): p.get("d") for p in of_class(root, "line", "path")}
    cambs = by_colour[charts.PALETTE[0]]
    runs = [len(points("M" + run)) for run in cambs.split("M")[1:]]
    assert runs == [1, 1, 2]        # 2020 alone, 2022 alone, then 2024-2025
    assert by_colour[charts.PALETTE[1]].count("M") == 1
    assert len(of_class(root, "marker", "circle")) == 4 + 6


def test_title_and_description_are_present_and_escaped():
    title, alt = 'Care & support <2024> "so-called"', "Children & young people <18"
    chart = charts.line_chart(pd.DataFrame({"year": [2023, 2024], "n": [1.0, 2.0]}), x="year", y="n", title=title,
                              y_label="Rate <per 10,000>", source="test", alt=alt)
    raw = chart.svg.decode("utf-8")
    assert "Care &amp; support &lt;2024&gt;" in raw and "Children &amp; young people &lt;18" in raw
    root = ElementTree.fromstring(chart.svg)
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert root.get("viewBox") == "0 0 720 360"
    assert root.find(NS + "title").text == title and root.find(NS + "desc").text == alt
    heading = of_class(root, "title", "text")[0]
    assert heading.text == title and heading.get("font-weight") == "bold"
    assert float(heading.get("font-size")) == pytest.approx(11 * 4 / 3, abs=0.01)     # 11pt in px
    assert all(float(t.get("font-size")) == 12 for t in of_class(root, "y-tick", "text"))   # 9pt
    assert of_class(root, "y-label", "text")[0].text == "Rate <per 10,000>"
    assert not of_class(root, "legend")          # one line, no hue: no legend
    assert chart.to_html().startswith('<figure class="chart"><img src="data:image/svg+xml;base64,')
    assert 'width="720" height="360"' in chart.to_html()


def test_colours_only_from_the_palette_and_at_most_six():
    values = {f"Series {i}": {2022: float(i), 2023: float(i + 1)} for i in range(8)}
    root = parse(line(values))
    drawn = [e for e in root.iter() if e.get("class") in ("line", "marker", "swatch", "bar", "band")]
    colours = {e.get("stroke") for e in drawn} | {e.get("fill") for e in drawn}
    assert colours - {None, "none"} <= set(charts.PALETTE)
    assert len(of_class(root, "line", "path")) == 6
    legend = [t.text for t in of_class(root, "legend-label", "text")]
    # the five largest (7, 6, 5, 4, 3) and the rest (2, 1, 0) together, last
    assert legend == ["Series 3", "Series 4", "Series 5", "Series 6", "Series 7", charts.OTHERS]
    others = [p for p in of_class(root, "line", "path") if p.get("stroke") == charts.PALETTE[5]][0]
    ticks = y_ticks(root)
    top_of_others = min(y for _, y in points(others.get("d")))   # 2023: 1 + 2 + 3 = 6 of an axis to 8
    assert list(ticks) == [0, 2, 4, 6, 8]
    assert top_of_others == pytest.approx(ticks[6], abs=0.02)


def test_the_legend_sits_below_the_plot_and_its_labels():
    values = {name: {2020: 1.0, 2021: 2.0} for name in ("Placed for adoption", "Foster placements", "Others")}
    root = parse(line(values))
    _, _, _, bottom = plot_box(root)
    lowest_label = max(y for t in of_class(root, "x-tick", "text") for _, y in text_corners(t))
    legend = of_class(root, "legend", "g")[0]
    tops = [min(y for _, y in text_corners(t)) for t in legend.iter(NS + "text")]
    tops += [float(r.get("y")) for r in legend.iter(NS + "rect")]
    tops += [float(c.get("cy")) - float(c.get("r")) for c in legend.iter(NS + "circle")]
    assert len(tops) == 3 + 3 and min(tops) > lowest_label > bottom
    assert len({round(float(t.get("y"))) for t in legend.iter(NS + "text")}) == 1   # three columns, one row


@pytest.mark.parametrize("years, expected", [(range(2013, 2025), list(range(2013, 2025))),   # every year fits
                                             (range(1985, 2025), list(range(1985, 2021, 5)))])
def test_year_labels_fit_without_overlapping(years, expected):
    root = parse(line({"a": {y: 1.0 for y in years}}))
    labels = of_class(root, "x-tick", "text")
    assert [int(t.text) for t in labels] == expected
    boxes = [text_corners(t) for t in labels]
    assert not any(overlap(a, b) for a, b in zip(boxes, boxes[1:]))


@pytest.mark.parametrize("names, rotated", [
    (["Cambridgeshire", "Central Bedfordshire", "North Northamptonshire", "Peterborough", "Southend-on-Sea"],
     False),                                                                # two of them wrapped
    ([f"{n} County Council" for n in ("Bedford", "Cambridgeshire", "Central Bedfordshire", "Essex", "Hertfordshire",
                                      "Luton", "Milton Keynes", "Norfolk", "North Northamptonshire", "Peterborough",
                                      "Southend-on-Sea", "Suffolk", "Thurrock", "West Northamptonshire")], True)])
def test_bar_labels_never_overlap(names, rotated):
    data = pd.DataFrame({"la": names, "sector": "Private", "places": 5.0})
    root = parse(charts.stacked_bar_chart(data, x="la", y="places", hue="sector", title="Places",
                                          y_label="Places", source="test", alt="bars"))
    labels = of_class(root, "x-tick", "text")
    assert len(labels) == len(names)
    assert all(("transform" in t.attrib) == rotated for t in labels)
    assert rotated or [len(text_lines(t)) for t in labels] == [1, 2, 2, 1, 1]
    boxes = [text_corners(t) for t in labels]
    assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert_inside(root)


def test_a_long_y_title_wraps_beside_the_plot_clear_of_the_ticks():
    chart = charts.line_chart(pd.DataFrame({"year": [2023, 2024], "n": [1000.0, 2500.0]}), x="year", y="n",
                              title="t", y_label="Rate per 10,000 children aged 0 to 17 in the year to 31 March",
                              source="s", alt="a")
    root = parse(chart)
    title = of_class(root, "y-label", "text")[0]
    assert len(text_lines(title)) == 2
    box = text_corners(title)
    _, top, _, bottom = plot_box(root)
    assert min(y for _, y in box) >= top - 0.01 and max(y for _, y in box) <= bottom + 0.01
    assert not any(overlap(box, text_corners(t)) for t in of_class(root, "y-tick", "text"))
    assert_inside(root)


def test_forecast_bands_and_dashed_line_start_from_the_last_recorded_point():
    history = pd.Series([600.0, 620, 640, 655], index=[2021, 2022, 2023, 2024])
    predicted = pd.DataFrame({"mean": [660.0, 670], "lower_80": [640.0, 630], "upper_80": [680.0, 710],
                              "lower_95": [620.0, 600], "upper_95": [700.0, 760]}, index=[2025, 2026])
    root = parse(charts.forecast_chart(history, predicted, title="Forecast", y_label="Children", source="test",
                                       alt="forecast"))
    bands = of_class(root, "band", "path")
    assert [b.get("fill-opacity") for b in bands] == ["0.15", "0.3"]
    recorded, forecast = sorted(of_class(root, "line", "path"), key=lambda p: p.get("stroke") != charts.PALETTE[0])
    assert recorded.get("stroke-dasharray") is None and forecast.get("stroke-dasharray")
    last = points(recorded.get("d"))[-1]
    assert len(points(recorded.get("d"))) == 4 and points(forecast.get("d"))[0] == last
    assert len(points(forecast.get("d"))) == 3
    ticks = y_ticks(root)
    assert list(ticks) == [0, 200, 400, 600, 800]
    for band, (low, high) in zip(bands, ((600, 760), (630, 710))):
        corners = points(band.get("d"))
        assert corners[0] == last and corners[-1] == last      # out along the top from the point, back along the bottom
        per = (ticks[0] - ticks[800]) / 800
        assert min(y for _, y in corners) == pytest.approx(ticks[0] - high * per, abs=0.02)
        assert max(y for _, y in corners) == pytest.approx(ticks[0] - low * per, abs=0.02)
    assert len(of_class(root, "marker", "circle")) == 4 + 3
    assert [t.text for t in of_class(root, "legend-label", "text")] == ["Recorded", "Forecast", "95% interval",
                                                                         "80% interval"]


def test_no_matplotlib_is_imported_to_draw_a_chart():
    code = ("import sys, pandas as pd\n"
            "from sufficiency_lib.statement import charts, explorer\n"
            "charts.line_chart(pd.DataFrame({'x': [2023, 2024], 'y': [1.0, 2.0]}), x='x', y='y', title='t', "
            "y_label='n', source='s', alt='a', png=True)\n"
            "print('matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "False"


# --- properties ------------------------------------------------------------------------------------
def assert_inside(root) -> None:
    """Nothing drawn (shapes, lines, estimated text boxes) outside the viewBox."""
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    corners = []
    for e in root.iter():
        if e.tag == NS + "path":
            corners += points(e.get("d"))
        elif e.tag == NS + "circle":
            cx, cy, r = (float(e.get(k)) for k in ("cx", "cy", "r"))
            corners += [(cx - r, cy - r), (cx + r, cy + r)]
        elif e.tag == NS + "rect":
            x, y = float(e.get("x", 0)), float(e.get("y", 0))
            corners += [(x, y), (x + float(e.get("width")), y + float(e.get("height")))]
        elif e.tag == NS + "text":
            corners += text_corners(e)
    assert all(-0.01 <= x <= width + 0.01 and -0.01 <= y <= height + 0.01 for x, y in corners)


def drawn_maximum(values: dict[str, dict[int, float]]) -> float:
    """The largest value a line chart draws: the five largest series (by total) and the rest summed."""
    totals = {name: sum(v for v in by_year.values() if v == v) for name, by_year in values.items()}
    largest = sorted(totals, key=totals.get, reverse=True)[:5] if len(values) > 6 else list(values)
    tops = [v for name in largest for v in values[name].values() if v == v]
    rest = [name for name in values if name not in largest]
    for year in {y for by_year in values.values() for y in by_year}:
        summed = [values[name][year] for name in rest if values[name][year] == values[name][year]]
        tops += [sum(summed)] if summed else []
    return max(tops, default=0.0)


def assert_nice(ticks: list[float]) -> None:
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (1, 2, 2.5, 5, 10))
    assert ticks[0] == 0 and 4 <= len(ticks) <= 6
    assert all(math.isclose(b - a, step, rel_tol=1e-9) for a, b in zip(ticks, ticks[1:]))


values_strategy = st.integers(1, 12).flatmap(lambda years: st.dictionaries(
    st.text(alphabet="abcdefghij &<>'\"", min_size=1, max_size=40),
    st.lists(st.one_of(st.floats(0, 1e6), st.just(float("nan"))), min_size=years, max_size=years),
    min_size=1, max_size=8))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values_strategy)
def test_any_series_draws_inside_the_chart_on_a_nice_axis(raw):
    values = {name: dict(zip(range(2010, 2010 + len(v)), v)) for name, v in raw.items()}
    for chart, maximum in ((line(values), drawn_maximum(values)),
                           (charts.stacked_bar_chart(long_frame(values), x="time_period", y="value", hue="series",
                                                     title="Bars", y_label="Number", source="s", alt="a"),
                            max(sum(v[y] for v in values.values() if v[y] == v[y]) for y in next(iter(values.values()))))):
        root = parse(chart)
        ticks = list(y_ticks(root))
        assert ticks == sorted(ticks) and ticks[-1] >= maximum
        assert_nice(ticks)
        assert_inside(root)
