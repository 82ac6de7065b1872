"""The three views of the main window: Generate, Interpolate and Train."""
