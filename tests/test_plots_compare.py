"""The comparison charts of :mod:`analysis.plots` on small hand-made tables."""

from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from analysis import plots
from analysis.compare import DISTINCTIVE_COLUMNS, SENTIMENT_COLUMNS, SHARE_COLUMNS

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bars(figure: Figure) -> list:
    """Every bar of every axes, in drawing order."""
    return [
        bar
        for axes in figure.axes
        for c in axes.containers
        if isinstance(c, BarContainer)
        for bar in c
    ]


def _texts(figure: Figure) -> list[str]:
    return [text.get_text() for axes in figure.axes for text in axes.texts]


def _shares(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(group, entity, "GPE", 1, 1000, per_1000) for group, entity, per_1000 in rows],
        columns=SHARE_COLUMNS,
    )


def _words(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(group, term, 1, 3, 1, z / 2, z) for group, term, z in rows], columns=DISTINCTIVE_COLUMNS
    )


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


# --- entity shares --------------------------------------------------------------------------------


def test_share_chart_one_bar_per_entity_and_group():
    shares = _shares(
        [("A", "Canada", 30.0), ("A", "Mexico", 5.0), ("B", "Mexico", 10.0), ("B", "Peru", 2.0)]
    )
    figure = plots.entity_share_chart(shares, top_n=10)
    assert isinstance(figure, Figure)
    # Three entities, each with a bar for both groups (a group that never mentions one shows 0).
    widths = sorted(round(bar.get_width(), 6) for bar in _bars(figure))
    assert widths == [0.0, 0.0, 2.0, 5.0, 10.0, 30.0]
    axes = figure.axes[0]
    # The entity with the highest share in any group at the top.
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    assert labels == ["Canada", "Mexico", "Peru"]
    assert [tick.get_position()[1] for tick in axes.get_yticklabels()] == [2, 1, 0]
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["A", "B"]


def test_share_chart_keeps_top_n_entities():
    shares = _shares([("A", f"E{i}", float(i)) for i in range(1, 8)] + [("B", "E1", 9.0)])
    figure = plots.entity_share_chart(shares, top_n=3)
    labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    assert labels == ["E1", "E7", "E6"]
    assert len(_bars(figure)) == 3 * 2


def test_share_chart_entity_groups_one_bar_each_grouped_by_group():
    shares = _shares(
        [("West", "United States", 15.0), ("West", "NATO", 0.0), ("East", "Russia", 16.0)]
    )
    figure = plots.entity_share_chart(shares)
    bars = _bars(figure)
    assert len(bars) == 3
    labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    assert labels == ["United States", "NATO", "Russia"]  # by group, then share
    west, east = (plots.GROUP_COLOURS[i] for i in range(2))
    assert [bar.get_facecolor()[:3] for bar in bars] == [west, west, east]


def test_share_chart_many_groups_is_a_heat_map():
    groups = [f"doc_{i}" for i in range(plots.MAX_GROUPED_BARS + 1)]
    shares = _shares([(group, "Canada", 10.0 + i) for i, group in enumerate(groups)])
    shares = pd.concat([shares, _shares([("doc_0", "Mexico", 3.0)])], ignore_index=True)
    figure = plots.entity_share_chart(shares)
    axes = figure.axes[0]
    assert len(axes.images) == 1
    assert axes.images[0].get_array().shape == (2, len(groups))
    assert [tick.get_text() for tick in axes.get_xticklabels()] == groups
    assert "14.0" in _texts(figure) and "3.0" in _texts(figure)


@pytest.mark.parametrize(
    "shares",
    [
        pd.DataFrame(columns=SHARE_COLUMNS),
        _shares([("A", "Canada", 0.0), ("B", "Mexico", 0.0)]),
    ],
    ids=["empty", "nothing mentioned"],
)
def test_share_chart_without_data(shares):
    figure = plots.entity_share_chart(shares)
    assert isinstance(figure, Figure)
    assert not _bars(figure)
    assert any(text.startswith("no data") for text in _texts(figure))


# --- distinctive words ----------------------------------------------------------------------------


def test_words_chart_two_groups_diverges():
    words = _words(
        [
            ("A", "housing", 2.5),
            ("A", "shortage", 1.5),
            ("A", "lopez", -2.0),
            ("B", "lopez", 2.0),
            ("B", "mayor", 1.0),
            ("B", "housing", -2.5),
        ]
    )
    figure = plots.distinctive_words_chart(words, top_n=10)
    widths = [round(bar.get_width(), 6) for bar in _bars(figure)]
    # A's terms to the right (strongest at the top), B's to the left (strongest at the bottom).
    assert widths == [2.5, 1.5, -1.0, -2.0]
    heights = [bar.get_y() for bar in _bars(figure)]
    assert heights == sorted(heights, reverse=True)
    assert _texts(figure) == ["housing", "shortage", "mayor", "lopez"]
    assert "more typical of B" in figure.axes[0].get_xlabel()


def test_words_chart_groups_argument_orders_the_sides():
    words = _words([("A", "housing", 2.5), ("B", "lopez", 2.0)])
    figure = plots.distinctive_words_chart(words, groups=["B", "A"])
    assert [round(bar.get_width(), 6) for bar in _bars(figure)] == [2.0, -2.5]


def test_words_chart_top_n_per_side():
    words = _words(
        [("A", f"a{i}", 3.0 - i / 10) for i in range(6)]
        + [("B", f"b{i}", 3.0 - i / 10) for i in range(6)]
    )
    figure = plots.distinctive_words_chart(words, top_n=2)
    assert _texts(figure) == ["a0", "a1", "b1", "b0"]


def test_words_chart_three_groups_one_panel_each():
    words = _words(
        [("2024-01", "flood", 2.0), ("2024-02", "bank", 1.2), ("2024-02", "rates", 1.1)]
        + [("2024-03", "festival", 1.6), ("2024-03", "bank", -1.0)]
    )
    figure = plots.distinctive_words_chart(words)
    panels = [axes for axes in figure.axes if axes.get_visible() and axes.axison]
    assert [axes.get_title() for axes in panels] == ["2024-01", "2024-02", "2024-03"]
    assert [len(axes.patches) for axes in panels] == [1, 2, 1]
    assert [tick.get_text() for tick in panels[1].get_yticklabels()] == ["bank", "rates"]
    # The same scale everywhere, so that bars compare across panels.
    assert len({axes.get_xlim() for axes in panels}) == 1


@pytest.mark.parametrize(
    "words",
    [pd.DataFrame(columns=DISTINCTIVE_COLUMNS), _words([("A", "x", -1.0), ("B", "y", 0.0)])],
    ids=["empty", "no positive z"],
)
def test_words_chart_without_data(words):
    figure = plots.distinctive_words_chart(words)
    assert not _bars(figure)
    assert any(text.startswith("no data") for text in _texts(figure))


# --- sentiment intervals --------------------------------------------------------------------------


def _sentiment() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("Ledger", "Mexico", 5, -0.4, -0.6, -0.2, 0.6),
            ("Ledger", "Canada", 3, 0.1, -0.1, 0.3, 0.33),
            ("Courier", "Mexico", 4, 0.3, 0.1, 0.5, 0.5),
            ("Courier", "Peru", 1, 0.2, 0.2, 0.2, 1.0),
        ],
        columns=SENTIMENT_COLUMNS,
    )


def test_sentiment_chart_one_errorbar_per_group():
    figure = plots.sentiment_interval_chart(_sentiment())
    axes = figure.axes[0]
    bars = [c for c in axes.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 2
    (ledger_line, _, _), (courier_line, _, _) = (bar.lines for bar in bars)
    assert list(ledger_line.get_xdata()) == [-0.4, 0.1]
    assert list(courier_line.get_xdata()) == [0.3, 0.2]
    assert ledger_line.get_marker() != courier_line.get_marker()
    assert ledger_line.get_color() != courier_line.get_color()
    # Entities by scored mentions (all groups together): Mexico 9, Canada 3, Peru 1.
    assert [tick.get_text() for tick in axes.get_yticklabels()] == ["Mexico", "Canada", "Peru"]
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["Ledger", "Courier"]
    # A zero line, and every interval inside the axis.
    assert any(list(line.get_xdata()) == [0, 0] for line in axes.lines)
    low, high = axes.get_xlim()
    assert low < -0.6 and high > 0.5


def test_sentiment_chart_intervals_as_arms():
    figure = plots.sentiment_interval_chart(_sentiment().head(1))
    (errorbar,) = [c for c in figure.axes[0].containers if isinstance(c, ErrorbarContainer)]
    (segments,) = errorbar.lines[2]
    assert [tuple(round(x, 6) for x, _ in segment) for segment in segments.get_segments()] == [
        (-0.6, -0.2)
    ]


def test_sentiment_chart_top_n_and_a_mean_outside_its_interval():
    table = _sentiment()
    table.loc[1, "ci_low"] = 0.15  # a percentile interval that misses its mean must not raise
    figure = plots.sentiment_interval_chart(table, top_n=2)
    assert [tick.get_text() for tick in figure.axes[0].get_yticklabels()] == ["Mexico", "Canada"]


def test_sentiment_chart_without_data():
    figure = plots.sentiment_interval_chart(pd.DataFrame(columns=SENTIMENT_COLUMNS))
    assert isinstance(figure, Figure)
    assert not figure.axes[0].containers
    assert any(text.startswith("no data") for text in _texts(figure))


# --- determinism ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "draw",
    [
        lambda: plots.entity_share_chart(_shares([("A", "Canada", 3.0), ("B", "Canada", 1.0)])),
        lambda: plots.distinctive_words_chart(_words([("A", "x", 2.0), ("B", "y", 1.0)])),
        lambda: plots.sentiment_interval_chart(_sentiment()),
        lambda: plots.sentiment_interval_chart(pd.DataFrame(columns=SENTIMENT_COLUMNS)),
    ],
    ids=["shares", "words", "sentiment", "no data"],
)
def test_same_table_same_png(draw):
    assert _png(draw()) == _png(draw())


def test_entity_colours_follow_the_label_not_the_rank():
    frequencies = pd.DataFrame(
        {
            "entity": ["Kyiv", "Kim", "Nato", "Putin"],
            "label": ["GPE", "PERSON", "ORG", "PERSON"],
            "count": [9, 7, 5, 3],
        }
    )
    for top_n in (4, 2):
        figure = plots.entity_bar_chart(frequencies, top_n=top_n)
        bars = figure.axes[0].patches
        top = frequencies.head(top_n).iloc[::-1]
        for bar, label in zip(bars, top["label"], strict=True):
            assert bar.get_facecolor()[:3] == pytest.approx(plots.label_colour(label))
        plt.close(figure)
    assert plots.label_colour("PERSON") != plots.label_colour("ORG")
    assert plots.label_colour("CARDINAL") == plots.label_colour("DATE")


def test_show_figure_publishes_the_png_it_shows(tmp_path, monkeypatch):
    import IPython
    import IPython.display

    from analysis import export

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())  # as in a kernel
    monkeypatch.setattr(IPython.display, "display", shown.append)
    figure = plots.sentiment_interval_chart(_sentiment())
    path = export.show_figure(figure, "shown", tmp_path)
    assert path == tmp_path / "figures" / "shown.png"
    assert not plt.fignum_exists(figure.number)  # the inline backend will not draw it again
    (image,) = shown
    assert image.data == path.read_bytes()  # the notebook shows the file it publishes
    png_width = int.from_bytes(image.data[16:20], "big")
    assert image.width == round(png_width * figure.dpi / export.FIGURE_DPI)
    assert export.save_figure(figure, "saved", tmp_path).read_bytes() == path.read_bytes()
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # a script: written, not shown
    export.show_figure(figure, "script", tmp_path)
    assert len(shown) == 1 and (tmp_path / "figures" / "script.png").is_file()
