"""The preprocessing cache: built once, reused without decoding, rebuilt when files change."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.data import open_dataset
from core.data.cache import ENV_VAR, IMAGES_FILE, INDEX_FILE, default_cache_dir, resolve_cache_dir


@pytest.fixture
def count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every ``PIL.Image.open`` call, recorded (the loader must call it through the module)."""
    opened: list[str] = []
    real_open = Image.open

    def counting_open(fp, *args, **kwargs):
        opened.append(str(fp))
        return real_open(fp, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    return opened


def test_second_load_decodes_nothing(generic_jsonl: Path, tmp_path: Path, count_decodes: list[str]) -> None:
    first = open_dataset(generic_jsonl, 32, cache_dir=tmp_path / "cache")
    assert len(count_decodes) == 8  # every referenced image that exists was decoded once
    count_decodes.clear()
    second = open_dataset(generic_jsonl, 32, cache_dir=tmp_path / "cache")
    assert count_decodes == []
    assert second.cache_entry == first.cache_entry
    assert isinstance(second._images, np.memmap) or isinstance(second._images.base, np.memmap)
    assert np.array_equal(np.asarray(first._images), np.asarray(second._images))
    assert [second.captions(i) for i in range(len(second))] == [first.captions(i) for i in range(len(first))]
    assert second.summary.text() == first.summary.text()  # skip reasons survive the cache
    assert second.summary.converted == first.summary.converted


def test_each_resolution_has_its_own_entry(generic_jsonl: Path, tmp_path: Path) -> None:
    small = open_dataset(generic_jsonl, 32, cache_dir=tmp_path / "cache")
    large = open_dataset(generic_jsonl, 64, cache_dir=tmp_path / "cache")
    assert small.cache_entry != large.cache_entry
    assert small.image(0).shape == (3, 32, 32) and large.image(0).shape == (3, 64, 64)


def test_changed_file_rebuilds(generic_jsonl: Path, tmp_path: Path, count_decodes: list[str]) -> None:
    first = open_dataset(generic_jsonl, 32, cache_dir=tmp_path / "cache")
    image = generic_jsonl / "images" / "ok0.png"
    Image.new("RGB", (80, 80), (255, 0, 0)).save(image)
    os.utime(image, ns=(1, 1))  # a different mtime even on coarse-grained file systems
    count_decodes.clear()
    second = open_dataset(generic_jsonl, 32, cache_dir=tmp_path / "cache")
    assert count_decodes  # decoded again
    assert second.cache_entry != first.cache_entry
    assert second.image(0)[0].mean() > 0.9 and second.image(0)[1].mean() < -0.9  # now red


def test_changed_captions_rebuild(generic_csv: Path, tmp_path: Path) -> None:
    first = open_dataset(generic_csv, 32, cache_dir=tmp_path / "cache")
    (generic_csv / "captions.csv").write_text("image,text\na.png,Only this caption now.\n", encoding="utf-8")
    second = open_dataset(generic_csv, 32, cache_dir=tmp_path / "cache")
    assert len(second) == 1 and second.captions(0) == ["Only this caption now."]
    assert first.cache_entry != second.cache_entry


def test_entry_holds_exactly_the_loaded_images_and_no_temporary_files(generic_jsonl: Path, tmp_path: Path) -> None:
    data = open_dataset(generic_jsonl, 32, cache_dir=tmp_path / "cache")
    files = sorted(p.name for p in data.cache_entry.iterdir())
    assert files == [IMAGES_FILE, INDEX_FILE]
    stored = np.load(data.cache_entry / IMAGES_FILE, mmap_mode="r")
    assert stored.shape == (6, 32, 32, 3) and stored.dtype == np.uint8


def test_incomplete_entry_is_rebuilt(generic_csv: Path, tmp_path: Path) -> None:
    data = open_dataset(generic_csv, 32, cache_dir=tmp_path / "cache")
    (data.cache_entry / INDEX_FILE).unlink()  # as if a build was interrupted before committing
    again = open_dataset(generic_csv, 32, cache_dir=tmp_path / "cache")
    assert len(again) == len(data) and (again.cache_entry / INDEX_FILE).exists()


def test_cache_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generic_csv: Path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_cache_dir() == default_cache_dir() == Path.home() / ".cache" / "t2f-desktop" / "datasets"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert resolve_cache_dir() == tmp_path / "from-env"
    assert resolve_cache_dir(tmp_path / "explicit") == tmp_path / "explicit"
    data = open_dataset(generic_csv, 32)
    assert data.cache_entry.parent == tmp_path / "from-env"


def test_pickling_reopens_the_memmap_instead_of_copying_pixels(generic_jsonl: Path, tmp_path: Path) -> None:
    import pickle

    data = open_dataset(generic_jsonl, 32, cache_dir=tmp_path / "cache")
    blob = pickle.dumps(data)
    assert len(blob) < 6 * 32 * 32 * 3  # smaller than the pixels themselves
    copy = pickle.loads(blob)
    assert len(copy) == len(data) and copy.captions(3) == data.captions(3)
    assert np.array_equal(copy.images([0, 5]).numpy(), data.images([0, 5]).numpy())


def test_preview_decodes_only_what_it_shows(generic_jsonl: Path, tmp_path: Path, count_decodes: list[str]) -> None:
    from core.data.open import peek_dataset

    peek = peek_dataset(generic_jsonl, 32, 3, cache_dir=tmp_path / "cache")
    assert len(peek) == 3 and len(count_decodes) == 3
    assert "preview of 3 of 8 images" in peek.summary.text()
    assert not (tmp_path / "cache").exists()
    full = open_dataset(generic_jsonl, 32, cache_dir=tmp_path / "cache")
    count_decodes.clear()
    again = peek_dataset(generic_jsonl, 32, 3, cache_dir=tmp_path / "cache")
    assert count_decodes == [] and len(again) == len(full)  # an existing cache entry is simply reused
