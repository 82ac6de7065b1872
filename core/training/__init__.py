"""Progressive training: schedule, trainer and its events, checkpoints, the run folder."""
