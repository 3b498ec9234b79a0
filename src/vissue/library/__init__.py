"""The library: the store (`store`, the only code that knows it is SQLite, with its
`migrations`), when two records are one work (`dedupe`), and files into the store (`ingest`)."""
