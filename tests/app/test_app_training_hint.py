"""A barely trained model says so where its faces appear: Generate, above the faces, and the Model panel."""

from __future__ import annotations

from pathlib import Path

from t2f_desktop.widgets.model_info import training_hint

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "models" / "default"


def test_the_hint_grows_quieter_with_the_images_seen():
    assert training_hint(8_000).startswith("Barely trained (8,000 images seen): expect coloured noise")
    assert training_hint(60_000).startswith("Lightly trained (60,000 images seen): rough faces")
    assert "stopped at 16×16" in training_hint(900_000, 16, 64)
    assert training_hint(1_238_528, 64, 64) is None


def test_a_barely_trained_model_says_so_above_its_faces_and_in_the_model_panel(window, qtbot, idle):
    seen = window.session.model.info.images_seen
    assert seen < 20_000  # the session's tiny model
    view = window.generate_view
    assert view.training_note.isVisibleTo(view)
    assert view.training_note.text().startswith(f"⚠ Barely trained ({seen:,} images seen)")
    assert window.model_info.values["quality"].text().startswith(f"Barely trained ({seen:,} images seen)")


def test_the_bundled_model_needs_no_warning(window, qtbot, idle):
    window.session.load(BUNDLED)
    qtbot.waitUntil(lambda: window.session.model is not None and window.session.model.info.images_seen > 10**6,
                    timeout=20_000)
    idle(window)
    assert not window.generate_view.training_note.isVisibleTo(window.generate_view)
    assert window.model_info.values["quality"].text() == "Well trained"
