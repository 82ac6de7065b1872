"""The Model panel shows the model's card; Help ▸ User manual shows docs/, and says where it is
when docs/ is not installed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl

from t2f_desktop import help_dialogs

ROOT = Path(__file__).resolve().parents[2]


def test_the_model_panel_opens_the_loaded_models_card(window, tiny_model):
    panel = window.model_info
    assert panel.card_button.isEnabled()
    panel.card_button.click()
    text = panel.card_window.text()
    assert panel.card_window.isVisible()
    assert "The model" in text and "Limitations" in text and "Licence" in text
    images = window.session.describe()["images_seen"]
    assert f"{images:,} images" in text
    assert "## " not in text  # rendered from Markdown, not shown as source


def test_a_model_without_a_card_says_so(window, copy_model, qtbot):
    folder = copy_model()
    (folder / "README.md").unlink()
    window.session.load(folder)
    qtbot.waitUntil(lambda: window.session.path is not None and Path(window.session.path) == folder,
                    timeout=20_000)
    qtbot.waitUntil(lambda: not window.model_info.card_button.isEnabled(), timeout=5_000)
    assert window.model_info.card_button.text() == "No model card"


def test_help_user_manual_shows_each_page_and_follows_links(window):
    for key, _, file_name in help_dialogs.MANUAL_PAGES:
        window.manual_actions[key].trigger()
        manual = window._help_windows["manual"]
        assert manual.isVisible()
        first_heading = next(line for line in (ROOT / "docs" / file_name).read_text().splitlines()
                             if line.startswith("# "))
        assert manual.text().startswith(first_heading[2:])
    window.show_manual("app")
    manual = window._help_windows["manual"]
    manual.browser.anchorClicked.emit(QUrl("training.md#the-objective"))
    assert manual.text().startswith("Training")
    menu_texts = [a.text() for a in window.menuBar().actions()[-1].menu().actions()]
    assert "User &manual" in menu_texts


def test_without_docs_the_manual_says_where_to_read_it(window, monkeypatch):
    monkeypatch.setattr(help_dialogs, "docs_dir", lambda: None)
    manual = window.show_manual("training")
    assert "not installed with the package" in manual.text() and "docs/training.md" in manual.text()
