"""Help menu: shortcuts from the real actions, the model's words, and a guide whose examples draw."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from core.describing import EXAMPLES, LABELS, attribute_words, words_of


def test_f1_lists_the_keyboard_shortcuts_of_the_real_menus(window, qtbot):
    assert window.shortcuts_action.shortcut().toString() == "F1"
    window.shortcuts_action.trigger()
    help_window = window._help_windows["shortcuts"]
    assert help_window.isVisible()
    text = help_window.text()
    assert "Ctrl+S" in text and "File ▸ Save image" in text
    assert "Ctrl+3" in text and "View ▸ Train" in text
    assert "F1" in text and "Help ▸ Keyboard shortcuts" in text
    assert "Esc" in text and "Ctrl+Return" in text


def test_what_the_model_understands_lists_attributes_values_and_its_known_words(window):
    help_window = window.show_help("understands")
    text = help_window.text()
    known = window.session.model.known_words
    assert known
    for attribute, values in attribute_words().items():
        assert LABELS[attribute] in text
        for value, wordings in values.items():
            if wordings:
                assert f"{value}: " in text
    assert f"All {len(known)} words it knows" in text
    html = help_window.browser.toHtml()
    unknown = next(w for values in attribute_words().values() for ws in values.values() for w in ws
                   if not all(word in known for word in words_of(w)))
    assert f"<s>{unknown}</s>" in html or "line-through" in html  # words it never saw are struck through


def test_the_guide_example_links_draw_in_generate(window, qtbot, idle):
    help_window = window.show_help("guide")
    text = help_window.text()
    assert all(example.text in text for example in EXAMPLES)
    with qtbot.waitSignal(window.generate_view.generated, timeout=20_000):
        help_window.browser.anchorClicked.emit(QUrl("example:2"))
    idle(window)
    assert window.tabs.currentWidget() is window.generate_view
    assert window.generate_view.result.text == EXAMPLES[2].text


def test_help_windows_are_reused_and_follow_the_model(window):
    first = window.show_help("understands")
    assert window.show_help("understands") is first
    assert "What the model “run” understands" in first.text()
