"""Procedural cartoon faces with known attributes and captions that say exactly what they mention.

* :mod:`.attributes`: the public attribute table and correlated sampling;
* :mod:`.layout`, :mod:`.palette`, :mod:`.render`: drawing a face (Pillow + numpy);
* :mod:`.vocabulary`, :mod:`.templates`, :mod:`.captions`: wording captions (with a held-out
  paraphrase set);
* :mod:`.dataset`: :class:`SyntheticFaces`, the ``TextFaceDataset`` over all of it.
"""

from core.data.synthetic.attributes import ATTRIBUTES, Attributes, sample_attributes, validate_attributes
from core.data.synthetic.captions import Caption, make_caption, make_captions
from core.data.synthetic.dataset import SPLITS, SyntheticFaces, face_rng
from core.data.synthetic.render import BASE_SIZE, render_face

__all__ = [
    "ATTRIBUTES", "Attributes", "BASE_SIZE", "Caption", "SPLITS", "SyntheticFaces", "face_rng",
    "make_caption", "make_captions", "render_face", "sample_attributes", "validate_attributes",
]
