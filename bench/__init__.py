"""`make bench`: start-up, throughput, memory and end-to-end figures for appflow-guard.

Run from the repository root with the project's interpreter: ``.venv/bin/python -m bench``.
Nothing here is imported by the pack or the checker.
"""
