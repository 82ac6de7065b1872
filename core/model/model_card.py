"""The model card: a ``README.md`` in every exported model folder, saying what the model is.

Why: a model folder travels on its own (copied, shared, opened in the app), and its ``config.json``
says how to build the networks, not what they learnt, from what, how well or under which licence.
diffusers ships such a card with every model; ``t2f train`` writes one into every export from the
run's config (:func:`render_model_card`), and ``t2f info`` and the app's Model panel show it
(:func:`read_card_text`). The bundled model's card (``resources/models/default/README.md``) was
generated this way, then checked and completed by hand.

The card is documentation only: nothing reads it back to build a model, and a folder without one
loads as before.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.config import ModelConfig, RunConfig
from core.io import atomic_write_text, read_regular_bytes

#: The card's file name inside a model folder (what code hosts and file browsers show first).
CARD_FILE = "README.md"
#: A run folder's last evaluation, written by ``t2f evaluate RUN --json RUN/evaluation.json``; the
#: next export copies its headline numbers into the card.
EVALUATION_FILE = "evaluation.json"
#: Largest card read back for display (a card is a page of text; anything larger is not one).
MAX_CARD_BYTES = 256 * 1024
LICENCE = "MIT"


def _data_lines(config: RunConfig | None, dataset: str) -> list[str]:
    """What the model was trained on: the exported model's own record of its data first (what the
    trainer actually read), the run config's source when the model has none."""
    source = dataset or (config.data.source if config is not None else "")
    if source.startswith("synthetic"):
        count = f"{config.data.synthetic_count:,} " if config is not None and config.data.source == "synthetic" else ""
        return [f"Trained on {count}synthetic cartoon faces drawn by T2F Desktop's procedural renderer "
                "(`core/data/synthetic`), each with captions that state some of its attributes. They are "
                "not photographs: the model draws flat, cartoon-like faces, and only the attributes the "
                "renderer knows (see `docs/data.md`)."]
    where = f"`{source}`" if source else "a folder of images and captions"
    return [f"Trained on the images and captions of {where}. It draws what that data shows, in the words "
            "its captions use; its faces are as good, as varied and as fair as that data."]


def _tokens(model: ModelConfig) -> str:
    """How the text encoder reads words: its own SentencePiece pieces, or pretrained word vectors."""
    if model.word_vectors:
        return (f"{model.word_vectors} word vectors ({model.vocab_size:,} subword tokens, {model.max_tokens} "
                f"tokens, from the installed wordllama package)")
    return f"SentencePiece ({model.vocab_size:,} pieces, {model.max_tokens} tokens)"


def _architecture_rows(model: ModelConfig, info: Any) -> list[tuple[str, str]]:
    widths = ", ".join(str(c) for c in model.channels)
    res = model.resolution
    rows = [
        ("draws", f"{info.resolution}×{info.resolution}" + (f" (of {res}×{res})" if info.resolution != res else "")),
        ("trained for", f"{info.images_seen:,} images, {info.step:,} steps"),
        ("generator", f"ProGAN, widths {widths} (4×4 … {res}×{res})"),
        ("text encoder", f"{_tokens(model)}, embedding {model.embedding_dim}, {model.text_layers}-layer LSTM of "
                         f"{model.text_hidden}, summary: {model.text_summary}"),
        ("latent", f"text {model.ca_dim} (conditioning augmentation) + noise {model.noise_dim}"),
    ]
    return rows


def _training_lines(config: RunConfig) -> list[str]:
    from core.training.terms import GENERATOR_TERMS

    train = config.train
    stages = " / ".join(f"{n:,}" for n in train.stage_images)
    batches = " / ".join(str(b) for b in train.batch_sizes)
    lines = [
        f"- schedule: stages of {stages} images (4×4 upwards), batches {batches}, "
        f"{train.fade_fraction:.0%} of each stage fading in",
        f"- Adam, learning rate {train.lr:g}, betas {tuple(train.betas)}; EMA {train.ema_beta:g}",
        f"- critic: WGAN-GP (λ {train.gp_weight:g}, every {train.gp_every} step(s)), drift {train.drift_weight:g}, "
        f"matching term `{train.mismatch_loss}` at weight {train.mismatch_weight:g}",
    ]
    if train.matching_warmup_steps:
        lines.append(f"- matching warm-up: {train.matching_warmup_steps:,} critic steps before the GAN")
    if train.reader_steps:
        lines.append(f"- attribute reader: {train.reader_steps:,} steps before the GAN")
    terms = [f"{t.name} {getattr(train, t.weight_field):g}" for t in GENERATOR_TERMS
             if getattr(train, t.weight_field) > 0]
    lines.append("- generator terms (weight): " + (", ".join(terms) if terms else "none"))
    lines.append(f"- CA noise {train.ca_noise:g}, empty captions {train.empty_caption_prob:.0%}, "
                 f"precision {train.mixed_precision}")
    return lines


def _number(value: Any, digits: int = 3) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return f"{value:.{digits}f}"
    return None


def _evaluation_rows(evaluation: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Headline numbers of a ``t2f evaluate --json`` report; parts it lacks are left out."""
    rows: list[tuple[str, str]] = []

    def mean(key: str) -> str | None:
        part = evaluation.get(key)
        return _number(part.get("mean")) if isinstance(part, Mapping) else None

    if (faith := mean("faithfulness")) is not None:
        extra = [f"{label} {value}" for label, key in (("shuffled captions", "floor_shuffled_captions"),
                                                       ("real faces", "ceiling_real_faces"))
                 if (value := mean(key)) is not None]
        rows.append(("text-faithfulness (held-out captions)", faith + (f" ({', '.join(extra)})" if extra else "")))
        per = evaluation["faithfulness"].get("per_attribute")
        if isinstance(per, Mapping):
            weakest = sorted((v, k) for k, v in per.items() if _number(v) is not None)[:3]
            if weakest:
                rows.append(("weakest attributes", ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for v, k in weakest)))
    for key, label in (("paraphrase", "unseen wording (paraphrase split)"),
                       ("fresh_wordings", "fresh wordings")):
        if (value := mean(key)) is not None:
            rows.append((label, value))
    quality = evaluation.get("quality")
    if isinstance(quality, Mapping) and (ratio := _number(quality.get("frechet_ratio"), 2)) is not None:
        rows.append(("Fréchet distance (judge features)", f"{ratio}× real-vs-real"))
    diversity = evaluation.get("diversity")
    if isinstance(diversity, Mapping) and (ratio := _number(diversity.get("ratio"), 2)) is not None:
        rows.append(("diversity (same caption, other seeds)", f"{ratio}× real faces"))
    return rows


def _table(rows: list[tuple[str, str]], head: tuple[str, str] = ("", "")) -> list[str]:
    return [f"| {head[0]} | {head[1]} |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]


def render_model_card(config: RunConfig | None, info: Any, evaluation: Mapping[str, Any] | None = None, *,
                      model: ModelConfig | None = None, known_words: int | None = None,
                      name: str = "A T2F Desktop model") -> str:
    """The card's Markdown for a model at ``info`` (a :class:`core.model.t2f.ModelInfo`) trained under
    ``config`` (the run's resolved config; ``None`` when unknown), with the headline numbers of
    ``evaluation`` (a ``t2f evaluate --json`` report) when there is one.

    ``model`` is the exported networks' own config when it differs from ``config.model`` (a run that
    grew its generator, or one whose vocabulary was fixed from its captions).
    """
    model = model or (config.model if config is not None else None)
    if model is None:
        raise ValueError("a model card needs the run's config or the model's own")
    lines = [f"# {name}", "",
             "A text-to-face generator (T2F: an LSTM text encoder, conditioning augmentation and a progressively "
             f"grown GAN), exported by `t2f train`. It draws {info.resolution}×{info.resolution} faces from a "
             "description and a seed; the same description, seed and model give the same image.", "",
             "## The model", "", *_table(_architecture_rows(model, info))]
    if known_words:
        lines += ["", f"It knows {known_words:,} words (`known_words.txt`, the words of its training captions); "
                      "other words are read as a known word WordNet links them to, or ignored."]
    lines += ["", "## Data", "", *_data_lines(config, info.dataset), "",
              "## Use", "", "```bash",
              't2f generate "a smiling woman with red hair" --model THIS_FOLDER --seed 7 -o face.png',
              "python main.py --model THIS_FOLDER", "t2f info THIS_FOLDER", "```", "",
              "Intended for drawing and exploring faces of the kind it was trained on, and for research on "
              "text-to-image GANs. It is not a likeness of any person and must not be used to identify, "
              "profile or impersonate anyone.", "",
              "## Evaluation", ""]
    rows = _evaluation_rows(evaluation) if evaluation else []
    if rows:
        lines += ["From the run's last `t2f evaluate` report (`evaluation.json`; it may describe an earlier "
                  "export of the same run):", "", *_table(rows, ("measure", "value"))]
    else:
        lines += ["Not evaluated yet. `t2f evaluate THIS_FOLDER --n 200 --seeds 4` measures text-faithfulness, "
                  "unseen wording, the Fréchet distance and diversity; written into the run as "
                  f"`--json RUN/{EVALUATION_FILE}`, the run's next export carries its numbers here."]
    lines += ["", "## Limitations", "",
              f"A small GAN at {model.resolution}×{model.resolution}: faces are soft and small features "
              "(eyes, glasses, earrings, age lines) are often smudged or missed. It follows the wording of "
              "its training captions best; unseen words and sentence forms lose much of their effect. "
              "What a description leaves unsaid is drawn from what the model learnt to prefer, not at random.",
              "", "## Training", ""]
    if config is not None:
        lines += [*_training_lines(config), "",
                  "The run folder's `config.json` holds every setting. To train this model further with a "
                  "new critic: `t2f train --from-model THIS_FOLDER --config RUN/config.json --more-images N`."]
    else:
        lines += ["The run's settings are not known to this card."]
    lines += ["", "## Licence", "",
              f"{LICENCE}, as T2F Desktop. The faces it draws come from synthetic or your own training data; "
              "their use is yours to judge.", ""]
    return "\n".join(lines)


def write_model_card(folder: Path, config: RunConfig | None, info: Any,
                     evaluation: Mapping[str, Any] | None = None, **details: Any) -> Path:
    """Render the card and write it atomically as ``folder/README.md``; returns its path."""
    path = Path(folder) / CARD_FILE
    atomic_write_text(path, render_model_card(config, info, evaluation, **details))
    return path


def _read_json_object(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``, or ``None`` when it is absent or unreadable (a card never fails
    an export over the run's own files)."""
    try:
        data = json.loads(read_regular_bytes(path, MAX_CARD_BYTES * 16).decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def write_export_card(model_folder: Path, run_dir: Path) -> Path:
    """The card of a model just exported into ``model_folder`` by the run in ``run_dir``: the model's
    own ``config.json`` for the networks and position, the run's ``config.json`` for its training
    and data, and the run's ``evaluation.json`` when there is one."""
    from core.model.t2f import KNOWN_WORDS_FILE, read_model_card

    card = read_model_card(model_folder)
    saved = _read_json_object(run_dir / "config.json")
    try:
        config = RunConfig.from_dict(saved) if saved is not None else None
    except (TypeError, ValueError):
        config = None
    words = model_folder / KNOWN_WORDS_FILE
    try:
        known = len(read_regular_bytes(words).decode("utf-8").split()) if words.is_file() else None
    except (OSError, ValueError):
        known = None
    return write_model_card(model_folder, config, card.info, _read_json_object(run_dir / EVALUATION_FILE),
                            model=card.config, known_words=known)


def read_card_text(model_folder: Path) -> str | None:
    """The card of the model in ``model_folder`` (or a run's model), or ``None`` when it has none."""
    from core.model.t2f import resolve_model_folder

    path = resolve_model_folder(Path(model_folder)) / CARD_FILE
    if not path.is_file():
        return None
    try:
        return read_regular_bytes(path, MAX_CARD_BYTES).decode("utf-8", errors="replace")
    except (OSError, ValueError):  # a FIFO or an oversized file in its place: no card to show
        return None
