"""Reusable widgets: face views and grids, seed box, prompt box, plots, sample timeline."""
