"""The incremental scan cache: SQLite in the user cache directory, keyed by file content, code, rules and
license data (see `scan` for the three levels and what each is keyed by)."""
