"""Clinical text -> HPO terms: a dictionary matcher over the ontology's labels and synonyms
(normalised, word-order variants, abbreviations), with NegEx-style negation, uncertainty and
family-history detection, and offsets into the original text.

>>> # extractor = Extractor(load_text_index(kb))
>>> # extraction = extractor.extract("No seizures. Marked hypotonia.")
"""

from raredx.text._context import Assertion, Cue
from raredx.text._extract import Extraction, Extractor, Mention, MentionStream
from raredx.text._index import TextIndex, build_text_index, load_text_index, name_key
from raredx.text._input import CHUNK_CHARS, iter_chunks, language_problem, open_note
from raredx.text._tokens import stem, tokenize

__all__ = [
    "CHUNK_CHARS",
    "Assertion",
    "Cue",
    "Extraction",
    "Extractor",
    "Mention",
    "MentionStream",
    "TextIndex",
    "build_text_index",
    "iter_chunks",
    "language_problem",
    "load_text_index",
    "name_key",
    "open_note",
    "stem",
    "tokenize",
]
