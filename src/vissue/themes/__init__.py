"""Themes: the selected works grouped, each group named as an editor would, and ordered."""
