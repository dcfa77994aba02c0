"""Words: the pack's language (the translation catalogue and Text) and how numbers are written.

A low layer: anything that prints a word or a number uses it; it uses nothing of kpi but errors."""
