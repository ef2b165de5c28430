"""Source attribution: who is quoted or reported, saying what, resolved to a speaker entity.

For each document this package finds
  * direct quotations (content inside quote marks, the speaker before or after it, a colon
    introduction, several sentences, a quote running on into the next paragraph);
  * reported speech from the dependency parse: a cue (``data/cue_verbs.csv``) with its subject as
    the source and its clausal complement or object as the content ("X said (that) ...", "X vowed
    to ...", "X accused Y of ...", "This, they argue, is ...", "according to X, ...");
  * partial quotations: a quoted fragment inside reported speech;
and resolves each source to a speaker: an entity from :mod:`analysis.entities` (metonyms and
nicknames included), a pronoun to the nearest compatible antecedent, a definite description ("the
paper") to the nearest entity of its type. Quoted words with no cue and no speaker (scare quotes,
nicknames) are kept apart as quoted terms.
"""

from typing import TYPE_CHECKING

import lazy_loader

from analysis.attribution.cues import CueVerb, load_cues
from analysis.attribution.quotes import Quote, find_quotes
from analysis.attribution.summaries import kind_shares, quoted_words, speaker_table
from analysis.schema import ATTRIBUTION_COLUMNS, QUOTED_TERM_COLUMNS

if TYPE_CHECKING:
    from analysis.attribution.extraction import extract


# ``extract`` needs spaCy (0.6 s to import); the table summaries here (notebooks,
# analysis.compare) do not, so it is imported on first use.
__getattr__, _, _ = lazy_loader.attach(__name__, submod_attrs={"extraction": ["extract"]})

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "QUOTED_TERM_COLUMNS",
    "CueVerb",
    "Quote",
    "extract",
    "find_quotes",
    "kind_shares",
    "load_cues",
    "quoted_words",
    "speaker_table",
]
