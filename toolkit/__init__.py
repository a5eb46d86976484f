"""Investigate a health-data leak: read it, verify it, measure exposure, publish safely.

The package is laid out along the privacy boundary, one folder per layer, and data flows one
way, from the top of this list to the bottom:

* ``toolkit.raw``: code that may read a leak's personal data (ingest, schema, verify, claims,
  the synthetic generator);
* ``toolkit.boundary``: the crossing into the *safe table* (pseudonymisation, keys, residence
  resolution), the safe table's contract, and the tripwire;
* ``toolkit.safe``: analyses of the safe table (exposure aggregates, distances, labs);
* ``toolkit.publication``: disclosure control, charts, CSV, methodology note, bundle;
* ``toolkit.app``: what users run (command line, workflows, demo, notebook helpers, widgets);
* ``toolkit.shared``: vocabulary, errors, paths, reference geography, texts, used by all.

Imports go down the layers (``app`` > ``publication`` > ``safe`` > ``boundary`` > ``raw`` >
``shared``), and nothing on the safe or publication side imports the raw side: the import
contracts in ``tests/test_architecture.py`` enforce both. ``docs/ARCHITECTURE.md`` says more.
"""

__version__ = "0.1.0"
