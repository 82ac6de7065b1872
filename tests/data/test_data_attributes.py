"""The public attribute table and correlated sampling (no rendering needed)."""

from __future__ import annotations

from collections import Counter

import pytest

from core.data import ATTRIBUTES
from core.data.synthetic import face_rng, sample_attributes, validate_attributes

SAMPLES = 2000


@pytest.fixture(scope="module")
def drawn() -> list[dict[str, str]]:
    return [sample_attributes(face_rng(0, "train", i, 0)) for i in range(SAMPLES)]


def test_table_has_the_required_attributes_and_values() -> None:
    assert ATTRIBUTES["gender"] == ("man", "woman")
    assert ATTRIBUTES["age"] == ("young", "middle-aged", "old")
    assert len(ATTRIBUTES["skin_tone"]) >= 4
    assert set(ATTRIBUTES["hair_color"]) == {"black", "brown", "blonde", "red", "grey"}
    assert {"bald", "short", "long", "curly"} <= set(ATTRIBUTES["hair_style"])
    assert ATTRIBUTES["eye_color"] == ("brown", "blue", "green")
    assert ATTRIBUTES["eyewear"] == ("none", "glasses", "sunglasses")
    assert ATTRIBUTES["facial_hair"] == ("none", "moustache", "beard")
    assert ATTRIBUTES["expression"] == ("smiling", "neutral", "surprised")
    assert ATTRIBUTES["face_shape"] == ("round", "oval", "long", "square")
    assert ATTRIBUTES["accessories"] == ("none", "hat", "earrings")
    assert len(ATTRIBUTES["background"]) >= 4
    for values in ATTRIBUTES.values():
        assert len(set(values)) == len(values)


def test_every_value_appears_in_at_least_five_percent(drawn: list[dict[str, str]]) -> None:
    for name, values in ATTRIBUTES.items():
        counts = Counter(a[name] for a in drawn)
        for value in values:
            assert counts[value] / SAMPLES >= 0.05, f"{name}={value}: {counts[value] / SAMPLES:.1%}"


def test_samples_are_complete_and_valid(drawn: list[dict[str, str]]) -> None:
    for attrs in drawn[:200]:
        assert set(attrs) == set(ATTRIBUTES)
        validate_attributes(attrs)


def test_plausible_correlations(drawn: list[dict[str, str]]) -> None:
    women = [a for a in drawn if a["gender"] == "woman"]
    men = [a for a in drawn if a["gender"] == "man"]
    assert all(a["facial_hair"] == "none" and a["hair_style"] != "bald" for a in women)
    assert all(not (a["hair_style"] == "bald" and a["accessories"] == "hat") for a in drawn)

    def share(group: list[dict[str, str]], name: str, value: str) -> float:
        return sum(a[name] == value for a in group) / len(group)

    old = [a for a in drawn if a["age"] == "old"]
    young = [a for a in drawn if a["age"] == "young"]
    assert share(old, "hair_color", "grey") > 5 * share(young, "hair_color", "grey")
    assert share(women, "accessories", "earrings") > 3 * share(men, "accessories", "earrings")


def test_sampling_is_deterministic() -> None:
    assert sample_attributes(face_rng(4, "test", 17, 0)) == sample_attributes(face_rng(4, "test", 17, 0))


def test_validate_rejects_unknown_names_and_values() -> None:
    with pytest.raises(ValueError, match="unknown attribute"):
        validate_attributes({"hat_size": "large"})
    with pytest.raises(ValueError, match="hair_color must be one of"):
        validate_attributes({"hair_color": "green"})
