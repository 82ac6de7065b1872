"""Every relative link in the project's Markdown resolves: the file exists, and a #anchor names a
heading of the file it points into (GitHub's anchors: lower case, punctuation dropped, spaces → -)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted({ROOT / "README.md", ROOT / "resources" / "models" / "default" / "README.md",
                *(ROOT / "docs").glob("*.md"), *(ROOT / "experiments").glob("*.md"),
                *(ROOT / "benchmarks").glob("README.md")})
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)


def prose(text: str) -> str:
    """``text`` without fenced code blocks or inline code (a link written there is not a link)."""
    return re.sub(r"`[^`\n]*`", "", FENCE.sub("", text))


def anchor(heading: str) -> str:
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))


def anchors(page: Path) -> set[str]:
    return {anchor(line.lstrip("#")) for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines()
            if re.match(r"#{1,6}\s", line)}


def relative_links(page: Path) -> list[str]:
    return [target for target in LINK.findall(prose(page.read_text(encoding="utf-8")))
            if not re.match(r"[a-z][a-z0-9+.-]*:", target)]  # http:, https:, mailto:, …


def test_the_pages_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in PAGES}
    assert {"README.md", "docs/app.md", "docs/training.md", "docs/data.md", "experiments/README.md",
            "resources/models/default/README.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page):
    broken = []
    for target in relative_links(page):
        path, _, fragment = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
            broken.append(f"{target}: no heading #{fragment}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_walker_sees_links_images_and_anchors(tmp_path):
    page = tmp_path / "a.md"
    page.write_text("# How it works\n\nSee [b](b.md#the-end), ![pic](img/x.png), [web](https://x.org),\n"
                    "`[not](a link)` and\n```\n[not](either)\n```\n")
    assert relative_links(page) == ["b.md#the-end", "img/x.png"]
    assert anchors(page) == {"how-it-works"}
    assert anchor("The bundled model's card (1.24 M images)") == "the-bundled-models-card-124-m-images"
