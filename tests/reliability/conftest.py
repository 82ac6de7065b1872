"""Helpers for driving ``t2f`` as a user would, against broken disks, files and folders.

``cli`` runs a command in this process through the real entry point and returns its exit status
and output; ``cli_process`` runs ``python -m core`` in a child process, for cases that need limits
(``RLIMIT_FSIZE`` stands in for a full disk) or could hang (each runs under a timeout).
"""

from __future__ import annotations

import dataclasses
import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_PROGRESS = re.compile(r"\d+%\|")  # a tqdm bar


@dataclasses.dataclass
class Outcome:
    code: int
    out: str
    err: str

    def one_line_error(self, *fragments: str) -> str:
        """The single error line (status 2, no traceback), checked to contain every fragment.

        Progress bars drawn before the failure are not messages and are left out.
        """
        lines = [line for line in self.err.replace("\r", "\n").splitlines()
                 if line.strip() and not _PROGRESS.search(line)]
        assert self.code == 2, f"exit status {self.code}; stderr: {self.err}"
        assert "Traceback" not in self.err, self.err
        assert len(lines) == 1, f"expected one line, got: {self.err}"
        for fragment in fragments:
            assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
        return lines[0]


@pytest.fixture
def cli(capsys, tmp_path, monkeypatch) -> Callable[..., Outcome]:
    """``cli("generate", "x", "-o", path)``: run one command in-process."""
    from core.cli.main import main

    monkeypatch.setenv("T2F_CACHE_DIR", str(tmp_path / "cache"))

    def run(*args: str | os.PathLike[str]) -> Outcome:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse errors
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.fixture
def cli_process(tmp_path) -> Callable[..., Outcome]:
    """``cli_process(*args, file_size_limit=None, timeout=60)``: run ``python -m core`` in a child."""

    def run(*args: str | os.PathLike[str], file_size_limit: int | None = None, timeout: float = 60) -> Outcome:
        env = dict(os.environ, T2F_CACHE_DIR=str(tmp_path / "cache"), PYTHONDONTWRITEBYTECODE="1")
        done = subprocess.run([sys.executable, "-m", "core", *map(str, args)], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=timeout,
                              preexec_fn=_limit_file_size(file_size_limit) if file_size_limit else None)
        return Outcome(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture(scope="session")
def model_folder(tmp_path_factory) -> Path:
    """A tiny untrained 16×16 model folder (random weights; built in well under a second)."""
    import torch

    from core.presets import preset
    from core.model.t2f import T2F
    from core.text.tokenizer import Tokenizer

    words = ["red", "green", "blue", "yellow", "square", "stripe", "man", "woman", "smiling", "beard"]
    captions = [f"a {a} {b} {c}" for a in words for b in words for c in words[:3]]
    tokenizer = Tokenizer.train(captions)
    config = dataclasses.replace(preset("tiny", 16).model, vocab_size=tokenizer.vocab_size)
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("model") / "tiny"
    T2F(config, tokenizer).save(folder)
    return folder


@pytest.fixture
def model_copy(model_folder, tmp_path) -> Path:
    """A copy of the tiny model that a test may break."""
    import shutil

    return Path(shutil.copytree(model_folder, tmp_path / "model"))


def requires_root(what: str):
    return pytest.mark.skipif(os.geteuid() != 0, reason=f"{what} needs root")
