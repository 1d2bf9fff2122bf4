"""The database and what is written out: store (DuckDB), migrations, backup, the review overlay (review), changes since a moment, export and writers (files)."""
