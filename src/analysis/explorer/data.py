"""What the explorer page shows, as plain JSON-able data: the corpus's top entities and
distinctive terms, each with its counts per group, its sentiment with intervals, its speakers and
a bounded number of contexts, each tied to its document, sentence and character offset.

Everything comes from the pipeline's tables and the comparison measures (:mod:`analysis.compare`),
so the page shows the same figures as notebooks 01-04.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

import pandas as pd

from analysis.compare import compare, document_groups, parse_grouping, sentiment_intervals
from analysis.corpus import Document
from analysis.entities import entity_frequencies, kwic
from analysis.errors import GroupingError
from analysis.identity import audit
from analysis.pipeline import Tables
from analysis.schema import KINDS, UNRESOLVED_SPEAKER

#: Metadata columns the page groups documents by, when the corpus has them (``date`` by month).
GROUPING_CANDIDATES = ("outlet", "author", "date:month")
#: Offered on every corpus, after those: the author's own text against quoted and reported words.
WITHIN_DOCUMENTS = ("voice",)
#: A grouping with more groups than this is left out (one group per document tells nothing).
MAX_GROUPS = 60
#: Characters of context on each side of a keyword.
CONTEXT_WIDTH = 70


class Limits(NamedTuple):
    """How much the page keeps, so that its size stays bounded whatever the corpus.

    Attributes:
        entities: the most mentioned entities kept.
        terms: distinctive terms kept per group (those with the highest z, z > 0).
        contexts: contexts kept per entity or term (spread evenly over its occurrences).
        max_bytes: the embedded data's size limit: contexts, then document texts, are cut
            until the data fits.
        texts_bytes: document texts are embedded (so a context opens its article) only when
            they take no more than this.
    """

    entities: int = 200
    terms: int = 20
    contexts: int = 25
    max_bytes: int = 4_500_000
    texts_bytes: int = 1_500_000


#: The positions of the page data's rows, by kind: rows are lists, to keep the page small, and
#: the page reads them by these names (``F.context.keyword``), written into the data as
#: ``fields``. A term's rows hold the first fields of an entity's (its contexts have no score,
#: voice or speaker, its groups no sentiment).
FIELDS: dict[str, tuple[str, ...]] = {
    "document": ("id", "title", "outlet", "date", "source"),
    "group": ("group", "documents", "words"),
    "share": ("group", "count", "per_1000", "scored", "mean", "low", "high"),
    "context": ("doc", "sent", "start", "left", "keyword", "right", "score", "voice", "speaker"),
    "sentiment": ("mentions", "mean", "low", "high", "share_polar"),
    "check": ("check", "detail"),
    "distinctive": ("grouping", "group", "z"),
    "speaker": ("speaker", "mentions", "mean"),
}


#: What the page keeps unless told otherwise.
DEFAULT_LIMITS = Limits()


def explorer_groupings(documents: Sequence[Document]) -> list[str]:
    """The groupings the page offers: each of :data:`GROUPING_CANDIDATES` that splits the corpus
    into 2 to :data:`MAX_GROUPS` groups, then :data:`WITHIN_DOCUMENTS` (``voice``)."""
    found = []
    for by in GROUPING_CANDIDATES:
        try:
            groups = set(document_groups(documents, parse_grouping(by)).values())
        except GroupingError:  # the corpus has no such column, or no date
            continue
        if 2 <= len(groups) <= MAX_GROUPS:
            found.append(by)
    return [*found, *WITHIN_DOCUMENTS]


def explorer_data(
    documents: Sequence[Document],
    tables: Tables,
    *,
    groupings: Sequence[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    seed: int = 0,
    corpus: str = "",
) -> dict[str, Any]:
    """The page's data.

    Args:
        documents: the corpus.
        tables: its tables (:func:`analysis.pipeline.load`).
        groupings: the groupings to show; default :func:`explorer_groupings`.
        limits: how much to keep (:class:`Limits`).
        seed: seeds the bootstrap intervals (as in :func:`analysis.compare.compare`).
        corpus: the corpus as the user named it, shown on the page.

    Returns:
        A dict with ``fields`` (:data:`FIELDS`: the names of each kind of row's positions),
        ``corpus``, ``documents`` (``[id, title, outlet, date, source]`` rows and,
        within the size limit, ``texts``), ``groupings`` (each with its groups and their words),
        ``entities`` and ``terms`` (one record each; an entity's ``checks`` are its
        :func:`analysis.identity.audit` findings, ``[check, detail]``) and ``limits`` (what was
        kept of how many, and ``checks``: the audit's findings over the whole corpus).
    """
    documents = list(documents)
    groupings = explorer_groupings(documents) if groupings is None else list(groupings)
    doc_index = {doc.id: i for i, doc in enumerate(documents)}
    mentions = tables.name_mentions()
    frequencies = entity_frequencies(mentions)
    kept = frequencies.head(limits.entities)
    # Intervals only for the entities the page keeps (the bootstrap is the comparison's cost).
    scores = tables.mention_sentiment
    scores = scores[scores["entity"].isin(set(kept["entity"]))]
    comparisons = {
        by: compare(documents, tables, by=by, seed=seed, sentiment=scores) for by in groupings
    }
    entity_names = list(kept["entity"])
    entity_records = _entity_records(kept, mentions, tables, comparisons, doc_index, limits, seed)
    findings = audit(tables.entity_mentions, tables.texts)
    checks: dict[str, list[list[str]]] = {}
    for row in findings.itertuples(index=False):
        checks.setdefault(row.entity, []).append([row.check, row.detail])
    for record in entity_records:
        record["checks"] = checks.get(record["name"], [])
    term_records, n_terms = _term_records(documents, tables, comparisons, doc_index, limits)
    data: dict[str, Any] = {
        "fields": {kind: list(names) for kind, names in FIELDS.items()},
        "corpus": corpus,
        "documents": [
            [
                doc.id,
                doc.meta.get("title", ""),
                doc.meta.get("outlet", ""),
                doc.meta.get("date", ""),
                doc.source,
            ]
            for doc in documents
        ],  # fmt: skip
        "texts": None,
        "groupings": [
            {
                "name": by,
                "groups": [
                    [row.group, int(row.documents), int(row.words)]
                    for row in comparison.groups.itertuples(index=False)
                ],
            }
            for by, comparison in comparisons.items()
        ],
        "entities": entity_records,
        "terms": term_records,
        "limits": {
            "entities": len(entity_names),
            "entities_total": int(len(frequencies)),
            "terms_per_group": limits.terms,
            "terms": len(term_records),
            "terms_total": n_terms,
            "contexts": limits.contexts,
            "texts": False,
            "checks": int(len(findings)),
        },
        "words": int(len(tables.words)),
    }
    texts = [doc.text for doc in documents]
    if sum(len(text.encode("utf-8")) for text in texts) <= limits.texts_bytes:
        data["texts"] = texts
        data["limits"]["texts"] = True
    return fit(data, limits.max_bytes)


def data_size(data: dict[str, Any]) -> int:
    """The bytes the data takes embedded in the page (compact UTF-8 JSON)."""
    return len(to_json(data).encode("utf-8"))


def to_json(data: dict[str, Any]) -> str:
    """Compact JSON, safe to embed in a ``<script type="application/json">`` element: ``<``,
    ``>`` and ``&`` are written as ``\\u`` escapes, so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def fit(data: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    """Cut the data to ``max_bytes``: first the document texts, then the contexts of every entity
    and term by half each round; the limits record says what was kept."""
    if data_size(data) > max_bytes and data["texts"] is not None:
        data["texts"] = None
        data["limits"]["texts"] = False
    keep = data["limits"]["contexts"]
    while data_size(data) > max_bytes and keep > 1:
        keep //= 2
        for record in (*data["entities"], *data["terms"]):
            record["contexts"] = _spread(record["contexts"], keep)
        data["limits"]["contexts"] = keep
    return data


def _spread(rows: list[Any], keep: int) -> list[Any]:
    """``keep`` of ``rows`` spread evenly over them (the first and, when kept, the last)."""
    if len(rows) <= keep:
        return rows
    if keep <= 1:
        return rows[:keep]
    step = (len(rows) - 1) / (keep - 1)
    return [rows[round(i * step)] for i in range(keep)]


def _float(value: Any, digits: int = 3) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), digits)


def _entity_records(
    kept: pd.DataFrame,
    mentions: pd.DataFrame,
    tables: Tables,
    comparisons: dict[str, Any],
    doc_index: dict[str, int],
    limits: Limits,
    seed: int,
) -> list[dict[str, Any]]:
    names = set(kept["entity"])
    scores = tables.mention_sentiment
    scores = scores[scores["entity"].isin(names)]
    overall = (
        sentiment_intervals(scores.assign(group="all"), seed=seed).set_index("entity")
        if len(scores)
        else pd.DataFrame()
    )
    score_of = {
        (row.doc_id, int(row.start_char)): (_float(row.score), row.voice, row.speaker or "")
        for row in scores.itertuples(index=False)
    }
    quoted = scores[scores["voice"] != "author"]
    spoken_about = (
        quoted.assign(speaker=quoted["speaker"].fillna("").replace("", UNRESOLVED_SPEAKER))
        .groupby(["entity", "speaker"])["score"]
        .agg(["size", "mean"])
        .reset_index()
        .sort_values(["entity", "size", "speaker"], ascending=[True, False, True])
    )
    about = {entity: part for entity, part in spoken_about.groupby("entity", sort=False)}
    attributions = tables.attributions
    as_speaker = (
        attributions[attributions["speaker"].isin(names)].groupby(["speaker", "kind"]).size()
    )
    contexts = kwic(mentions[mentions["entity"].isin(names)], tables, width=CONTEXT_WIDTH)
    contexts = contexts.assign(position=contexts["doc_id"].map(doc_index)).sort_values(
        ["position", "start_char"], kind="stable"
    )
    by_entity = {entity: part for entity, part in contexts.groupby("entity", sort=False)}
    shares = {by: c.shares.set_index(["entity", "group"]) for by, c in comparisons.items()}
    sentiment = {
        by: c.sentiment.set_index(["entity", "group"]) if len(c.sentiment) else None
        for by, c in comparisons.items()
    }
    records = []
    for row in kept.itertuples(index=False):
        entity = row.entity
        record: dict[str, Any] = {
            "name": entity,
            "label": row.label,
            "mentions": int(row.count),
            "documents": int(row.documents),
            "aliases": row.aliases,
        }
        if entity in overall.index:
            s = overall.loc[entity]
            record["sentiment"] = [
                int(s["mentions"]), _float(s["mean"]), _float(s["ci_low"]),
                _float(s["ci_high"]), _float(s["share_polar"]),
            ]  # fmt: skip
        else:
            record["sentiment"] = None
        record["groups"] = {}
        for by, comparison in comparisons.items():
            rows = []
            for group in comparison.groups["group"]:
                count, per_1000 = 0, 0.0
                if (entity, group) in shares[by].index:
                    share = shares[by].loc[(entity, group)]
                    count, per_1000 = int(share["mentions"]), float(share["per_1000"])
                interval: list[Any] = [0, None, None, None]
                table = sentiment[by]
                if table is not None and (entity, group) in table.index:
                    s = table.loc[(entity, group)]
                    interval = [
                        int(s["mentions"]), _float(s["mean"]), _float(s["ci_low"]),
                        _float(s["ci_high"]),
                    ]  # fmt: skip
                rows.append([group, count, round(per_1000, 3), *interval])
            record["groups"][by] = rows
        record["quoted_as"] = {kind: int(as_speaker.get((entity, kind), 0)) for kind in KINDS}
        part = about.get(entity)
        record["spoken_about_by"] = (
            []
            if part is None
            else [[r.speaker, int(r.size), _float(r.mean)] for r in part.head(10).itertuples()]
        )
        rows = (
            [
                [
                    doc_index[r.doc_id],
                    int(r.sent_id),
                    int(r.start_char),
                    r.left,
                    r.keyword,
                    r.right,
                    *score_of.get((r.doc_id, int(r.start_char)), (None, "", "")),
                ]  # fmt: skip
                for r in by_entity[entity].itertuples(index=False)
            ]
            if entity in by_entity
            else []
        )
        record["contexts"] = _spread(rows, limits.contexts)
        record["occurrences"] = len(rows)
        records.append(record)
    return records


def _term_records(
    documents: Sequence[Document],
    tables: Tables,
    comparisons: dict[str, Any],
    doc_index: dict[str, int],
    limits: Limits,
) -> tuple[list[dict[str, Any]], int]:
    """One record per term distinctive of some group (top ``limits.terms`` per group, z > 0), and
    the number of distinct terms with z > 0 in any group."""
    distinctive: dict[str, list[list[Any]]] = {}
    ngram_of: dict[str, int] = {}
    n_terms: set[str] = set()
    for by, comparison in comparisons.items():
        words = comparison.words[comparison.words["z"] > 0]
        n_terms.update(words["term"])
        for _, part in words.groupby("group", sort=False):
            for row in part.head(limits.terms).itertuples(index=False):
                distinctive.setdefault(row.term, []).append([by, row.group, round(float(row.z), 2)])
                ngram_of[row.term] = int(row.ngram)
    if not distinctive:
        return [], len(n_terms)
    terms = tables.terms[tables.terms["term"].isin(set(distinctive))]
    # Each term's count per group comes from the comparison itself (every grouping, voice too).
    counts = {
        by: comparison.words.set_index(["term", "group"])["count_group"]
        for by, comparison in comparisons.items()
    }
    words = {
        by: dict(zip(comparison.groups["group"], comparison.groups["words"], strict=True))
        for by, comparison in comparisons.items()
    }
    texts = tables.texts
    # Each occurrence with its sentence's bounds, in corpus order, grouped by term once.
    bounds = tables.sentences[["doc_id", "sent_id", "start_char", "end_char"]].rename(
        columns={"start_char": "low", "end_char": "high"}
    )
    terms = terms.merge(bounds, on=["doc_id", "sent_id"], how="left")
    terms = terms.assign(position=terms["doc_id"].map(doc_index)).sort_values(
        ["position", "start_char"], kind="stable"
    )
    by_term = {term: part for term, part in terms.groupby("term", sort=False)}
    records = []
    for term in sorted(distinctive, key=lambda t: (-max(z for *_, z in distinctive[t]), t)):
        occurrences = by_term.get(term, terms.iloc[:0])
        groups: dict[str, list[list[Any]]] = {}
        for by in comparisons:
            groups[by] = []
            for group, n_words in words[by].items():
                count = int(counts[by].get((term, group), 0))
                groups[by].append([group, count, round(1000 * count / max(int(n_words), 1), 3)])
        rows = []
        for doc_id, sent_id, start, end, low, high in zip(
            occurrences["doc_id"], occurrences["sent_id"], occurrences["start_char"],
            occurrences["end_char"], occurrences["low"], occurrences["high"], strict=True,
        ):  # fmt: skip
            text = texts[doc_id]
            start, end = int(start), int(end)
            left = text[max(int(low), start - CONTEXT_WIDTH) : start]
            right = text[end : min(int(high), end + CONTEXT_WIDTH)]
            rows.append([doc_index[doc_id], int(sent_id), start, left, text[start:end], right])
        records.append(
            {
                "name": term,
                "ngram": ngram_of[term],
                "count": len(occurrences),
                "distinctive": distinctive[term],
                "groups": groups,
                "contexts": _spread(rows, limits.contexts),
                "occurrences": len(rows),
            }
        )
    return records, len(n_terms)
