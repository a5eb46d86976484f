"""The application layer: what users run, chaining the raw side, the boundary and publication.

The command line (``cli``), the workflows behind each of its verbs (``workflows``), the one-command
demonstration on the synthetic leak (``demo``), and the helpers and widgets of the notebooks
(``notebook``, ``widgets``).
"""
