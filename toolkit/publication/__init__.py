"""Publication: what leaves the project, after disclosure control.

Disclosure control (``disclosure``: suppression, rounding, differential privacy), protection of
each figure's table and of the columns derived from its counts (``protection``), the figure
registry (``figures``), charts in French (``charts``), French CSV (``french_csv``), the
methodology note (``methodology``) and the bundle that gathers them (``bundle``). It reads only
the safe table's aggregates; nothing here imports the raw side.
"""
