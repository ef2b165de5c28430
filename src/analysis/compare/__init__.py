"""Compare groups of text: outlets (or any metadata column), documents, blocs of entities, voices.

A grouping assigns words, entity mentions, attributions and targeted-sentiment rows to groups;
four measures then set the groups side by side: how often each entity is mentioned per 1,000
words, the words and phrases that distinguish a group from the rest (the log-odds ratio with an
informative Dirichlet prior of Monroe, Colaresi and Quinn 2008, "Fightin' Words"), the sentiment
toward each entity with bootstrap confidence intervals, and who is quoted, and how.

The subpackage, by concern: :mod:`~analysis.compare.groupings` (how a corpus is split into
groups), :mod:`~analysis.compare.labels` (assigning the tables' rows to groups),
:mod:`~analysis.compare.measures` (the measures, one table each) and
:mod:`~analysis.compare.comparison` (every measure at once, by one grouping or several).
"""

from analysis.compare.comparison import (
    GROUP_COLUMNS,
    MEASURES,
    Comparison,
    Groupings,
    available_groupings,
    compare,
    compare_all,
    output_name,
    side_by_side,
    wide,
)
from analysis.compare.groupings import (
    DATE_BUCKETS,
    ENTITY_GROUPS_FILE,
    NO_VALUE,
    Grouping,
    document_groups,
    example_groups_apply,
    load_entity_groups,
    parse_grouping,
)
from analysis.compare.labels import word_voices
from analysis.compare.measures import (
    DISTINCTIVE_COLUMNS,
    KIND_COLUMNS,
    SENTIMENT_COLUMNS,
    SENTIMENT_ROW_COLUMNS,
    SHARE_COLUMNS,
    SPEAKER_COLUMNS,
    attribution_profile,
    bootstrap_ci,
    distinctive_terms,
    entity_shares,
    log_odds_dirichlet,
    sentiment_intervals,
)

__all__ = [
    "DATE_BUCKETS",
    "DISTINCTIVE_COLUMNS",
    "ENTITY_GROUPS_FILE",
    "GROUP_COLUMNS",
    "KIND_COLUMNS",
    "MEASURES",
    "NO_VALUE",
    "SENTIMENT_COLUMNS",
    "SENTIMENT_ROW_COLUMNS",
    "SHARE_COLUMNS",
    "SPEAKER_COLUMNS",
    "Comparison",
    "Grouping",
    "Groupings",
    "attribution_profile",
    "available_groupings",
    "example_groups_apply",
    "bootstrap_ci",
    "compare",
    "compare_all",
    "distinctive_terms",
    "document_groups",
    "entity_shares",
    "load_entity_groups",
    "log_odds_dirichlet",
    "output_name",
    "parse_grouping",
    "sentiment_intervals",
    "word_voices",
    "side_by_side",
    "wide",
]
