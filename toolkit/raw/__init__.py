"""The raw side of the privacy boundary: code that may read a leak's personal data.

Reading a leaked file robustly (``ingest``), classifying its columns (``schema``), checking it
(``verify``, counts only) against what was published (``claims``), the French identifier rules
(``french``: NIR, phones, emails, dates), the health-mention lexicon (``health``), and the
synthetic leak generator (``synth``). Nothing on the safe or publication side may import from
here: the import contracts in ``tests/test_architecture.py`` fail if one does.
"""
