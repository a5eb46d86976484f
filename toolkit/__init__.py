"""Investigate a health-data leak: read it, verify it, measure exposure, publish safely.

Data flow (DESIGN.md), one direction. Modules *before* the privacy boundary may touch raw
personal data: ``ingest``, ``schema``, ``verify``, ``claims``, ``synth``, ``pseudonymise``.
``pseudonymise`` writes the *safe table*; modules *after* the boundary accept only that table
(or aggregates of it): ``geo``, ``exposure``, ``disclosure``, ``charts``, ``publish``,
``widgets``.
"""

__version__ = "0.1.0"
