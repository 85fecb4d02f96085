"""Scorers: phenotype (likelihood ratios over every candidate) and genotype (none yet)."""

from raredx.scoring._definitions import definition_terms, extractor_version
from raredx.scoring._index import (
    PhenotypeIndex,
    build_index,
    kept_rows,
    series_borrowing,
    term_frequencies,
)
from raredx.scoring._phenotype import (
    BIN_NAMES,
    PhenotypeParams,
    PhenotypeScorer,
    PhenotypeScores,
    leaf_tables,
)

__all__ = ["BIN_NAMES", "PhenotypeIndex", "PhenotypeParams", "PhenotypeScorer", "PhenotypeScores",
           "build_index", "definition_terms", "extractor_version", "kept_rows", "leaf_tables",
           "series_borrowing", "term_frequencies"]
