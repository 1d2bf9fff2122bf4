"""Tests for the dashboard: app_pages/ and ui/ (AppTest and the browser)."""
