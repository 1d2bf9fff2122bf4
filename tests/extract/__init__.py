"""Tests for core/extract/."""
