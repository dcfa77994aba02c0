"""Data: extracts in, canonical tables out. Readers (our own files and published tables), parsing,
schemas, pseudonyms, ingest, and the processed tables every indicator reads; the safe writing of
files and folders. Uses only the configuration, time and errors."""
