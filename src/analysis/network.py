"""Who appears with whom: canonical entities mentioned in the same sentence (or paragraph, or
document), as a table of pairs and a ``networkx`` graph for Gephi (GraphML, GEXF).

Each pair has two weights:

- ``count``: the number of units (sentences, paragraphs or documents) that mention both;
- ``npmi``: normalised pointwise mutual information over those units,
  ``log(p(a, b) / (p(a) p(b))) / -log(p(a, b))`` with ``p(x)`` the share of units that mention
  ``x`` (Bouma 2009). It runs from -1 (never together) through 0 (together as often as chance
  would put them) to 1 (only ever together), so a pair of rarely named entities that always
  appear together ranks above two frequent ones that meet by chance; read it with ``count``, since
  one shared unit can give a high value.
"""

from __future__ import annotations

import math
import os
import re
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import pandas as pd

from analysis import paths
from analysis.compare import document_groups, parse_grouping
from analysis.corpus import Document
from analysis.pipeline import Tables
from analysis.trends import ALL, document_periods

#: What counts as "together".
UNITS = ("sentence", "paragraph", "document")
PAIR_COLUMNS = [
    "group",
    "source",
    "target",
    "count",
    "npmi",
    "units",
    "source_units",
    "target_units",
]
NODE_COLUMNS = ["group", "entity", "label", "mentions", "units"]
# Characters XML 1.0 cannot hold. A text with a stray control character (one PolNeAR article has
# an ESC after "father") gives an entity name with it, and a GraphML or GEXF no reader opens.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def unit_mentions(
    documents: Sequence[Document], tables: Tables, unit: str = "sentence"
) -> pd.DataFrame:
    """Each canonical mention with the unit it is in: ``doc_id, unit, entity, label``.

    A paragraph is a stretch of text between blank or line-break-only lines (as the highlighted
    article shows them); a unit id is ``doc_id`` plus the unit's number in the document.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    mentions = tables.name_mentions()[["doc_id", "sent_id", "start_char", "entity", "label"]]
    if unit == "sentence":
        number = mentions["sent_id"]
    elif unit == "document":
        number = pd.Series(0, index=mentions.index)
    else:
        starts = {doc.id: _paragraph_starts(doc.text) for doc in documents}
        number = pd.Series(
            [
                max(bisect_right(starts[doc_id], start) - 1, 0)
                for doc_id, start in zip(mentions["doc_id"], mentions["start_char"], strict=True)
            ],
            index=mentions.index,
        )
    return mentions.assign(unit=mentions["doc_id"] + "#" + number.astype(str))[
        ["doc_id", "unit", "entity", "label"]
    ]


def cooccurrence(
    documents: Sequence[Document],
    tables: Tables,
    *,
    unit: str = "sentence",
    by: str | None = None,
    freq: str | None = None,
    min_count: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pairs of entities mentioned in the same unit, per group (and period).

    Args:
        documents: the corpus.
        tables: its tables.
        unit: ``sentence``, ``paragraph`` or ``document``.
        by: a metadata grouping (``outlet``); None for the whole corpus.
        freq: ``day``, ``week`` or ``month`` to split each group by period (from the documents'
            ``date``; undated documents are left out); None for no periods.
        min_count: keep pairs found together in at least this many units.

    Returns:
        ``(pairs, nodes)``: :data:`PAIR_COLUMNS` (``source`` before ``target`` by name; per group
        sorted by count, then npmi, descending) and :data:`NODE_COLUMNS`. With ``freq`` the
        ``group`` is ``<group> <period>`` (``all 2024-01``).
    """
    mentions = unit_mentions(documents, tables, unit)
    if freq:
        periods = document_periods(documents, freq, by=by)
        mentions = mentions[mentions["doc_id"].isin(periods.of)]
        group = mentions["doc_id"].map(periods.group) + " " + mentions["doc_id"].map(periods.of)
    elif by:
        group = mentions["doc_id"].map(document_groups(documents, parse_grouping(by)))
    else:
        group = pd.Series(ALL, index=mentions.index)
    mentions = mentions.assign(group=group.to_numpy()).dropna(subset=["group"])
    # Every unit of the group counts, also those that mention no entity.
    all_units = _all_units(documents, tables, unit)
    group_docs = mentions.drop_duplicates(["group", "doc_id"])
    n_units = (
        group_docs.assign(n=group_docs["doc_id"].map(all_units).fillna(0).astype("int64"))
        .groupby("group")["n"]
        .sum()
    )
    members = mentions.drop_duplicates(["group", "unit", "entity"])[["group", "unit", "entity"]]
    single = members.groupby(["group", "entity"]).size().rename("units")
    # The label each entity carries most often in the group (ties: the first seen).
    labels = (
        mentions.assign(_first=range(len(mentions)))
        .groupby(["group", "entity", "label"], sort=False)
        .agg(n=("_first", "size"), first=("_first", "min"))
        .reset_index()
        .sort_values(["n", "first"], ascending=[False, True], kind="stable")
        .drop_duplicates(["group", "entity"])
        .set_index(["group", "entity"])["label"]
    )
    nodes = single.reset_index().assign(
        label=lambda t: [labels[key] for key in zip(t["group"], t["entity"], strict=True)],
        mentions=lambda t: (
            t.set_index(["group", "entity"])
            .index.map(mentions.groupby(["group", "entity"]).size())
            .astype("int64")
        ),
    )[NODE_COLUMNS]
    together = members.merge(members, on=["group", "unit"], suffixes=("_a", "_b"))
    together = together[together["entity_a"] < together["entity_b"]]
    counts = (
        together.groupby(["group", "entity_a", "entity_b"]).size().rename("count").reset_index()
    )
    counts = counts[counts["count"] >= min_count]
    units_of = single.to_dict()
    pairs_table = pd.DataFrame(
        {
            "group": counts["group"].to_numpy(),
            "source": counts["entity_a"].to_numpy(),
            "target": counts["entity_b"].to_numpy(),
            "count": counts["count"].astype("int64").to_numpy(),
        }
    )
    pairs_table["units"] = pairs_table["group"].map(n_units).astype("int64")
    pairs_table["source_units"] = [
        units_of[key] for key in zip(pairs_table["group"], pairs_table["source"], strict=True)
    ]
    pairs_table["target_units"] = [
        units_of[key] for key in zip(pairs_table["group"], pairs_table["target"], strict=True)
    ]
    pairs_table["npmi"] = [
        _npmi(*row)
        for row in zip(
            pairs_table["count"],
            pairs_table["source_units"],
            pairs_table["target_units"],
            pairs_table["units"],
            strict=True,
        )
    ]
    pairs_table = pairs_table[PAIR_COLUMNS].sort_values(
        ["group", "count", "npmi", "source", "target"],
        ascending=[True, False, False, True, True],
        kind="stable",
    )
    nodes = nodes.sort_values(
        ["group", "mentions", "entity"], ascending=[True, False, True], kind="stable"
    )
    return pairs_table.reset_index(drop=True), nodes.reset_index(drop=True)


def graph(pairs: pd.DataFrame, nodes: pd.DataFrame, group: str = ALL) -> nx.Graph:
    """One group's network: a node per entity (``label``, ``mentions``, ``units``), an edge per
    pair (``count``, ``npmi``; ``weight`` = ``count`` for Gephi's layouts)."""
    network = nx.Graph(group=group)
    for row in nodes[nodes["group"] == group].itertuples(index=False):
        network.add_node(
            row.entity, label=row.label, mentions=int(row.mentions), units=int(row.units)
        )
    for row in pairs[pairs["group"] == group].itertuples(index=False):
        network.add_edge(
            row.source,
            row.target,
            count=int(row.count),
            weight=int(row.count),
            npmi=round(float(row.npmi), 6),
        )
    return network


def top_subgraph(network: nx.Graph, top_n: int = 25, min_count: int = 1) -> nx.Graph:
    """The ``top_n`` most mentioned entities and the edges among them with at least
    ``min_count`` shared units (for a legible figure; the files keep the whole graph)."""
    ranked = sorted(network.nodes, key=lambda n: (-network.nodes[n].get("mentions", 0), n))
    sub = network.subgraph(ranked[:top_n]).copy()
    sub.remove_edges_from([(a, b) for a, b, c in sub.edges(data="count") if c < min_count])
    return sub


def write_graph(network: nx.Graph, name: str, output_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``<output_dir>/networks/<name>.graphml`` and ``.gexf`` (Gephi opens either)."""
    folder = paths.resolve_path(output_dir) / "networks"
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / f"{name}.graphml", folder / f"{name}.gexf"]
    for path in written:
        save_graph(network, path)
    return written


def save_graph(network: nx.Graph, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Write the graph as ``graphml`` or ``gexf`` (default: by the file's suffix). The GEXF has
    no ``lastmodifieddate`` (networkx writes today's date), so the same graph gives the same
    bytes."""
    path = Path(path)
    format = format or path.suffix.lower().lstrip(".")
    network = _xml_safe(network)
    if format == "gexf":
        nx.write_gexf(network, path)
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r' lastmodifieddate="[^"]*"', "", text), encoding="utf-8")
    elif format == "graphml":
        nx.write_graphml(network, path)
    else:
        raise ValueError(f"{path}: the format must be graphml or gexf, not {format!r}")
    return path


def _xml_safe(network: nx.Graph) -> nx.Graph:
    """``network``, or a copy whose names and text attributes have each character XML cannot
    hold replaced by U+FFFD (so two names stay two nodes)."""

    def bad(value: object) -> bool:
        return isinstance(value, str) and _NOT_XML.search(value) is not None

    def clean(value: object) -> object:
        return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value

    attributes = [network.graph, *(d for _, d in network.nodes(data=True))]
    attributes += [d for _, _, d in network.edges(data=True)]
    if not any(map(bad, network)) and not any(
        bad(key) or bad(value) for data in attributes for key, value in data.items()
    ):
        return network
    safe = nx.relabel_nodes(network, {node: clean(node) for node in network}, copy=True)
    for data in [safe.graph, *(d for _, d in safe.nodes(data=True))] + [
        d for _, _, d in safe.edges(data=True)
    ]:
        cleaned = {clean(key): clean(value) for key, value in data.items()}
        data.clear()
        data.update(cleaned)
    return safe


def _npmi(together: int, a: int, b: int, n: int) -> float:
    if n <= 0 or together <= 0:
        return float("nan")
    p_ab, p_a, p_b = together / n, a / n, b / n
    if p_ab >= 1:
        return 1.0
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


def _paragraph_starts(text: str) -> list[int]:
    return [match.start() for match in re.finditer(r"[^\n]+", text) if match.group().strip()]


def _all_units(documents: Sequence[Document], tables: Tables, unit: str) -> dict[str, int]:
    """The number of units in each document."""
    if unit == "document":
        return {doc.id: 1 for doc in documents}
    if unit == "sentence":
        return {str(k): int(v) for k, v in tables.sentences.groupby("doc_id").size().items()}
    return {doc.id: len(_paragraph_starts(doc.text)) for doc in documents}
