"""Refining a face the way a sketch artist does: pick the closest, steer by attributes.

Headless (no Qt); the Refine view, ``t2f edit`` and ``t2f generate --face`` are thin faces on it.

* :mod:`.latent` — ``[ĉ ; z]`` split and join, variations (noise moved at a strength, ĉ kept),
  the spherical mean of several picked faces, a new description that keeps the noise;
* :mod:`.directions` — attribute directions found InterFaceGAN-style from the judge's readings of
  sampled faces: a linear boundary per value in each latent part, conditional steps;
* :mod:`.store` — directions computed once per model and kept beside it or in the user cache;
* :mod:`.moves` — the sliders, and ``base + Σ amount·step`` (moving and moving back is exact);
* :mod:`.session` — :class:`Refinement`: a face, its steps, undo and redo;
* :mod:`.face_file` — faces as small JSON files that never execute anything;
* :mod:`.sheet` — the composite sheet PNG.

A session from a description to an edited face::

    from core.model.t2f import T2F
    from core.refine import Refinement, directions_for, model_id, save_face

    model = T2F.load("resources/models/default")
    face = Refinement.start(model, "a young woman with long hair", seed=7,
                            directions=directions_for(model, "resources/models/default"))
    grid = face.variation_bases(12, strength=0.3)        # 12 neighbours, description kept
    face.pick(grid[4])                                   # the closest one
    face.set_sliders({"age=old": 2.0})                   # a bit older
    image = face.image()                                 # uint8 R×R×3
    save_face("witness.t2fface", face, model_id(model), "default")
"""

from core.refine.directions import Directions, compute_directions, parse_key, value_keys
from core.refine.face_file import FACE_SUFFIX, FaceFile, load_face, save_face
from core.refine.latent import mean_latent, spherical_mean, variations, with_description
from core.refine.moves import SLIDERS, Slider, apply_sliders, check_sliders
from core.refine.session import Refinement, Step
from core.refine.sheet import refinement_sheet, save_sheet
from core.refine.store import DIRECTIONS_FILE, directions_for, find_directions, model_id

__all__ = [
    "DIRECTIONS_FILE", "Directions", "FACE_SUFFIX", "FaceFile", "Refinement", "SLIDERS", "Slider", "Step",
    "apply_sliders", "check_sliders", "compute_directions", "directions_for", "find_directions", "load_face",
    "mean_latent", "model_id", "parse_key", "refinement_sheet", "save_face", "save_sheet", "spherical_mean",
    "value_keys", "variations", "with_description",
]
