"""Tests for core/analysis/."""
