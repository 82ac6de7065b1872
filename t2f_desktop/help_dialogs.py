"""Help ▸ Keyboard shortcuts, What this model understands, Describing a face, and the User manual.

Each is a small non-modal window of rich text. Their content comes from the live app: the
shortcuts from the window's own actions, the words from the loaded model's known words and the
attribute vocabulary (:mod:`core.describing`), so the help never drifts from what the app does.
An example in the guide is a link: clicking it draws that description in Generate. The user manual
is the repository's ``docs/`` (Markdown, shown here as it is on the page); a wheel does not install
``docs/``, so without it the window says where to read it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenuBar, QTextBrowser, QVBoxLayout, QWidget

#: Keys bound inside views rather than to a menu action.
VIEW_SHORTCUTS = (("Esc", "Generate: back from one enlarged face to the grid"),)
#: The user manual's pages: (key, menu text, file in docs/).
MANUAL_PAGES = (("app", "The &app, view by view", "app.md"), ("training", "&Training a model", "training.md"),
                ("data", "Training &data", "data.md"), ("how", "&How it works", "how-it-works.md"))
#: Largest Markdown page shown (the manual's pages are a few tens of KB).
MAX_PAGE_BYTES = 1024 * 1024


def docs_dir() -> Path | None:
    """The user manual's folder (``docs/`` beside the package, in a source checkout), or ``None``."""
    folder = Path(__file__).resolve().parent.parent / "docs"
    return folder if (folder / "app.md").is_file() else None


def manual_missing_html(file_name: str) -> str:
    return ("<h3>User manual</h3><p>The manual is not installed with the package: it is the "
            f"<code>docs/</code> folder of T2F Desktop's source. Read <code>docs/{html.escape(file_name)}</code> "
            "in the repository you installed from, or in a source checkout "
            "(<code>pip install -e .</code> there shows it here).</p>")


class HelpWindow(QDialog):
    """A titled window of rich text; ``example_chosen`` carries the text of a clicked example."""

    example_chosen = Signal(str)

    def __init__(self, title: str, body: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(560, 520)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.set_body(body)

    def set_body(self, body: str) -> None:
        self.base: Path | None = None
        self.browser.setHtml(body)

    def set_markdown(self, text: str, base: Path) -> None:
        """Show Markdown whose relative links and images are read from the folder ``base``."""
        self.base = base
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(base) + "/"))
        self.browser.setSearchPaths([str(base)])
        self.browser.setMarkdown(text)

    def show_file(self, path: Path) -> bool:
        """Show the Markdown file ``path`` (a page of the manual, a model card); False if unreadable."""
        from core.io import read_regular_bytes

        try:
            text = read_regular_bytes(path, MAX_PAGE_BYTES).decode("utf-8", errors="replace")
        except (OSError, ValueError):
            return False
        self.set_markdown(text, path.parent)
        return True

    def text(self) -> str:
        """The window's content as plain text (what a person reads)."""
        return self.browser.toPlainText()

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "example":
            from core.describing import EXAMPLES

            index = int(url.path() or url.host() or 0)
            self.example_chosen.emit(EXAMPLES[index].text)
            return
        if url.isRelative() and not url.path() and url.fragment():
            self.browser.scrollToAnchor(url.fragment())
            return
        if self.base is not None and url.isRelative():
            target = (self.base / url.path()).resolve()
            if target.suffix == ".md" and target.is_file() and self.show_file(target):
                if url.fragment():
                    self.browser.scrollToAnchor(url.fragment())
                return
            url = QUrl.fromLocalFile(str(target))
        QDesktopServices.openUrl(url)  # a web page, or a file or folder for the system to open


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, str]]:
    """``(keys, what)`` for every menu command with a key, then the keys views bind themselves."""
    rows = []
    for top in menu_bar.actions():
        menu = top.menu()
        if menu is None:
            continue
        for action in menu.actions():
            text, _, shown_key = action.text().partition("\t")
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            keys = [k for k in keys if k] or ([shown_key] if shown_key else [])
            if keys:
                rows.append((", ".join(keys), f"{_plain(top.text())} ▸ {_plain(text).rstrip('…')}"))
    return rows + list(VIEW_SHORTCUTS)


def shortcuts_html(rows: Iterable[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td><b>{html.escape(keys)}</b>&nbsp;&nbsp;</td><td>{html.escape(what)}</td></tr>"
                    for keys, what in rows)
    return f"<h3>Keyboard shortcuts</h3><table cellspacing='4'>{cells}</table>"


def understands_html(known_words: frozenset[str] | None, model_name: str) -> str:
    """The attributes and values a description can ask for, each with its words; words this
    model never saw are struck through; then the model's other known words."""
    from core.describing import LABELS, attribute_words, words_of

    name = f"the model “{html.escape(model_name)}”" if model_name else "this model"
    parts = [f"<h3>What {name} understands</h3>",
             "<p>Descriptions are read for these attributes. Any of the words beside a value asks for it; "
             "words not listed are read as the nearest word the model knows (shown under the "
             "description box) or left out.</p>"]
    if known_words is None:
        parts.append("<p><i>This model does not list the words it was trained on, so the words below are "
                     "those of the synthetic captions; it may not know them all.</i></p>")
    listed: set[str] = set()
    rows = []
    for attribute, values in attribute_words().items():
        cells = []
        for value, wordings in values.items():
            if not wordings:
                continue
            shown = []
            for wording in wordings:
                words = words_of(wording)
                listed.update(words)
                known = known_words is None or all(w in known_words for w in words)
                shown.append(html.escape(wording) if known else f"<s>{html.escape(wording)}</s>")
            cells.append(f"<b>{html.escape(value)}</b>: {', '.join(shown)}")
        rows.append(f"<tr><td valign='top'><i>{html.escape(LABELS[attribute])}</i>&nbsp;&nbsp;</td>"
                    f"<td>{'<br>'.join(cells)}</td></tr>")
    parts.append(f"<table cellspacing='4'>{''.join(rows)}</table>")
    if known_words is not None:
        others = sorted(known_words - listed)
        parts.append(f"<p><b>All {len(known_words)} words it knows</b> also include: "
                     f"{html.escape(', '.join(others))}.</p>")
    return "".join(parts)


def guide_html() -> str:
    """How to write a description that works, with examples that can be tried with one click."""
    from core.describing import EXAMPLES, LABELS

    asks = ", ".join(LABELS.values())
    examples = "".join(f"<li><a href='example:{i}'>{html.escape(e.text)}</a></li>" for i, e in enumerate(EXAMPLES))
    return ("<h3>Describing a face</h3>"
            "<p>Say what the face looks like, in plain words, as you would to a person drawing it. The model "
            f"listens for: {html.escape(asks)}.</p>"
            "<ul><li>Name a few things clearly: “a young woman with long blonde hair and blue eyes”.</li>"
            "<li>Word order and sentence breaks hardly matter; “blue-eyed” and “with blue eyes” ask the same.</li>"
            "<li>What you leave out is left to chance: change the seed to see other choices.</li>"
            "<li>Unknown words are replaced by the nearest known word or left out; the line under the "
            "description box says which. Names, clothes, moods and poses are not drawn.</li>"
            "<li>Lower ψ (truncation) gives more typical faces, higher more varied ones.</li></ul>"
            f"<p><b>Examples that work</b> (click one to draw it):</p><ul>{examples}</ul>"
            "<p>Help ▸ What this model understands lists every attribute with its words.</p>")
