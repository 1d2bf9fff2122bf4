"""Tests for the CLI (core/cli/)."""
