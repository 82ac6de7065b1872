"""Caption sets to evaluate on: held-out synthetic captions, or any JSONL file a person writes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from core.data.synthetic import ATTRIBUTES, SyntheticFaces

#: Faces used for evaluation come from their own seed: never the GAN's or the judge's training faces.
EVAL_SEED = 777
#: Descriptions in wording no part of T2F was built or tuned on (``scripts/fresh_wordings.py``).
FRESH_WORDINGS = Path(__file__).resolve().parents[2] / "resources" / "captions" / "fresh-wordings.jsonl"


@dataclass(frozen=True)
class EvalCaption:
    """A description and the attribute values it asks for (only those it mentions)."""

    text: str
    attributes: dict[str, str] = field(default_factory=dict)
    #: Index of the real face this caption describes (synthetic sets only).
    source_index: int | None = None


def synthetic_captions(split: str, count: int, seed: int = EVAL_SEED) -> tuple[list[EvalCaption], SyntheticFaces]:
    """One caption for each of ``count`` faces of ``split`` ("test" or "paraphrase"), and the faces.

    Captions rotate through each face's caption list so every template gets used.
    """
    faces = SyntheticFaces(count, resolution=64, seed=seed, split=split)
    captions = []
    for i in range(count):
        records = faces.caption_records(i)
        record = records[i % len(records)]
        captions.append(EvalCaption(record.text, dict(record.mentioned), i))
    return captions, faces


def load_caption_file(path: Path) -> list[EvalCaption]:
    """Read ``{"text": ..., "attributes": {name: value}}`` lines, checking names and values."""
    captions = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise FileNotFoundError(f"caption file {path} does not exist") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: not valid JSON ({error.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ValueError(f'{path}:{number}: expected {{"text": ..., "attributes": {{...}}}}')
        attributes = record.get("attributes", {})
        if not isinstance(attributes, dict):
            raise ValueError(f"{path}:{number}: attributes must be an object")
        for name, value in attributes.items():
            if name not in ATTRIBUTES:
                raise ValueError(f"{path}:{number}: unknown attribute {name!r} (known: {', '.join(ATTRIBUTES)})")
            if value not in ATTRIBUTES[name]:
                raise ValueError(f"{path}:{number}: {name} must be one of {', '.join(ATTRIBUTES[name])}, got {value!r}")
        captions.append(EvalCaption(record["text"], dict(attributes)))
    if not captions:
        raise ValueError(f"{path}: no captions")
    return captions
