"""The SVG charts are pure: data in, SVG text out; every text escaped, no style attribute, named for screen readers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from lms.hr.charts import BarItem, Point, bar_chart, histogram, line_chart, nice_max
from lms.hr.dashboard import Bucket, jp_buckets

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg) -> ET.Element:
    """The chart as XML: it must be well formed (an unescaped '<' or '&' would fail here)."""
    return ET.fromstring(str(svg))


def assert_accessible(svg, title: str, desc: str) -> ET.Element:
    root = parse(svg)
    assert root.get("role") == "img"
    chart_id = root.get("id")
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.find(f"{SVG}title").text == title
    assert root.find(f"{SVG}desc").text == desc
    assert root.get("viewBox").startswith("0 0 400 ")
    assert root.get("width") == "100%"
    assert "style" not in str(svg)  # the CSP (style-src 'self') would block a style attribute
    return root


HOSTILE = 'Dinas <script>alert("x")</script> & "Sandi" \'OPD\''


def test_every_text_is_escaped_opd_names_included():
    svg = bar_chart(
        [BarItem(HOSTILE, 50, "50% (1/2) <b>")],
        chart_id="c<1>",
        title="Judul <i>",
        desc='Ringkasan & "kutip"',
    )
    text = str(svg)
    assert "<script>" not in text and "<b>" not in text and "<i>" not in text
    root = assert_accessible(svg, "Judul <i>", 'Ringkasan & "kutip"')
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert HOSTILE in labels
    assert "50% (1/2) <b>" in labels
    assert [t.text for t in root.iter(f"{SVG}title")][1] == f"{HOSTILE}: 50% (1/2) <b>"
    line = line_chart([Point("<Jan>", 3)], chart_id="l", title="<t>", desc="<d>")
    assert "<Jan>" not in str(line) and "&lt;Jan&gt;" in str(line)
    parse(line)
    hist = histogram([Point("1–4 & <x>", 2)], chart_id="h", title="t", desc="d")
    assert "&amp; &lt;x&gt;" in str(hist)
    parse(hist)


@pytest.mark.parametrize("chart", [bar_chart, line_chart, histogram])
def test_empty_data_says_so(chart):
    svg = chart([], chart_id="kosong", title="Judul", desc="Belum ada data.", empty_text="Belum ada data.")
    root = assert_accessible(svg, "Judul", "Belum ada data.")
    assert [t.text for t in root.iter(f"{SVG}text")] == ["Belum ada data."]


def test_one_opd_draws_one_bar_to_its_share():
    root = assert_accessible(
        bar_chart([BarItem("Kecamatan Tembalang", 25, "25% (1/4)")], chart_id="b", title="t", desc="d"), "t", "d"
    )
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    tracks = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-track"]
    assert len(bars) == len(tracks) == 1
    assert float(bars[0].get("width")) == pytest.approx(float(tracks[0].get("width")) / 4)


def test_sixty_opd_each_get_a_row_and_the_chart_grows_instead_of_shrinking():
    items = [
        BarItem(f"Kecamatan Nomor {n:02d} dengan nama yang cukup panjang sekali untuk diuji", n, f"{n}%")
        for n in range(60)
    ]
    root = assert_accessible(bar_chart(items, chart_id="b", title="t", desc="d"), "t", "d")
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]) == 60
    height = float(root.get("viewBox").split()[3])
    assert height >= 60 * 40  # a 40-unit row each: labels stay readable at 360 px
    label_sizes = {t.get("font-size") for t in root.iter(f"{SVG}text")}
    assert label_sizes <= {"13", "12"}


def test_values_out_of_range_are_clamped_and_a_zero_maximum_draws_nothing():
    root = parse(bar_chart([BarItem("a", 150, ""), BarItem("b", -3, "")], chart_id="b", title="t", desc="d"))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert widths == [336.0, 0.0]
    root = parse(bar_chart([BarItem("a", 5, "")], chart_id="b", title="t", desc="d", maximum=0))
    assert [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"] == [0.0]


def test_line_of_twelve_months_all_zero_lies_on_the_axis():
    months = [Point(m, 0) for m in "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split()]
    root = assert_accessible(line_chart(months, chart_id="m", title="t", desc="d"), "t", "d")
    ys = {c.get("cy") for c in root.iter(f"{SVG}circle")}
    assert ys == {"182"}
    assert len(list(root.iter(f"{SVG}circle"))) == 12


def test_histogram_highlights_the_reached_bar():
    root = parse(histogram([Point("0", 3), Point("Tercapai", 5)], chart_id="h", title="t", desc="d"))
    classes = [r.get("class") for r in root.iter(f"{SVG}rect")]
    assert classes == ["chart-bar", "chart-bar chart-bar-reached"]


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (20, 20), (51, 100), (0.3, 1)])
def test_nice_max(value, top):
    assert nice_max(value) == pytest.approx(top)


def test_jp_buckets_by_five_then_reached_own_target():
    # (total JP, her target, how many)
    rows = [
        (0, 20, 4),
        (1, 20, 1),
        (4, 20, 2),
        (5, 20, 3),
        (19, 20, 1),
        (20, 20, 6),
        (25, 20, 1),
        (12, 10, 2),
        (9, 10, 1),
    ]
    buckets = jp_buckets(rows, top=20)
    assert buckets == [
        Bucket("0", 4),
        Bucket("1–4", 3),
        Bucket("5–9", 4),
        Bucket("10–14", 0),
        Bucket("15–19", 1),
        Bucket("≥ target", 9, reached=True),
    ]


def test_jp_buckets_with_a_zero_target_puts_everyone_at_target():
    assert jp_buckets([(0, 0, 3), (7, 0, 2)], top=0) == [Bucket("≥ target", 5, reached=True)]
    assert jp_buckets([], top=0) == [Bucket("≥ target", 0, reached=True)]


def test_jp_buckets_with_an_odd_target():
    labels = [b.label for b in jp_buckets([], top=12)]
    assert labels == ["0", "1–4", "5–9", "10–11", "≥ target"]
    assert re.fullmatch(r"\d+", labels[0])


def test_a_long_opd_name_is_clipped_to_fit_the_width_and_whole_in_its_title():
    name = "Dinas Kependudukan dan Pencatatan Sipil Kota Semarang Bidang Pelayanan Pendaftaran Penduduk"
    root = parse(bar_chart([BarItem(name, 10, "10%")], chart_id="b", title="t", desc="d"))
    label = next(t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-label")
    assert len(label) <= 50 and label.endswith("…") and name.startswith(label[:-1])
    assert [t.text for t in root.iter(f"{SVG}title")][1] == f"{name}: 10%"
