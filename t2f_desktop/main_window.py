"""The main window: three views, the model panel, menus, toolbar and status bar.

It owns what the views share — the settings, the job threads, the current model and the history
— and routes the menu commands to the view that is showing.
"""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QComboBox, QDockWidget, QLabel, QMainWindow, QMenu, QTabWidget, QToolBar,
                               QWidget)

from t2f_desktop import __version__, dialogs, help_dialogs, refine_actions
from t2f_desktop.help_dialogs import HelpWindow
from t2f_desktop.history import History
from t2f_desktop.icon import app_icon
from t2f_desktop.model_session import ModelSession, device_choices
from t2f_desktop.resources import default_model_dir
from t2f_desktop.settings import Settings
from t2f_desktop.views.generate import GenerateView
from t2f_desktop.views.interpolate import InterpolateView
from t2f_desktop.views.train import TrainView
from t2f_desktop.widgets.model_info import ModelInfo
from t2f_desktop.workers.jobs import JobRunner

STATUS_TIMEOUT_MS = 6000


class MainWindow(QMainWindow):
    GENERATE, INTERPOLATE, TRAIN = range(3)

    def __init__(self, settings: Settings | None = None, restore_session: bool = True) -> None:
        """``restore_session`` reopens the last model (or the bundled one) and the last run."""
        super().__init__()
        self.settings = settings or Settings()
        self.setWindowIcon(app_icon())
        self.runner = JobRunner("t2f-draw", self)
        self.io_runner = JobRunner("t2f-io", self)
        self.session = ModelSession(self.runner, self.settings, self)
        self.history = History(self, self.settings)
        self._closing = False
        self._help_windows: dict[str, HelpWindow] = {}

        self.generate_view = GenerateView(self.session, self.history, self.settings, self)
        self.interpolate_view = InterpolateView(self.session, self.history, self.settings, self)
        self.train_view = TrainView(self.settings, self.runner, self.io_runner, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.generate_view, "Generate")
        self.tabs.addTab(self.interpolate_view, "Interpolate")
        self.tabs.addTab(self.train_view, "Train")
        self.tabs.setTabToolTip(0, "Type a description, see faces (Ctrl+1)")
        self.tabs.setTabToolTip(1, "Walk between two faces (Ctrl+2)")
        self.tabs.setTabToolTip(2, "Train a model, or watch any run folder (Ctrl+3)")
        self.tabs.currentChanged.connect(lambda _: self._update_actions())
        self.setCentralWidget(self.tabs)

        self.model_info = ModelInfo(self)
        self.model_dock = QDockWidget("Model", self)
        self.model_dock.setObjectName("model-dock")
        self.model_dock.setWidget(self.model_info)
        self.model_dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.model_dock)
        self.model_dock.hide()

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()
        refine_actions.install(self)  # the Refine tab, its File commands and face-file drops
        self._update_title()
        self._update_actions()
        self._restore_window()
        self.set_integer_scaling(self.settings.get_bool("view/integer_scaling", False))
        if restore_session:
            QTimer.singleShot(0, self.load_initial_model)
            QTimer.singleShot(0, self.train_view.reopen_last_run)

    # ---- construction ---------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None, tip: str = "") -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.open_model_action = self._action("&Open model…", self.choose_model, keys.Open,
                                              "Load a model folder, or a run folder's latest model")
        self.open_run_action = self._action("Open &run…", self.choose_run, "Ctrl+Shift+O",
                                            "Watch a training run folder (from this app or a terminal)")
        self.save_action = self._action("&Save image…", self.save_image, keys.Save, "Save the face(s) shown as PNG")
        self.export_gif_action = self._action("Export &GIF…", self.interpolate_view.export_gif, "Ctrl+E",
                                              "Save the interpolation as an animated GIF")
        self.quit_action = self._action("&Quit", self.close, keys.Quit, "Close T2F Desktop")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.copy_action = self._action("&Copy image", self.copy_image, keys.Copy, "Copy the face(s) shown")
        # The Generate view owns the Ctrl+Return shortcut; the menu only shows it (a second,
        # window-wide binding would make the key ambiguous there).
        self.generate_action = self._action("&Generate\tCtrl+Return", self._generate,
                                            tip="Draw faces for the description")
        self.view_actions = []
        for index, name in enumerate(("&Generate", "&Interpolate", "&Train")):
            action = self._action(name, lambda _=False, i=index: self.tabs.setCurrentIndex(i), f"Ctrl+{index + 1}")
            self.view_actions.append(action)
        self.full_screen_action = self._action("&Full screen", self.toggle_full_screen, "F11")
        platform_keys = [k for k in QKeySequence.keyBindings(keys.FullScreen) if k != QKeySequence("F11")]
        self.full_screen_action.setShortcuts([QKeySequence("F11"), *platform_keys])
        self.full_screen_action.setCheckable(True)
        self.integer_scaling_action = self._action("S&harp faces (whole-number zoom)", self.set_integer_scaling,
                                                   tip="Enlarge faces by whole numbers only, pixel for pixel, "
                                                       "instead of smoothly to fill the space")
        self.integer_scaling_action.setCheckable(True)
        self.bundled_model_action = self._action("Use the &bundled model", self.use_bundled_model,
                                                 tip="Go back to the model that comes with T2F Desktop")
        self.shortcuts_action = self._action("&Keyboard shortcuts", lambda: self.show_help("shortcuts"),
                                             keys.HelpContents, "Every key the app answers to")
        self.understands_action = self._action("&What this model understands", lambda: self.show_help("understands"),
                                               tip="The attributes, values and words the loaded model reads")
        self.guide_action = self._action("&Describing a face", lambda: self.show_help("guide"),
                                         tip="How to write a description that works, with examples to try")
        self.manual_actions = {key: self._action(text, lambda _=False, k=key: self.show_manual(k),
                                                 tip=f"The user manual: docs/{file_name}")
                               for key, text, file_name in help_dialogs.MANUAL_PAGES}
        self.about_action = self._action("&About T2F Desktop", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addAction(self.open_model_action)
        self.recent_models_menu = QMenu("Open recent &model", self)
        self.recent_models_menu.aboutToShow.connect(lambda: self._fill_recent(self.recent_models_menu, "models"))
        file.addMenu(self.recent_models_menu)
        file.addAction(self.bundled_model_action)
        file.addSeparator()
        file.addAction(self.open_run_action)
        self.recent_runs_menu = QMenu("Open recent r&un", self)
        self.recent_runs_menu.aboutToShow.connect(lambda: self._fill_recent(self.recent_runs_menu, "runs"))
        file.addMenu(self.recent_runs_menu)
        file.addSeparator()
        file.addAction(self.save_action)
        file.addAction(self.export_gif_action)
        file.addSeparator()
        file.addAction(self.quit_action)

        edit = bar.addMenu("&Edit")
        edit.addAction(self.copy_action)
        edit.addAction(self.generate_action)

        view = bar.addMenu("&View")
        for action in self.view_actions:
            view.addAction(action)
        view.addSeparator()
        model_panel = self.model_dock.toggleViewAction()
        model_panel.setText("&Model panel")
        model_panel.setShortcut(QKeySequence("Ctrl+I"))
        view.addAction(model_panel)
        view.addAction(self.full_screen_action)
        view.addAction(self.integer_scaling_action)

        help_menu = bar.addMenu("&Help")
        for action in (self.shortcuts_action, self.understands_action, self.guide_action):
            help_menu.addAction(action)
        manual = help_menu.addMenu("User &manual")
        for action in self.manual_actions.values():
            manual.addAction(action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Model", self)
        toolbar.setObjectName("model-toolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.open_model_action)
        toolbar.addAction(self.model_dock.toggleViewAction())
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" Device ", toolbar))
        self.device_combo = QComboBox(toolbar)
        self.device_combo.setToolTip("Where faces are drawn; Auto picks CUDA, then MPS, then the CPU")
        for name in device_choices():
            self.device_combo.addItem(self._device_label(name), name)
        self.device_combo.setCurrentIndex(max(0, self.device_combo.findData(self.session.device)))
        self.device_combo.currentIndexChanged.connect(
            lambda _: self.session.set_device(self.device_combo.currentData()))
        toolbar.addWidget(self.device_combo)
        self.addToolBar(toolbar)

    @staticmethod
    def _device_label(name: str) -> str:
        if name == "auto":
            from core.devices import resolve_device

            return f"Auto ({resolve_device('auto').type.upper()})"
        return name.upper()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.busy_label = QLabel("", bar)
        self.model_label = QLabel("", bar)
        self.device_label = QLabel("", bar)
        for label in (self.busy_label, self.model_label, self.device_label):
            bar.addPermanentWidget(label)
        self._update_status_labels()

    def _connect(self) -> None:
        s = self.session
        s.changed.connect(self._on_model_changed)
        s.load_failed.connect(self._on_load_failed)
        s.loading.connect(lambda path: self.statusBar().showMessage(f"Loading model {path}…"))
        self.runner.busy_changed.connect(lambda busy: self.busy_label.setText("Working…" if busy else ""))
        for view in (self.generate_view, self.interpolate_view):
            view.open_model_requested.connect(self.choose_model)
            view.train_requested.connect(lambda: self.tabs.setCurrentIndex(self.TRAIN))
            view.status_message.connect(self.show_message)
        self.generate_view.endpoint_chosen.connect(self._use_endpoint)
        self.train_view.status_message.connect(self.show_message)
        self.train_view.use_model_requested.connect(self.use_run_model)
        self.train_view.running_changed.connect(lambda _: self._update_actions())

    # ---- model ----------------------------------------------------------------------------------
    def load_initial_model(self) -> None:
        """The last model used, else the bundled one, else the empty state."""
        last = self.settings.last_model
        if last and Path(last).exists():
            self.session.load(last)
            return
        bundled = default_model_dir()
        if bundled is not None:
            self.session.load(bundled, remember=False)
        else:
            self.show_message("No model loaded — File ▸ Open model…, or train one")

    def choose_model(self) -> None:
        start = self.settings.last_model or str(Path.home())
        folder = dialogs.open_folder(self, "Open model (a model folder or a run folder)", start)
        if folder:
            self.session.load(folder)

    def use_run_model(self, run_dir: Path) -> None:
        self.session.load(run_dir)
        self.tabs.setCurrentIndex(self.GENERATE)

    def use_bundled_model(self) -> None:
        """Back to the model shipped with the app (e.g. after "Use this model" on a run)."""
        bundled = default_model_dir()
        if bundled is not None:
            self.session.load(bundled)

    def _showing_bundled(self) -> bool:
        bundled = default_model_dir()
        return bundled is not None and self.session.path is not None and \
            Path(self.session.path).resolve() == Path(bundled).resolve()

    def set_integer_scaling(self, on: bool) -> None:
        """Whole-number zoom for faces in Generate and Interpolate; remembered."""
        self.settings.set("view/integer_scaling", on)
        self.integer_scaling_action.setChecked(on)
        g, i = self.generate_view, self.interpolate_view
        for widget in (g.grid, g.large, i.view, i.grid_view):
            widget.set_integer_scaling(on)

    def _on_model_changed(self, model: object) -> None:
        self.model_info.show_model(self.session.describe(), self.session.name, self.session.path)
        self._update_title()
        self._update_status_labels()
        self._update_actions()
        if model is not None:
            self.show_message(f"Loaded {self.session.name}")

    def _on_load_failed(self, path: str, message: str) -> None:
        keep = f"\n\nStill using {self.session.name}." if self.session.model is not None else ""
        self.statusBar().clearMessage()
        dialogs.error(self, "Could not open model", f"{message}{keep}")

    # ---- runs -----------------------------------------------------------------------------------
    def choose_run(self) -> None:
        start = self.settings.last_run or str(Path.home())
        folder = dialogs.open_folder(self, "Open a training run folder", start)
        if folder:
            self.open_run(folder)

    def open_run(self, folder: str | Path) -> bool:
        self.tabs.setCurrentIndex(self.TRAIN)
        return self.train_view.open_run(folder)

    def _fill_recent(self, menu: QMenu, kind: str) -> None:
        menu.clear()
        entries = self.settings.recent(kind)
        if not entries:
            menu.addAction("(none)").setEnabled(False)
            return
        open_one = self.session.load if kind == "models" else self.open_run
        for path in entries:
            menu.addAction(path, lambda path=path: open_one(path))
        menu.addSeparator()
        menu.addAction("Clear list", lambda: self.settings.clear_recent(kind))

    # ---- commands -------------------------------------------------------------------------------
    def current_view(self) -> QWidget:
        return self.tabs.currentWidget()

    def save_image(self) -> None:
        view = self.current_view()
        if hasattr(view, "save_image"):
            view.save_image()

    def copy_image(self) -> None:
        view = self.current_view()
        if hasattr(view, "copy_image"):
            view.copy_image()

    def _generate(self) -> None:
        self.tabs.setCurrentIndex(self.GENERATE)
        self.generate_view.generate()

    def _use_endpoint(self, which: str, entry) -> None:  # noqa: ANN001 - HistoryEntry
        self.interpolate_view.set_endpoint(which, entry)
        self.show_message(f"Endpoint {which} set to seed {entry.seed}")

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.full_screen_action.setChecked(self.isFullScreen())

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_TIMEOUT_MS)

    def about_html(self) -> str:
        import PySide6
        import torch
        from PySide6.QtCore import qVersion

        from core.devices import resolve_device

        model = self.session.model
        drawing_on = model.device if model is not None else resolve_device(self.session.device)
        return (f"<h3>T2F Desktop {__version__}</h3>"
                "<p>Type a description of a face and see it drawn; explore between faces; train a model on "
                "your own machine.</p>"
                "<p>T2F: an LSTM text encoder, conditioning augmentation and a progressively grown GAN.</p>"
                "<table>"
                f"<tr><td>App and core</td><td>{__version__}</td></tr>"
                f"<tr><td>PyTorch</td><td>{torch.__version__}</td></tr>"
                f"<tr><td>Qt</td><td>{qVersion()} (PySide6 {PySide6.__version__})</td></tr>"
                f"<tr><td>Python</td><td>{platform.python_version()}</td></tr>"
                f"<tr><td>Drawing on</td><td>{drawing_on}</td></tr>"
                f"<tr><td>Devices here</td><td>{', '.join(device_choices()[1:])}</td></tr>"
                "</table>"
                "<p>Words a model never saw are read through WordNet 3.0 (© 2006 Princeton University; "
                "licence in resources/lexicon/LICENSE-WordNet-3.0).</p>")

    def show_help(self, kind: str) -> HelpWindow:
        """Open (or bring back) the help window ``kind``: "shortcuts", "understands" or "guide"."""
        from t2f_desktop import help_dialogs as h

        model = self.session.model
        title, body = {
            "shortcuts": ("Keyboard shortcuts", lambda: h.shortcuts_html(h.shortcut_rows(self.menuBar()))),
            "understands": ("What this model understands",
                            lambda: h.understands_html(model.known_words if model else None, self.session.name)),
            "guide": ("Describing a face", h.guide_html),
        }[kind]
        window = self._help_windows.get(kind)
        if window is None:
            window = self._help_windows[kind] = h.HelpWindow(title, body(), self)
            window.example_chosen.connect(self._try_example)
        else:
            window.set_body(body())
        window.show()
        window.raise_()
        return window

    def show_manual(self, key: str) -> HelpWindow:
        """Open the user manual at page ``key`` (see :data:`help_dialogs.MANUAL_PAGES`) in one window
        whose links move between the pages; without ``docs/`` (a wheel install), say where it is."""
        file_name = next(f for k, _, f in help_dialogs.MANUAL_PAGES if k == key)
        window = self._help_windows.get("manual")
        if window is None:
            window = self._help_windows["manual"] = HelpWindow("User manual", "", self)
            window.resize(760, 640)
        docs = help_dialogs.docs_dir()
        if docs is None or not window.show_file(docs / file_name):
            window.set_body(help_dialogs.manual_missing_html(file_name))
        window.show()
        window.raise_()
        return window

    def _try_example(self, text: str) -> None:
        self.tabs.setCurrentIndex(self.GENERATE)
        self.generate_view.prompt.set_text(text)
        self.generate_view.generate(explicit=False)

    def show_about(self) -> None:
        dialogs.about(self, "About T2F Desktop", self.about_html())

    # ---- state ----------------------------------------------------------------------------------
    def _update_title(self) -> None:
        name = self.session.name
        self.setWindowTitle(f"{name} — T2F Desktop" if name else "T2F Desktop")

    def _update_status_labels(self) -> None:
        model = self.session.model
        if model is not None:
            res = model.info.resolution
            self.model_label.setText(f"Model: {self.session.name} ({res}×{res})")
            self.device_label.setText(f"Device: {model.device}")
        else:
            self.model_label.setText("No model loaded")
            from core.devices import resolve_device

            self.device_label.setText(f"Device: {resolve_device(self.session.device)}")

    def _update_actions(self) -> None:
        has_model = self.session.model is not None
        index = self.tabs.currentIndex()
        self.save_action.setEnabled(has_model and index in (self.GENERATE, self.INTERPOLATE))
        self.copy_action.setEnabled(has_model and index in (self.GENERATE, self.INTERPOLATE))
        self.export_gif_action.setEnabled(has_model and index == self.INTERPOLATE)
        self.generate_action.setEnabled(has_model)
        self.bundled_model_action.setEnabled(default_model_dir() is not None and not self._showing_bundled())

    # ---- window ---------------------------------------------------------------------------------
    def _restore_window(self) -> None:
        geometry = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def save_settings(self) -> None:
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.generate_view.save_settings()
        self.interpolate_view.save_settings()
        self.train_view.save_settings()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        if self.train_view.running:
            if not dialogs.confirm(self, "Training in progress",
                                   "A run is training. Stop it (a checkpoint is saved) and quit?",
                                   yes="Stop and quit", no="Keep training"):
                event.ignore()
                return
            self.statusBar().showMessage("Stopping training and saving a checkpoint…")
            self.train_view.stop_and_wait()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Save settings and stop every background thread (safe to call twice)."""
        if self._closing:
            return
        self._closing = True
        self.refine_view.stop()
        self.save_settings()
        self.train_view.monitor.stop_following()
        self.train_view.controller.stop_and_wait()
        self.runner.shutdown()
        self.io_runner.shutdown()
