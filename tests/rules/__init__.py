"""Tests for core/rules/."""
