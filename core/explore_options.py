"""What an interpolation can be asked for, without loading torch.

:mod:`core.explore` draws the frames and needs torch; a command-line parser or a form only needs
the choices and limits, so they live here and ``core.explore`` re-exports them.
"""

MODES = ("noise", "text", "both")
METHODS = ("slerp", "lerp")
MAX_FRAMES = 240
