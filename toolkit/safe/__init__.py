"""The safe side: analyses of the safe table, which holds no direct identifier.

Exposure aggregates (``exposure``: who was exposed, when, where, to what), distances from
home communes to labs (``distances``), and the labs themselves, which are public businesses
(``labs``: registries, FINESS extracts, offline and opt-in online geocoding). Every function
that takes the safe table validates it first; nothing here imports the raw side.
"""
