"""The privacy boundary: where raw records become the safe table, and nothing else crosses.

``safe_table`` is the contract both sides share (the only columns and values that may cross,
checked by ``validate_safe_table``); ``pseudonymise`` turns raw records into it, with keyed
person ids (``keys``), residences resolved to communes (``residences``) and labs keyed by FINESS
number when a registry is given (``lab_keys``, which also gives the safe side joins of labs that
never add a row). The ``tripwire`` is the one sanctioned channel that holds raw identifiers after
the crossing: it scans every file of an export for them, in memory, before anything is written.
"""
