"""Tests for core/present/."""
