"""Officers' tools above the pack: the indicator explorer, the data-quality notebook's API and the
translation review tool. The top layer below the command line."""
