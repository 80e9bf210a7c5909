"""Widgets, table models and helpers shared by every room of the UI."""
