"""What to examine next: features whose presence or absence would most change the differential
(expected information gain over the engine's posterior), with the candidates each separates and
how it is checked. Sits on top of :mod:`raredx.engine`.

>>> # qe = QuestionEngine(engine); qe.suggest(patient, n=5)
"""

from raredx.questions._model import CandidateFeatures
from raredx.questions._suggest import (
    Answer,
    CandidateOdds,
    Question,
    QuestionEngine,
    answer,
    information_gain,
    log_score_gain,
)

__all__ = [
    "Answer",
    "CandidateFeatures",
    "CandidateOdds",
    "Question",
    "QuestionEngine",
    "answer",
    "information_gain",
    "log_score_gain",
]
