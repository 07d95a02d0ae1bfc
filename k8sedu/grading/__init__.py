"""Autograding: the notebook loader, the pytest plugin, check(), the exercise builder and the grader.

Models nbgrader's workflow (solution markers, generated student notebooks, hidden tests) with
pytest doing the grading: graded tests are ordinary pytest files with ``@pytest.mark.points``.
Simplified: no database, no formgrader UI; results are files (CSV, JSON, Markdown, HTML).
Imports nothing heavy, so that ``k8sedu`` commands start fast.
"""
