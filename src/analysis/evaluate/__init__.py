"""Score the analyses against human annotations: attributions against brat gold spans (PolNeAR).

The scorer is a pure function over two tables (gold and predicted attributions, spans as lists of
``[start, end]`` character offsets), so any extractor can be measured with it: the package's own
:func:`pipeline_attributions` (what ``analysis evaluate attribution`` scores), or a baseline from a
script.
Sentiment is scored the same way: targeted polarity against NewsMTSC's labels, sentence scores
against the mean human ratings of VADER's NYT snippets, and entity sentiment per document
against a gold of the author's stance toward each document's main entity.
"""

from analysis.evaluate.attributions import (
    JACCARD_THRESHOLD,
    format_scores,
    pipeline_attributions,
    predict_attributions,
    quotation_kind,
    score_attributions,
    write_scores,
)
from analysis.evaluate.brat import (
    GOLD_COLUMNS,
    AnnotationWarning,
    brat_files,
    gold_corpus,
    read_brat,
)
from analysis.evaluate.sentiment import (
    NEWSMTSC_COLUMNS,
    VADER_NYT_COLUMNS,
    format_sentiment_scores,
    model_summary,
    predict_newsmtsc,
    read_newsmtsc,
    read_vader_nyt,
    score_newsmtsc,
    score_polarity,
    score_vader_nyt,
    write_newsmtsc_predictions,
)
from analysis.evaluate.stance import (
    AGGREGATES,
    STANCE_COLUMNS,
    read_stance_gold,
    score_stance,
    stance_values,
)
from analysis.schema import KINDS

__all__ = [
    "AGGREGATES",
    "STANCE_COLUMNS",
    "read_stance_gold",
    "score_stance",
    "stance_values",
    "GOLD_COLUMNS",
    "JACCARD_THRESHOLD",
    "KINDS",
    "NEWSMTSC_COLUMNS",
    "VADER_NYT_COLUMNS",
    "AnnotationWarning",
    "brat_files",
    "format_scores",
    "format_sentiment_scores",
    "gold_corpus",
    "model_summary",
    "pipeline_attributions",
    "predict_attributions",
    "predict_newsmtsc",
    "quotation_kind",
    "read_brat",
    "read_newsmtsc",
    "read_vader_nyt",
    "score_attributions",
    "score_newsmtsc",
    "score_polarity",
    "score_vader_nyt",
    "write_newsmtsc_predictions",
    "write_scores",
]
