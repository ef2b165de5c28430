"""Sentiment by sentence (VADER) and toward each entity mention (targeted, from the parse).

Sentence sentiment is VADER's compound score of each sentence. Targeted sentiment scores what a
sentence says about one mention, from the spaCy ``Doc`` that is parsed anyway: the words that
modify the mention or govern it in the dependency tree count fully, the rest of its clause less,
other clauses (the far side of a "but", a relative clause on another noun) little; a negation
flips the words it scopes over. Two methods share this analysis:

* ``lexicon``: VADER's word valences weighted by their relation to the mention;
* ``model`` (default): a logistic regression over the same relations, the words themselves,
  VADER's scores of the mention's clause and of the rest of its sentence, whether the mention is
  quoted or speaking, and GloVe word vectors pooled four ways around the mention, two of the
  pools kept apart by the mention's grammatical role (:mod:`analysis.sentiment.vectors`);
  trained on NewsMTSC by ``scripts/train_sentiment.py`` and shipped as
  ``data/sentiment_model.json`` (plain JSON) with the word table ``data/sentiment_words.npz``
  (no pickles), read once per process.

Mentions inside the content of an attribution are in the quoted speaker's voice, the others in
the author's; :func:`entity_sentiment` keeps the two apart.
"""

from typing import TYPE_CHECKING

import lazy_loader

from analysis.schema import TARGET_COLUMNS
from analysis.sentiment.summaries import bootstrap_ci, entity_sentiment
from analysis.sentiment.vader import (
    DOCUMENT_COLUMNS,
    SENTENCE_SCORE_COLUMNS,
    THRESHOLD,
    document_sentiment,
    polarity_of,
    sentence_sentiment,
    vader_scores,
    with_polarity,
)

if TYPE_CHECKING:
    from analysis.sentiment.features import target_features
    from analysis.sentiment.model import (
        MODEL_FILE,
        MODEL_FORMAT,
        SentimentModel,
        load_sentiment_model,
    )
    from analysis.sentiment.targeted import (
        METHODS,
        TargetSentiment,
        content_voices,
        target_sentiment,
        targeted_rows,
    )

# What needs spaCy (0.6 s to import) is imported on first use: reading tables, summarising them
# and VADER (notebooks, analysis.compare) do not need it.
__getattr__, _, _ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "features": ["target_features"],
        "model": ["MODEL_FILE", "MODEL_FORMAT", "SentimentModel", "load_sentiment_model"],
        "targeted": [
            "METHODS",
            "TargetSentiment",
            "content_voices",
            "target_sentiment",
            "targeted_rows",
        ],
    },
)

__all__ = [
    "DOCUMENT_COLUMNS",
    "METHODS",
    "MODEL_FILE",
    "MODEL_FORMAT",
    "SENTENCE_SCORE_COLUMNS",
    "TARGET_COLUMNS",
    "THRESHOLD",
    "SentimentModel",
    "TargetSentiment",
    "bootstrap_ci",
    "content_voices",
    "document_sentiment",
    "entity_sentiment",
    "load_sentiment_model",
    "polarity_of",
    "sentence_sentiment",
    "target_features",
    "target_sentiment",
    "targeted_rows",
    "with_polarity",
    "vader_scores",
]
