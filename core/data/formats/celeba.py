"""CelebA: 40 binary attributes per image; captions are generated from them.

Layout (the official one, and Kaggle's, which nests the image folder once more)::

    list_attr_celeba.txt        (or Anno/list_attr_celeba.txt)
    list_eval_partition.txt     (optional; or Eval/list_eval_partition.txt)
    img_align_celeba/000001.jpg (or img_align_celeba/img_align_celeba/, Img/img_align_celeba/)

``list_attr_celeba.txt``: first line the image count, second line the 40 attribute names, then
``000001.jpg  -1  1  1 ...``. The labels that match the public attribute table become attributes
(``Male`` → gender, ``Eyeglasses`` → eyewear, ...); the others become extra caption phrases
("bangs", "heavy makeup"). The aligned photos are 178×218 with the face centred at (89, 121); a
140 px square around it is used.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from core.data.formats.format import DatasetFormat
from core.data.images import FaceBox
from core.data.records import Sample, SampleCollector, Scan, inside_folder
from core.data.summary import DataSummary
from core.data.synthetic.captions import make_captions
from core.data.synthetic.vocabulary import Words
from core.data.textfiles import read_text

ATTRIBUTE_FILE = "list_attr_celeba.txt"
PARTITION_FILE = "list_eval_partition.txt"
PARTITIONS = {"train": "0", "val": "1", "test": "2"}
CELEBA_FACE = FaceBox((178, 218), (19, 51, 159, 191))
CAPTIONS_PER_IMAGE = 4

#: CelebA labels with no place in the public table, worded as extra features when present.
EXTRA_WORDS: dict[str, Words] = {
    "5_o_Clock_Shadow": Words(("stubble", "a five o'clock shadow")),
    "Arched_Eyebrows": Words(("arched eyebrows",)),
    "Bags_Under_Eyes": Words(("bags under the eyes",)),
    "Bangs": Words(("bangs", "a fringe")),
    "Big_Lips": Words(("full lips", "big lips")),
    "Big_Nose": Words(("a big nose", "a large nose")),
    "Bushy_Eyebrows": Words(("bushy eyebrows", "thick eyebrows")),
    "Chubby": Words(("chubby cheeks",)),
    "Double_Chin": Words(("a double chin",)),
    "Goatee": Words(("a goatee",)),
    "Heavy_Makeup": Words(("heavy makeup", "a lot of makeup")),
    "High_Cheekbones": Words(("high cheekbones",)),
    "Mouth_Slightly_Open": Words(("a slightly open mouth",)),
    "Narrow_Eyes": Words(("narrow eyes",)),
    "Pointy_Nose": Words(("a pointy nose",)),
    "Receding_Hairline": Words(("a receding hairline",)),
    "Rosy_Cheeks": Words(("rosy cheeks",)),
    "Sideburns": Words(("sideburns",)),
    "Straight_Hair": Words(("straight hair",)),
    "Wavy_Hair": Words(("wavy hair",)),
    "Wearing_Lipstick": Words(("lipstick", "red lipstick")),
    "Wearing_Necklace": Words(("a necklace",)),
    "Wearing_Necktie": Words(("a necktie", "a tie")),
}
_HAIR_COLORS = {"Black_Hair": "black", "Brown_Hair": "brown", "Blond_Hair": "blonde", "Gray_Hair": "grey"}


def table_attributes(labels: dict[str, bool]) -> dict[str, str]:
    """The public-table attributes that CelebA's labels determine (unknown ones are left out)."""
    attrs: dict[str, str] = {}
    if "Male" in labels:
        attrs["gender"] = "man" if labels["Male"] else "woman"
    if labels.get("Young"):
        attrs["age"] = "young"
    colors = [value for name, value in _HAIR_COLORS.items() if labels.get(name)]
    if len(colors) == 1:
        attrs["hair_color"] = colors[0]
    if labels.get("Bald"):
        attrs["hair_style"] = "bald"
    if "Eyeglasses" in labels:
        attrs["eyewear"] = "glasses" if labels["Eyeglasses"] else "none"
    if attrs.get("gender") == "man" and "No_Beard" in labels:
        attrs["facial_hair"] = ("beard" if not labels["No_Beard"] else
                                "moustache" if labels.get("Mustache") else "none")
    if labels.get("Smiling"):
        attrs["expression"] = "smiling"
    if labels.get("Oval_Face"):
        attrs["face_shape"] = "oval"
    if labels.get("Pale_Skin"):
        attrs["skin_tone"] = "pale"
    if "Wearing_Hat" in labels or "Wearing_Earrings" in labels:
        attrs["accessories"] = ("hat" if labels.get("Wearing_Hat") else
                                "earrings" if labels.get("Wearing_Earrings") else "none")
    return attrs


def _find(root: Path, name: str, folders: tuple[str, ...]) -> Path | None:
    return next((root / f / name for f in ("",) + folders if (root / f / name).is_file()), None)


def _image_folder(root: Path) -> Path:
    for candidate in ("img_align_celeba/img_align_celeba", "img_align_celeba", "Img/img_align_celeba", "images"):
        if (root / candidate).is_dir():
            return root / candidate
    return root / "img_align_celeba"


class CelebAFormat(DatasetFormat):
    name = "celeba"
    expects = f"{ATTRIBUTE_FILE} (40 binary attributes) with the photos in img_align_celeba/"

    def detect(self, root: Path) -> bool:
        return _find(root, ATTRIBUTE_FILE, ("Anno", "anno")) is not None

    def scan(self, root: Path, options: dict[str, str]) -> Scan:
        partition = options.get("partition")
        unknown = set(options) - {"partition"}
        if unknown:
            raise ValueError(f"the celeba format has no option(s) {', '.join(sorted(unknown))}")
        if partition is not None and partition not in PARTITIONS:
            raise ValueError(f"CelebA partition must be one of {', '.join(PARTITIONS)}, got {partition!r}")
        summary = DataSummary(source=str(root), format=self.name)
        attr_file = _find(root, ATTRIBUTE_FILE, ("Anno", "anno"))
        assert attr_file is not None
        if not inside_folder(attr_file, root):
            raise ValueError(f"{attr_file}: a symbolic link to a file outside the dataset folder; "
                             "copy the file into the folder instead")
        sources = [attr_file]
        keep: set[str] | None = None
        if partition is not None:
            partition_file = _find(root, PARTITION_FILE, ("Eval", "eval"))
            if partition_file is None:
                raise ValueError(f"{root}: partition {partition!r} asked for but {PARTITION_FILE} not found")
            sources.append(partition_file)
            keep = _partition(partition_file, PARTITIONS[partition], summary)
        images = _image_folder(root)
        relative = images.relative_to(root).as_posix()
        collector = SampleCollector(root, summary)
        extras: dict[str, tuple[str, ...]] = {}
        for name, labels, where in _read_labels(attr_file, summary):
            if keep is not None and name not in keep:
                continue
            rel = f"{relative}/{name}"
            extras[rel] = tuple(k for k in EXTRA_WORDS if labels.get(k))
            collector.add(rel, [], table_attributes(labels), where=where, crop=CELEBA_FACE)

        def describe(sample: Sample) -> list[str]:
            seed = int.from_bytes(hashlib.sha256(sample.name.encode()).digest()[:8], "little")
            words = {k: EXTRA_WORDS[k] for k in extras.get(sample.name, ())}
            captions = make_captions(sample.attributes or {}, np.random.default_rng(seed), CAPTIONS_PER_IMAGE,
                                     extras=words)
            return [c.text for c in captions]

        options = {"partition": partition} if partition else {}
        return Scan(self.name, root, collector.samples(allow_empty_captions=True), summary, sources,
                    options=options, describe=describe)


def _read_labels(path: Path, summary: DataSummary):
    """Yield ``(file name, {label: bool}, where)`` per well-formed row of the attribute file."""
    text = read_text(path, summary, path.name)
    if text is None:
        return
    lines = text.splitlines()
    if len(lines) < 2:
        raise ValueError(f"{path}: expected a count line and a line of attribute names")
    names = lines[1].split()
    for number, line in enumerate(lines[2:], start=3):
        fields = line.split()
        if not fields:
            continue
        where = f"{path.name} line {number}"
        if len(fields) != len(names) + 1 or any(v not in ("1", "-1", "0") for v in fields[1:]):
            summary.skip(where, f"expected a file name and {len(names)} values of 1 or -1")
            continue
        yield fields[0], {n: v == "1" for n, v in zip(names, fields[1:])}, where


def _partition(path: Path, wanted: str, summary: DataSummary) -> set[str]:
    text = read_text(path, summary, path.name) or ""
    return {fields[0] for fields in (line.split() for line in text.splitlines())
            if len(fields) == 2 and fields[1] == wanted}
