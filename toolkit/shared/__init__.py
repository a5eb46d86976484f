"""Shared foundations: what every side of the privacy boundary may use.

The fixed vocabulary of data categories and health mentions (``vocabulary``), the toolkit's
exceptions (``errors``), the project's folders (``paths``), private temporary files (``scratch``),
text folding (``folding``), the embedded reference geography and matching against it (``reference``,
``gazetteer``, ``build_reference``), and the words and number formats the toolkit writes for readers
(``text``, ``formatting``). Nothing here reads a leak or knows about any other layer.
"""
