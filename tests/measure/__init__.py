"""Tests for core/measure/."""
