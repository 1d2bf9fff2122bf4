"""Tests for core/storage/."""
