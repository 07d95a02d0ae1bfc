"""Korean phrases of lessons 05–06: predict questions and choices, graded tests' descriptions and hints.

The same kind of table as k8sedu/widgets/i18n_ko_phrases.py (lessons 00–04), kept per part so a
lesson's translation lives beside its neighbours'.
"""

from __future__ import annotations

PREDICTIONS: dict[str, str] = {}

GRADING: dict[str, str] = {}
