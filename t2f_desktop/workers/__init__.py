"""Background work: a latest-wins job thread for drawing, and the training thread."""
