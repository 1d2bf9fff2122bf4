"""Tests for core/ingest/ingest/."""
