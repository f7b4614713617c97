"""Matching: what an article is about, and why.

- :mod:`~dumon.matching.index` finds the keyword files' terms in an article (automata, the
  one-byte screen, accent folding, fuzzy unit names): hits with field, span and score;
- :mod:`~dumon.matching.rules` decides ``edu``, ``local``, ``alert`` and the severity from
  the hits (plain functions: the place a new rule is written);
- :mod:`~dumon.matching.cache` keeps the compiled profile in the desk;
- :mod:`~dumon.matching.explain` words a decision for ``dumon match --explain``;
- :mod:`~dumon.matching.matcher` ties them: ``Matcher.from_folder(...).match(...)``.
"""

from dumon.matching.explain import explain
from dumon.matching.matcher import Matcher

__all__ = ["Matcher", "explain"]
