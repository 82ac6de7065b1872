"""The training set-up form: data, preset or custom schedule, device and run folder.

The form only describes a run; :class:`~t2f_desktop.views.train.TrainView` starts it. Checking a
dataset loads it on a background thread and keeps it, so Start does not load it a second time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from t2f_desktop import dialogs
from t2f_desktop.datasets import open_source, synthetic_source
from t2f_desktop.model_session import device_choices
from t2f_desktop.resources import default_model_dir
from t2f_desktop.run_setup import (PRECISION_LABELS, PRESET_LABELS, RESOLUTIONS, SIZE_LABELS, RunForm, bf16_runs_on,
                                   build_config, default_run_dir, describe_schedule, format_int_list, reader_dropped,
                                   stages_for, start_model_card)
from t2f_desktop.settings import Settings
from t2f_desktop.workers.jobs import JobRunner

if TYPE_CHECKING:
    from core.config import RunConfig
    from core.data.base import TextFaceDataset

#: The "Start from" item that asks for a model folder rather than being one.
CHOOSE_MODEL = "choose"


class TrainSetup(QWidget):
    """Emits ``changed`` when anything that defines the run changes."""

    changed = Signal()

    def __init__(self, settings: Settings, io_runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.io = io_runner
        #: The dataset "Check dataset" loaded, and the (source, resolution) it was loaded for.
        self.dataset: TextFaceDataset | None = None
        self.dataset_key: tuple[str, int] | None = None
        self._loaded_label = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_data())
        layout.addWidget(self._build_schedule())
        layout.addWidget(self._build_output())
        layout.addStretch(1)
        self._restore()
        self._on_preset()

    # ---- construction ---------------------------------------------------------------------------
    def _build_data(self) -> QGroupBox:
        box = QGroupBox("Data", self)
        grid = QVBoxLayout(box)
        self.source_group = QButtonGroup(self)
        row = QHBoxLayout()
        self.synthetic = QRadioButton("Synthetic faces", box)
        self.synthetic.setToolTip("Faces drawn by the built-in renderer, each with captions: no download needed")
        self.synthetic_count = QSpinBox(box)
        self.synthetic_count.setRange(16, 500_000)
        self.synthetic_count.setSingleStep(500)
        self.synthetic_count.setValue(1000)
        self.synthetic_count.setSuffix(" images")
        self.synthetic_count.setToolTip("How many synthetic faces to draw")
        row.addWidget(self.synthetic)
        row.addWidget(self.synthetic_count, 1)
        grid.addLayout(row)
        row = QHBoxLayout()
        self.folder = QRadioButton("Folder", box)
        self.folder.setToolTip("A folder of images with captions in any supported format")
        self.folder_path = QLineEdit(box)
        self.folder_path.setPlaceholderText("images and captions…")
        browse = QPushButton("Browse…", box)
        browse.clicked.connect(self._browse_data)
        row.addWidget(self.folder)
        row.addWidget(self.folder_path, 1)
        row.addWidget(browse)
        grid.addLayout(row)
        self.loaded = QRadioButton("", box)
        self.loaded.setToolTip("A dataset already in memory")
        self.loaded.hide()
        grid.addWidget(self.loaded)
        for index, button in enumerate((self.synthetic, self.folder, self.loaded)):
            self.source_group.addButton(button, index)
        self.synthetic.setChecked(True)
        row = QHBoxLayout()
        self.check_button = QPushButton("Check dataset", box)
        self.check_button.setToolTip("Load the data now and show what was found (runs in the background)")
        self.check_button.clicked.connect(self.check_dataset)
        row.addWidget(self.check_button)
        row.addStretch(1)
        grid.addLayout(row)
        self.summary = QLabel("", box)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.summary)
        self.source_group.idToggled.connect(lambda *_: self._forget_dataset())
        self.synthetic_count.valueChanged.connect(lambda *_: self._forget_dataset())
        self.folder_path.textChanged.connect(lambda *_: self._forget_dataset())
        # The data decides whether the recipe's attribute reader can run, so the summary follows it.
        self.source_group.idToggled.connect(lambda *_: self._update_summary())
        self.folder_path.textChanged.connect(lambda *_: self._update_summary())
        return box

    def _build_schedule(self) -> QGroupBox:
        box = QGroupBox("Model and schedule", self)
        form = self.schedule_form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.start_from = QComboBox(box)
        self.start_from.addItem("New networks", "")
        bundled = default_model_dir()
        if bundled is not None:
            self.start_from.addItem("The bundled model", str(bundled))
        self.start_from.addItem("A trained model…", CHOOSE_MODEL)
        self.start_from.setToolTip("Train new networks from scratch, or continue a trained model (the bundled one, "
                                   "or a model or run folder) on this data: it keeps its networks and words, and a "
                                   "new critic learns first")
        self._start_index = 0
        self._showing_model = False  # whether the schedule fields show a model's continuation
        self.start_from.activated.connect(self._on_start_chosen)
        form.addRow("Start from", self.start_from)
        self.more_images = QSpinBox(box)
        self.more_images.setRange(1_000, 50_000_000)
        self.more_images.setSingleStep(10_000)
        self.more_images.setValue(100_000)
        self.more_images.setGroupSeparatorShown(True)
        self.more_images.setSuffix(" more images")
        self.more_images.setToolTip("How much longer to train the model, at its resolution")
        self.more_images.valueChanged.connect(self._on_start)
        form.addRow("Train for", self.more_images)
        self.preset = _choice_box(box, PRESET_LABELS,
                                  "Tiny trains in minutes on a CPU; Recommended is the bundled model's recipe (its "
                                  "first 285k images, about 2 hours on 2 CPU cores; Train longer… then adds the "
                                  "rest, as for the bundled model); Default needs a GPU for good faces")
        self.preset.currentIndexChanged.connect(self._on_preset)
        form.addRow("Preset", self.preset)
        self.size = _choice_box(box, SIZE_LABELS, "Width of the networks")
        form.addRow("Networks", self.size)
        self.resolution = QComboBox(box)
        for res in RESOLUTIONS:
            self.resolution.addItem(f"{res}×{res}", res)
        self.resolution.setToolTip("Final image size; training grows from 4×4 up to it, one stage per size")
        self.resolution.currentIndexChanged.connect(self._on_resolution)
        form.addRow("Resolution", self.resolution)
        self.stage_images = QLineEdit(box)
        self.stage_images.setToolTip("Images shown at each resolution, 4×4 first (one number applies to all)")
        form.addRow("Stage lengths", self.stage_images)
        self.batch_sizes = QLineEdit(box)
        self.batch_sizes.setToolTip("Batch size at each resolution (one number applies to all)")
        form.addRow("Batch sizes", self.batch_sizes)
        self.lr = QDoubleSpinBox(box)
        self.lr.setDecimals(5)
        self.lr.setRange(0.00001, 0.1)
        self.lr.setSingleStep(0.0001)
        self.lr.setToolTip("Adam learning rate of both networks")
        form.addRow("Learning rate", self.lr)
        self.fade = QDoubleSpinBox(box)
        self.fade.setRange(0, 100)
        self.fade.setDecimals(0)
        self.fade.setSuffix(" %")
        self.fade.setToolTip("Share of each stage spent fading the new, larger layers in (α from 0 to 1)")
        form.addRow("Fade-in", self.fade)
        self.sample_every = QSpinBox(box)
        self.sample_every.setRange(1, 1_000_000)
        self.sample_every.setSuffix(" steps")
        self.sample_every.setToolTip("How often a sample grid is saved (each one is a frame of the time-lapse)")
        form.addRow("Samples every", self.sample_every)
        self.checkpoint_every = QSpinBox(box)
        self.checkpoint_every.setRange(1, 1_000_000)
        self.checkpoint_every.setSuffix(" steps")
        self.checkpoint_every.setToolTip("How often a checkpoint and the usable model/ are written")
        form.addRow("Checkpoint every", self.checkpoint_every)
        self.device = QComboBox(box)
        for name in device_choices():
            self.device.addItem("Auto" if name == "auto" else name.upper(), name)
        self.device.setToolTip("Where to train; Auto picks CUDA, then MPS, then the CPU")
        form.addRow("Device", self.device)
        self.precision = _choice_box(box, PRECISION_LABELS,
                                     "bfloat16 mixed precision: the networks' math in bf16, weights kept in float32. "
                                     "About twice as fast on CPUs with AVX-512 BF16 or AMX; on other CPUs the run "
                                     "trains in float32")
        form.addRow("Precision", self.precision)
        self.schedule_summary = QLabel("", box)
        self.schedule_summary.setWordWrap(True)
        form.addRow("", self.schedule_summary)
        for widget in (self.stage_images, self.batch_sizes):
            widget.textChanged.connect(self._update_summary)
        for spin in (self.lr, self.fade, self.sample_every, self.checkpoint_every):
            spin.valueChanged.connect(self._update_summary)
        for combo in (self.device, self.precision):
            combo.currentIndexChanged.connect(self._update_summary)
        self.size.currentIndexChanged.connect(self._update_summary)
        self.custom_widgets = (self.size, self.resolution, self.stage_images, self.batch_sizes, self.lr, self.fade,
                               self.sample_every, self.checkpoint_every)
        #: What a model to continue decides instead of the form (its networks and its schedule).
        self.model_widgets = (self.size, self.resolution, self.stage_images, self.batch_sizes, self.fade)
        return box

    def _build_output(self) -> QGroupBox:
        box = QGroupBox("Run folder", self)
        row = QHBoxLayout(box)
        self.run_dir = QLineEdit(box)
        self.run_dir.setToolTip("Where the run writes config, metrics, samples, checkpoints and model/")
        browse = QPushButton("Browse…", box)
        browse.clicked.connect(self._browse_run)
        row.addWidget(self.run_dir, 1)
        row.addWidget(browse)
        return box

    # ---- settings -------------------------------------------------------------------------------
    def _restore(self) -> None:
        s = self.settings
        self.preset.setCurrentIndex(max(0, self.preset.findData(s.get_str("train/preset", "tiny"))))
        self.synthetic_count.setValue(s.get_int("train/synthetic_count", 1000))
        self.folder_path.setText(s.get_str("train/folder"))
        self.device.setCurrentIndex(max(0, self.device.findData(s.get_str("train/device", "auto"))))
        self.precision.setCurrentIndex(max(0, self.precision.findData(s.get_str("train/precision", "off"))))
        self.run_dir.setText(str(default_run_dir()))

    def save_settings(self) -> None:
        s = self.settings
        s.set("train/preset", self.preset.currentData())
        s.set("train/synthetic_count", self.synthetic_count.value())
        s.set("train/folder", self.folder_path.text())
        s.set("train/device", self.device.currentData())
        s.set("train/precision", self.precision.currentData())

    # ---- preset and custom fields ---------------------------------------------------------------
    def _on_preset(self) -> None:
        """Show the chosen preset's values; only Custom makes them editable."""
        from core.presets import preset

        key = self.preset.currentData()
        custom = key == "custom"
        if not custom:
            config = preset(key)
            self._show_config(config, size=key)
            # The number of synthetic faces is part of a preset's recipe (the bundled one: 20,000).
            self.synthetic_count.setValue(config.data.synthetic_count)
        elif not self.stage_images.text():  # Custom restored at start: begin from its networks' preset
            size = self.size.currentData()
            self._show_config(preset(size), size=size)
        self._on_start()

    def _on_start_chosen(self, index: int) -> None:
        """"A trained model…" asks for a folder and adds it to the list; cancelling keeps the choice."""
        if self.start_from.itemData(index) == CHOOSE_MODEL:
            start = self.start_from.itemData(self._start_index) or str(Path.home())
            folder = dialogs.open_folder(self, "Continue which model (a model or run folder)?", start)
            if not folder:
                self.start_from.setCurrentIndex(self._start_index)
                return
            self.choose_start_model(folder)
            return
        self._start_index = index
        self._on_start()

    def choose_start_model(self, folder: str | Path) -> None:
        """Continue the model in ``folder`` (listed once, selected)."""
        folder = str(folder)
        index = self.start_from.findData(folder)
        if index < 0:
            index = self.start_from.count() - 1  # before "A trained model…"
            self.start_from.insertItem(index, Path(folder).name or folder, folder)
            self.start_from.setItemData(index, folder, Qt.ItemDataRole.ToolTipRole)
        self.start_from.setCurrentIndex(index)
        self._start_index = index
        self._on_start()

    def start_model(self) -> Path | None:
        """The model folder the run continues, or None for new networks."""
        data = self.start_from.currentData()
        return Path(data) if data and data != CHOOSE_MODEL else None

    def _on_start(self) -> None:
        """New networks: the preset's fields as they are. A model: its networks and the schedule that
        continues it, shown (not editable), and how much longer to train it."""
        custom = self.preset.currentData() == "custom"
        from_model = self.start_model() is not None
        for widget in self.custom_widgets:
            widget.setEnabled(custom and not (from_model and widget in self.model_widgets))
        self.more_images.setEnabled(from_model)
        # A model's earlier stages are history (and its growth over): their lengths mean nothing here.
        for widget in (self.stage_images, self.fade):
            self.schedule_form.setRowVisible(widget, not from_model)
        if from_model:
            try:
                self._show_config(build_config(self.form()), size=self.size.currentData())
            except ValueError:
                pass  # the summary below says what is wrong
        elif self._showing_model:  # back to new networks: the preset's own schedule again
            from core.presets import preset

            size = self.size.currentData() if custom else self.preset.currentData()
            try:
                self._show_config(preset(size, self.resolution.currentData() if custom else None), size=size)
            except ValueError:
                self._show_config(preset(size), size=size)
        self._showing_model = from_model
        self._update_summary()

    def _show_config(self, config: RunConfig, size: str) -> None:
        widgets = (self.size, self.resolution, self.stage_images, self.batch_sizes, self.lr, self.fade,
                   self.sample_every, self.checkpoint_every)
        for widget in widgets:
            widget.blockSignals(True)
        self.size.setCurrentIndex(max(0, self.size.findData(size)))
        self.resolution.setCurrentIndex(max(0, self.resolution.findData(config.model.resolution)))
        self.stage_images.setText(format_int_list(config.train.stage_images))
        self.batch_sizes.setText(format_int_list(config.train.batch_sizes))
        self.lr.setValue(config.train.lr)
        self.fade.setValue(100 * config.train.fade_fraction)
        self.sample_every.setValue(config.train.sample_every)
        self.checkpoint_every.setValue(config.train.checkpoint_every)
        for widget in widgets:
            widget.blockSignals(False)

    def _on_resolution(self) -> None:
        """A new resolution changes the number of stages: repeat the first value for each."""
        stages = stages_for(self.resolution.currentData())
        for edit in (self.stage_images, self.batch_sizes):
            first = edit.text().split(",")[0].strip() or "1000"
            edit.setText(", ".join([first] * stages))
        self._forget_dataset()
        self._update_summary()

    def _update_summary(self) -> None:
        form = self.form()
        try:
            config = build_config(form)
        except ValueError as error:
            self.schedule_summary.setText(f"⚠ {error}")
        else:
            start = start_model_card(form)
            text = describe_schedule(config, start.info if start else None)
            if reader_dropped(form):
                text += " — no attribute reader: only the synthetic faces carry the labels it learns from"
            if form.mixed_precision == "bf16" and not bf16_runs_on(form.device):
                text += " — this device has no fast bfloat16: the run will train in float32"
            self.schedule_summary.setText(text)
        self.changed.emit()

    # ---- reading the form -----------------------------------------------------------------------
    def source(self) -> str:
        """``"synthetic:N"``, a folder path, or the loaded dataset's source."""
        if self.loaded.isChecked() and self.dataset is not None:
            return self.dataset.summary.source
        if self.synthetic.isChecked():
            return synthetic_source(self.synthetic_count.value())
        return self.folder_path.text().strip()

    def form(self) -> RunForm:
        return RunForm(preset=self.preset.currentData(), size=self.size.currentData(),
                       resolution=self.resolution.currentData(), stage_images=self.stage_images.text(),
                       batch_sizes=self.batch_sizes.text(), lr=self.lr.value(), fade_percent=self.fade.value(),
                       device=self.device.currentData(), mixed_precision=self.precision.currentData(),
                       source=self.source() or "synthetic",
                       sample_every=self.sample_every.value(), checkpoint_every=self.checkpoint_every.value(),
                       start_model=str(self.start_model() or ""), more_images=self.more_images.value())

    def config(self) -> RunConfig:
        """The run config the form describes; ``ValueError`` says which field is wrong."""
        return build_config(self.form())

    def run_folder(self) -> Path:
        text = self.run_dir.text().strip()
        if not text:
            raise ValueError("Choose a run folder")
        return Path(text).expanduser()

    def new_run_folder(self) -> None:
        """Suggest a fresh folder (after a run used the current one)."""
        self.run_dir.setText(str(default_run_dir(self.run_folder().parent if self.run_dir.text() else None)))

    def ready_dataset(self, resolution: int) -> TextFaceDataset | None:
        """The checked dataset when it matches the form; None means "load it when starting"."""
        if self.loaded.isChecked():
            return self.dataset
        if self.dataset is not None and self.dataset_key == (self.source(), resolution):
            return self.dataset
        return None

    # ---- data -----------------------------------------------------------------------------------
    def use_dataset(self, dataset: TextFaceDataset, label: str | None = None) -> None:
        """Offer a dataset already in memory as the training data (and select it)."""
        self.dataset = dataset
        self.dataset_key = None
        self._loaded_label = label or f"Loaded: {dataset.summary.source}"
        self.loaded.setText(self._loaded_label)
        self.loaded.show()
        self.loaded.setChecked(True)
        self.summary.setText(dataset.summary.text())

    def _forget_dataset(self) -> None:
        if self.loaded.isChecked():
            return
        if self.dataset is not None and not self._loaded_label:
            self.dataset, self.dataset_key = None, None
        self.summary.setText("")

    def check_dataset(self) -> None:
        """Load the data in the background and show its summary."""
        if self.loaded.isChecked():
            return
        source = self.source()
        if not source:
            dialogs.warning(self, "No dataset", "Choose a folder of images, or synthetic faces.")
            return
        try:
            config = self.config()
        except ValueError as error:
            dialogs.warning(self, "Check the schedule", str(error))
            return
        resolution = config.model.resolution
        self.summary.setText(f"Loading {source}…")
        self.check_button.setEnabled(False)

        def done(dataset: TextFaceDataset) -> None:
            self.check_button.setEnabled(True)
            self._loaded_label = ""
            self.dataset, self.dataset_key = dataset, (source, resolution)
            self.summary.setText(dataset.summary.text())

        def failed(message: str) -> None:
            self.check_button.setEnabled(True)
            self.summary.setText(f"⚠ {message}")

        self.io.submit("dataset", lambda: open_source(source, resolution, config.data.cache_dir,
                                                      config.data.synthetic_seed), done, failed)

    def _browse_data(self) -> None:
        folder = dialogs.open_folder(self, "Choose a dataset folder", self.folder_path.text() or str(Path.home()))
        if folder:
            self.folder_path.setText(folder)
            self.folder.setChecked(True)

    def _browse_run(self) -> None:
        start = str(Path(self.run_dir.text()).parent) if self.run_dir.text() else str(Path.home())
        folder = dialogs.open_folder(self, "Choose a run folder", start)
        if folder:
            self.run_dir.setText(folder)

    def set_enabled_for_run(self, running: bool) -> None:
        """Lock the form while a run is going."""
        for child in self.findChildren(QGroupBox):
            child.setEnabled(not running)


def _choice_box(parent: QWidget, labels: dict[str, str], tooltip: str) -> QComboBox:
    """A combo box showing ``labels``' values, each item's data its key."""
    box = QComboBox(parent)
    for key, label in labels.items():
        box.addItem(label, key)
    box.setToolTip(tooltip)
    return box
