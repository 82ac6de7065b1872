"""The Refine tab's place in the main window: the tab, its menu commands, face-file drops and the
"Refine this face" entries of Generate's faces and Interpolate's frame.

Kept apart from :mod:`t2f_desktop.main_window` so the window only calls :func:`install`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from t2f_desktop.views.refine import RefineView

if TYPE_CHECKING:
    from t2f_desktop.main_window import MainWindow

FACE_SUFFIX = ".t2fface"


def face_paths(event) -> list[Path]:  # noqa: ANN001 - a drag or drop event
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.toLocalFile().endswith(FACE_SUFFIX)]


class _FaceDrops(QObject):
    """Accepts ``*.t2fface`` files dropped anywhere on the window and opens them in Refine."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and face_paths(event):
            event.acceptProposedAction()
            return True
        if event.type() == QEvent.Type.Drop and (paths := face_paths(event)):
            event.acceptProposedAction()
            open_face(self.window, paths[0])
            return True
        return False


def open_face(window: MainWindow, path: str | Path | None = None) -> bool:
    window.tabs.setCurrentWidget(window.refine_view)
    return window.refine_view.open_face(path)


def install(window: MainWindow) -> RefineView:
    """Add the fourth tab (Ctrl+4), File ▸ Open face / Save face / Export sheet, drops, and the
    "Refine this face" entries."""
    view = RefineView(window.session, window.settings, window)
    window.refine_view = view
    index = window.tabs.addTab(view, "Refine")
    window.tabs.setTabToolTip(index, "Steer one face: pick the closest, adjust attributes (Ctrl+4)")
    view.status_message.connect(window.show_message)

    def action(text: str, slot, shortcut: str | None = None, tip: str = "") -> QAction:  # noqa: ANN001
        act = QAction(text, window)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.triggered.connect(slot)
        return act

    window.refine_tab_action = action("&Refine", lambda: window.tabs.setCurrentWidget(view), "Ctrl+4")
    window.open_face_action = action("Open &face…", lambda: open_face(window), "Ctrl+Shift+F",
                                     "Open a saved face (.t2fface) in Refine")
    window.save_face_action = action("Save fa&ce…", lambda: view.save_face(), None,
                                     "Save the face being refined, with its history")
    window.export_sheet_action = action("Export composite s&heet…", lambda: view.export_sheet(), None,
                                        "The final face, its description, the steps and the faces on the way")
    file_menu = window.menuBar().actions()[0].menu()
    for act in (window.open_face_action, window.save_face_action, window.export_sheet_action):
        file_menu.insertAction(window.quit_action, act)
    file_menu.insertSeparator(window.quit_action)
    view_menu = window.menuBar().actions()[2].menu()
    view_menu.insertAction(view_menu.actions()[len(window.view_actions)], window.refine_tab_action)

    window.setAcceptDrops(True)
    window._face_drops = _FaceDrops(window)
    window.installEventFilter(window._face_drops)

    def refine_generated(index: int, kind: str) -> None:
        result = window.generate_view.result
        if kind != "refine" or result is None or index >= len(result.seeds):
            return
        window.tabs.setCurrentWidget(view)
        view.start_from(result.text, result.seeds[index], result.truncation)

    window.generate_view.grid.face_action.connect(refine_generated)
    frame = window.interpolate_view.view
    frame.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    frame.customContextMenuRequested.connect(lambda pos: _frame_menu(window, pos))
    return view


def refine_frame(window: MainWindow) -> bool:
    """Refine the interpolation frame shown (its latent, recomputed exactly as it was drawn)."""
    from core.explore import Endpoint, interpolation_latents

    iv, model = window.interpolate_view, window.session.model
    result = iv.result
    if result is None or model is None:
        return False
    count, index = len(result.frames), iv.scrubber.value()
    a, b = result.start, result.end
    latents = interpolation_latents(model, Endpoint(a.text, a.seed), Endpoint(b.text, b.seed), count,
                                    result.mode, result.method, result.truncation)
    nearer = a if index < count / 2 or result.mode == "noise" else b
    window.tabs.setCurrentWidget(window.refine_view)
    return window.refine_view.start_from_latent(nearer.text, latents[index], f"interpolation frame {index + 1}",
                                                nearer.seed)


def _frame_menu(window: MainWindow, pos: QPoint) -> None:
    menu = QMenu(window)
    menu.addAction("Refine this face", lambda: refine_frame(window))
    menu.popup(window.interpolate_view.view.mapToGlobal(pos))
