"""Device choice: CUDA, then Apple's MPS, then the CPU — or whatever the user asked for."""

from __future__ import annotations

import functools
import os

import torch


def usable_cpu_cores() -> int:
    """CPU cores this process may run on (its affinity where the OS says, else all of them)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@functools.cache  # the hardware does not change; the Train form asks on every edit
def cpu_has_native_bf16() -> bool:
    """Whether this CPU computes bfloat16 in hardware (AVX-512 BF16 or AMX, through oneDNN).

    Where it does, bf16 autocast roughly halves a training step's time on the CPU; where it does
    not, oneDNN emulates bf16 and autocast only slows training down.
    """
    mkldnn = getattr(torch.backends, "mkldnn", None)
    if mkldnn is None or not mkldnn.is_available():
        return False
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def autocast_dtype(setting: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype for ``mixed_precision`` on ``device``; None trains in float32.

    CUDA takes bf16 or fp16. The CPU takes bf16 where it computes it in hardware
    (:func:`cpu_has_native_bf16`); fp16, and bf16 on other CPUs, would only be slower.
    """
    if setting == "off":
        return None
    if device.type == "cuda":
        return torch.bfloat16 if setting == "bf16" else torch.float16
    if device.type == "cpu" and setting == "bf16" and cpu_has_native_bf16():
        return torch.bfloat16
    return None


def float32_fallback_reason(setting: str, device: torch.device) -> str | None:
    """Why ``mixed_precision=setting`` trains in float32 on ``device``; None when autocast runs (or was not asked)."""
    if setting == "off" or autocast_dtype(setting, device) is not None:
        return None
    if setting == "fp16":
        return f"fp16 autocast runs on CUDA only, not on {device.type}"
    if device.type == "cpu":
        return "this CPU does not compute bfloat16 in hardware (no AVX-512 BF16 or AMX)"
    return f"bf16 autocast runs on CUDA and on CPUs with hardware bfloat16, not on {device.type}"


def available_devices() -> list[str]:
    """The device names usable on this machine, best first (always ends with ``cpu``)."""
    names = [f"cuda:{i}" if torch.cuda.device_count() > 1 else "cuda" for i in range(torch.cuda.device_count())]
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        names.append("mps")
    return names + ["cpu"]


def resolve_device(name: str | torch.device = "auto") -> torch.device:
    """``"auto"`` → the best available device; other names are checked to exist here."""
    if isinstance(name, torch.device):
        return name
    name = (name or "auto").strip().lower()
    if name == "auto":
        return torch.device(available_devices()[0])
    try:
        device = torch.device(name)
    except RuntimeError:
        raise ValueError(f"unknown device {name!r}; choose auto, cpu, cuda or mps") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("CUDA was requested but no CUDA GPU is available")
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise ValueError(f"{name} requested but only {torch.cuda.device_count()} CUDA device(s) exist")
    if device.type == "mps" and name not in available_devices():
        raise ValueError("MPS was requested but is not available")
    return device


#: Environment variables that fix torch's thread count; where one is set, it wins.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "T2F_THREADS")


def training_threads(cores: int | None = None, load: float | None = None) -> int:
    """torch's intra-op threads for training on the CPU: the cores others are not using, less one.

    Why. torch's default is one thread per core, and its threads meet at a barrier after every
    operation, spinning while they wait. When another process takes a core, the thread that lost
    it holds every barrier back for a scheduler time slice: the tiny preset's step went from 219
    to 0.8 images/s with 2 threads beside 4 busy processes on 2 cores, where 1 thread still made 28
    (benchmarks/cli_under_load.py; experiments/cli-under-load.md). On an idle machine the second
    thread gained only 1.3× (169 → 219). So a core is always left spare, and the cores the load
    average says others are using: 1 thread on 2 cores, 15 on an idle 16.
    """
    cores = usable_cpu_cores() if cores is None else cores
    if load is None:
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):  # Windows has no load average
            load = 0.0
    busy = max(1, int(load + 0.5))
    return max(1, min(cores, cores - busy))


def use_training_threads() -> int:
    """Set torch's thread count to :func:`training_threads` unless ``OMP_NUM_THREADS`` (or
    ``T2F_THREADS``, which sets it) says otherwise; returns the count in use. Ranks that
    ``torchrun`` starts on one machine (``LOCAL_WORLD_SIZE``) share the cores between them."""
    for name in THREAD_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            torch.set_num_threads(int(value))
            return int(value)
    try:
        ranks = max(1, int(os.environ.get("LOCAL_WORLD_SIZE", "1")))
    except ValueError:
        ranks = 1
    threads = max(1, training_threads() // ranks)
    torch.set_num_threads(threads)
    return threads
