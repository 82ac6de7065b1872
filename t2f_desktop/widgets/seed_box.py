"""Seed entry: a spin box for the full 32-bit range, a dice button and an optional lock toggle."""

from __future__ import annotations

import random

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QToolButton, QWidget

from t2f_desktop.widgets.glyphs import dice_icon, lock_icon


def max_seed() -> int:
    from core.model.t2f import MAX_SEED

    return MAX_SEED


class SeedSpinBox(QDoubleSpinBox):
    """Integers 0 … 2³²−1. QSpinBox stops at 2³¹−1; a zero-decimal double holds every seed exactly."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(0)
        self.setRange(0, max_seed())
        self.setSingleStep(1)
        self.setKeyboardTracking(False)
        self.setGroupSeparatorShown(False)
        self.setAccelerated(True)

    def seed(self) -> int:
        return int(round(self.value()))

    def set_seed(self, seed: int) -> None:
        self.setValue(float(seed))


class SeedBox(QWidget):
    """``seed`` with a dice; ``lockable`` adds the "lock seed" toggle."""

    seed_changed = Signal(object)  # int; Signal(int) would stop at 2³¹−1
    lock_toggled = Signal(bool)

    def __init__(self, lockable: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.spin = SeedSpinBox(self)
        self.spin.setToolTip("Seed of the random noise: the same seed and description always draw the same face.\n"
                             "With several faces, face k uses seed + k.")
        self.spin.valueChanged.connect(lambda _: self.seed_changed.emit(self.seed()))
        layout.addWidget(self.spin, 1)
        self.dice = QToolButton(self)
        self.dice.setIcon(dice_icon())
        self.dice.setIconSize(QSize(18, 18))
        self.dice.setToolTip("Pick a random seed")
        self.dice.clicked.connect(self.roll)
        layout.addWidget(self.dice)
        self.lock: QToolButton | None = None
        if lockable:
            self.lock = QToolButton(self)
            self.lock.setCheckable(True)
            self.lock.setIcon(lock_icon())
            self.lock.setIconSize(QSize(18, 18))
            self.lock.setToolTip("Lock seed: keep these faces while the description changes.\n"
                                 "Unlocked, every Generate draws new faces.")
            self.lock.toggled.connect(self.lock_toggled)
            layout.addWidget(self.lock)

    def seed(self) -> int:
        return self.spin.seed()

    def set_seed(self, seed: int) -> None:
        self.spin.set_seed(seed)

    def roll(self) -> int:
        """Choose and show a new random seed."""
        seed = random.randint(0, max_seed())
        self.set_seed(seed)
        return seed

    @property
    def locked(self) -> bool:
        return bool(self.lock and self.lock.isChecked())

    def set_locked(self, locked: bool) -> None:
        if self.lock is not None:
            self.lock.setChecked(locked)
