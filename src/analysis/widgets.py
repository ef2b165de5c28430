"""Controls for exploring in JupyterLab (ipywidgets): pick an entity, a speaker, a document, a
grouping or ``top_n``, and the table, the chart and the sentences behind them (keyword in context
with the document id and character offsets) are redrawn in place.

Each function returns a :class:`Panel`, a ``VBox`` whose ``controls`` can also be set from code
(``panel.controls["entity"].value = "Russia"``) and whose ``table``, ``figure`` and ``note`` hold
what is shown. Tables are rendered by pandas (text escaped), figures as PNG. Without a frontend
(papermill, nbval) a panel prints one stable line of text instead, so the notebooks' static
outputs do not change; every table and figure the notebooks publish is drawn by their own cells.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd

from analysis import compare, plots, render, trends
from analysis.corpus import Document
from analysis.paths import write_if_changed
from analysis.pipeline import Tables
from analysis.templating import escape_text

#: Rows a panel's table shows at most (the notebooks write the full tables to CSV).
MAX_ROWS = 50
#: Entities, speakers or documents a drop-down offers at most.
MAX_OPTIONS = 200
_KWIC = ["doc_id", "sent_id", "start_char", "left", "keyword", "right"]


class Panel(widgets.VBox):
    """Controls above a note, a table and a figure; ``update`` redraws them from the controls."""

    def __init__(
        self,
        title: str,
        controls: Mapping[str, widgets.ValueWidget | widgets.Checkbox],
        draw: Callable[..., tuple[str, pd.DataFrame | str | None, Any]],
    ) -> None:
        self.title = title
        self.controls = dict(controls)
        self.note = widgets.HTML()
        self.table = widgets.HTML(layout=widgets.Layout(max_height="420px", overflow="auto"))
        self.figure = widgets.Image(format="png", layout=widgets.Layout(max_width="900px"))
        self._draw = draw
        bar = widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        super().__init__(
            [widgets.HTML(f"<b>{escape_text(title)}</b>"), bar, self.note, self.table, self.figure]
        )
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def values(self) -> dict[str, Any]:
        """The controls' current values by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        """Redraw the note, the table and the figure from the controls."""
        note, table, figure = self._draw(**self.values())
        self.note.value = note
        if isinstance(table, pd.DataFrame):
            self.table.value = _table_html(table)
        else:
            self.table.value = table or ""
        self.figure.value = _png(figure) if figure is not None else b""
        self.figure.layout.display = None if figure is not None else "none"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        # Stable text for papermill, nbval and the HTML export: the widget itself needs Lab.
        bundle["text/plain"] = f"{self.title}: controls for JupyterLab ({', '.join(self.controls)})"
        return bundle


def entity_panel(frequencies: pd.DataFrame, contexts: pd.DataFrame, *, top_n: int = 15) -> Panel:
    """Notebook 01: the entity bar chart for ``top_n`` and the keyword-in-context lines of one
    entity (``entities.entity_frequencies`` and ``entities.kwic``)."""
    names = list(frequencies["entity"].head(MAX_OPTIONS))

    def draw(entity: str, top_n: int) -> tuple[str, pd.DataFrame, Any]:
        lines = contexts.loc[contexts["entity"] == entity, _KWIC]
        figure = plots.entity_bar_chart(frequencies, top_n=top_n, title=f"Top {top_n} entities")
        return _shown(lines, f"mentions of {entity}"), lines, figure

    return Panel(
        "Entities",
        {"entity": _dropdown("entity", names), "top_n": _slider("top_n", top_n)},
        draw,
    )


def sentiment_panel(
    entities_table: pd.DataFrame,
    mention_scores: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    top_n: int = 10,
) -> Panel:
    """Notebook 02: the entity sentiment chart for ``top_n`` and every scored mention of one
    entity with its sentence, voice, score and evidence words."""
    names = list(entities_table["entity"].head(MAX_OPTIONS))
    text = sentences.set_index(["doc_id", "sent_id"])["text"]

    def draw(entity: str, top_n: int) -> tuple[str, pd.DataFrame, Any]:
        rows = mention_scores[mention_scores["entity"] == entity]
        rows = rows.assign(
            sentence=[
                text.get((d, s), "") for d, s in zip(rows["doc_id"], rows["sent_id"], strict=True)
            ]
        )
        shown = rows[
            ["doc_id", "sent_id", "start_char", "voice", "speaker", "score", "evidence", "sentence"]
        ]
        figure = plots.entity_sentiment_chart(
            entities_table, top_n=top_n, title=f"Sentiment toward the top {top_n} entities"
        )
        mean = rows["score"].mean()
        note = _shown(shown, f"scored mentions of {entity}") + (
            f"; mean score {mean:+.2f}" if len(rows) else ""
        )
        return note, shown, figure

    return Panel(
        "Sentiment",
        {"entity": _dropdown("entity", names), "top_n": _slider("top_n", top_n)},
        draw,
    )


def attribution_panel(
    documents: Sequence[Document],
    attributions: pd.DataFrame,
    quoted_terms: pd.DataFrame,
    speakers: pd.DataFrame,
    *,
    top_n: int = 10,
) -> Panel:
    """Notebook 03: one speaker's attributions, one document highlighted, and the speaker chart
    for ``top_n``."""
    by_id = {doc.id: doc for doc in documents}
    names = list(speakers["speaker"].head(MAX_OPTIONS))
    columns = [
        "doc_id",
        "sent_id",
        "kind",
        "construction",
        "source_text",
        "cue_text",
        "content_text",
    ]

    def draw(speaker: str, document: str, top_n: int) -> tuple[str, str, Any]:
        rows = attributions.loc[attributions["speaker"] == speaker, columns]
        article = render.render_document(by_id[document], attributions, quoted_terms)
        figure = plots.speaker_bar_chart(speakers, top_n=top_n, title=f"Top {top_n} speakers")
        return _shown(rows, f"attributions of {speaker}"), _table_html(rows) + article, figure

    return Panel(
        "Attributions",
        {
            "speaker": _dropdown("speaker", names),
            "document": _dropdown("document", list(by_id)[:MAX_OPTIONS]),
            "top_n": _slider("top_n", top_n),
        },
        draw,
    )


def comparison_panel(
    documents: Sequence[Document],
    tables: Tables,
    groupings: Sequence[str],
    *,
    top_n: int = 10,
    **options: Any,
) -> Panel:
    """Notebook 04: one measure of one grouping, ``top_n`` rows per group, with its chart.
    ``options`` go to :func:`analysis.compare.compare`; each grouping is compared once, when
    first picked."""
    cache: dict[str, compare.Comparison] = {}
    charts: dict[str, Callable[..., Any]] = {
        "shares": plots.entity_share_chart,
        "words": plots.distinctive_words_chart,
        "sentiment": plots.sentiment_interval_chart,
    }

    def draw(grouping: str, measure: str, top_n: int) -> tuple[str, pd.DataFrame, Any]:
        if grouping not in cache:
            cache[grouping] = compare.compare(documents, tables, by=grouping, **options)
        table = getattr(cache[grouping], measure)
        shown = (
            table.groupby("group", sort=False).head(top_n)
            if "entity" in table or "term" in table or "speaker" in table
            else table
        )
        chart = charts.get(measure)
        figure = (
            chart(table, top_n=top_n, title=f"{measure}, by {grouping}")
            if chart and len(table)
            else None
        )
        groups = ", ".join(map(str, cache[grouping].groups["group"]))
        count = len(cache[grouping].groups)
        return (
            f"{count} groups by {escape_text(grouping)}: {escape_text(groups)}",
            shown,
            figure,
        )

    return Panel(
        "Comparison",
        {
            "grouping": _dropdown("grouping", list(groupings)),
            "measure": _dropdown(
                "measure", [m for m in compare.MEASURES if m != "groups"] + ["groups"]
            ),
            "top_n": _slider("top_n", top_n),
        },
        draw,
    )


def trends_panel(
    documents: Sequence[Document],
    tables: Tables,
    pairs: pd.DataFrame,
    *,
    by: str | None = None,
    freq: str = "month",
    min_documents: int = 3,
) -> Panel:
    """Notebook 05: one entity over time (mentions per 1,000 words by ``freq``, per group when
    ``by`` is given), with the entities it appears with most (``pairs`` from
    :func:`analysis.network.cooccurrence`) below. The corpus needs dates."""
    names = list(tables.name_mentions()["entity"].value_counts().head(MAX_OPTIONS).index)

    def draw(entity: str, freq: str, split: bool) -> tuple[str, pd.DataFrame, Any]:
        table = trends.entity_trends(
            documents, tables, freq=freq, by=by if split else None, entities=[entity],
            min_documents=min_documents,
        )  # fmt: skip
        figure = plots.trend_chart(table, title=f"{entity}: mentions per 1,000 words, by {freq}")
        linked = pairs[(pairs["source"] == entity) | (pairs["target"] == entity)]
        linked = linked.assign(
            with_=linked["source"].where(linked["target"] == entity, linked["target"])
        ).rename(columns={"with_": "with"})[["with", "count", "npmi"]]
        note = f"{int(table['mentions'].sum())} mentions of {escape_text(entity)}; " + _shown(
            linked, "entities named with it"
        )
        return note, linked, figure

    return Panel(
        "Trends",
        {
            "entity": _dropdown("entity", names),
            "freq": _dropdown("freq", [freq, *(f for f in trends.FREQUENCIES if f != freq)]),
            "split": widgets.Checkbox(
                value=False, description=f"by {by}" if by else "(no groups)", disabled=by is None
            ),
        },
        draw,
    )


def _dropdown(name: str, options: list[str]) -> widgets.Dropdown:
    return widgets.Dropdown(
        options=options, value=options[0] if options else None, description=name
    )


def _slider(name: str, value: int) -> widgets.IntSlider:
    return widgets.IntSlider(
        value=value, min=1, max=max(50, value), description=name, continuous_update=False
    )


def _shown(table: pd.DataFrame, what: str) -> str:
    total = len(table)
    first = f"the first {MAX_ROWS} of " if total > MAX_ROWS else ""
    return f"{first}{total} {escape_text(what)}"


def _table_html(table: pd.DataFrame) -> str:
    """The first :data:`MAX_ROWS` rows as an HTML table (pandas escapes every cell)."""
    return table.head(MAX_ROWS).to_html(index=False, escape=True, border=0, na_rep="")


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


#: What each label of a task means, for its button.
_LABEL_NAMES = {
    "stance": {"-1": "negative", "0": "neutral", "1": "positive"},
    "sentiment": {"-1": "negative", "0": "neutral", "1": "positive"},
    "attribution": {"0": "wrong", "1": "right"},
}


class LabelPanel(widgets.VBox):
    """One unit of a labelling sheet at a time (:mod:`analysis.validate.sheet`): its document,
    group and context with the entity marked, a button per label, skip and back, and the
    progress; each label is written to the sheet the moment it is clicked (atomically: a kernel
    that dies loses nothing)."""

    def __init__(self, path: str | Path, *, task: str = "stance", column: str = "label") -> None:
        from analysis.validate.sheet import LABELS

        self.path = Path(path)
        self.column = column
        self.position = 0
        self.sheet = pd.read_csv(self.path, dtype=str, keep_default_na=False)
        if column not in self.sheet:
            self.sheet[column] = ""
        names = _LABEL_NAMES.get(task, {})
        self.buttons = {
            str(label): widgets.Button(description=f"{label} {names.get(str(label), '')}".strip())
            for label in LABELS[task]
        }
        for label, button in self.buttons.items():
            button.on_click(lambda _button, label=label: self.choose(label))
        self.back = widgets.Button(description="back")
        self.skip = widgets.Button(description="skip")
        self.back.on_click(lambda _button: self.go(self.position - 1))
        self.skip.on_click(lambda _button: self.go(self.position + 1))
        self.progress = widgets.HTML()
        self.unit = widgets.HTML(layout=widgets.Layout(max_height="420px", overflow="auto"))
        unlabelled = self.sheet.index[self.sheet[column].str.strip() == ""]
        self.position = int(unlabelled[0]) if len(unlabelled) else 0
        bar = widgets.HBox([*self.buttons.values(), self.back, self.skip])
        super().__init__([self.progress, self.unit, bar])
        self.go(self.position)

    def labelled(self) -> int:
        """How many units have a label in this panel's column."""
        return int((self.sheet[self.column].str.strip() != "").sum())

    def go(self, position: int) -> None:
        """Show the unit at ``position`` (kept within the sheet)."""
        self.position = max(0, min(position, len(self.sheet) - 1))
        total = len(self.sheet)
        self.progress.value = (
            f"<b>{self.labelled()} of {total}</b> labelled · unit {self.position + 1} of {total}"
        )
        if not total:
            self.unit.value = "The sheet has no unit."
            return
        row = self.sheet.iloc[self.position]
        context = str(escape_text(row.get("context", "")))
        entity = str(escape_text(row.get("entity", "")))
        if entity:
            context = context.replace(entity, f"<mark>{entity}</mark>")
        given = row[self.column].strip()
        self.unit.value = (
            f"<p><b>{escape_text(row.get('title', '') or row['doc_id'])}</b> "
            f"({escape_text(row['doc_id'])}, {escape_text(row.get('group', ''))})</p>"
            f"<p>Toward <b>{entity}</b>{f' · labelled {escape_text(given)}' if given else ''}</p>"
            f"<p>{context}</p>"
        )

    def choose(self, label: str) -> None:
        """Give the shown unit ``label``, write the sheet, and show the next unlabelled unit."""
        self.sheet.loc[self.sheet.index[self.position], self.column] = label
        write_if_changed(self.path, self.sheet.to_csv(index=False))
        after = [
            k
            for k in range(self.position + 1, len(self.sheet))
            if self.sheet[self.column].iloc[k].strip() == ""
        ]
        self.go(after[0] if after else self.position)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = f"Labelling {self.path.name}: {self.labelled()} of {len(self.sheet)}"
        return bundle


def label_panel(path: str | Path, *, task: str = "stance", column: str = "label") -> LabelPanel:
    """Label the units of the sheet at ``path`` (``analysis validate sample`` writes it) in
    JupyterLab; ``column="label_b"`` for a second coder."""
    return LabelPanel(path, task=task, column=column)
