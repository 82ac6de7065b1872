"""One full training iteration (critic step with gradient penalty, then generator step): ours vs pro-gan-pth.

Usage::

    python -m benchmarks.train_step [--quick] [--threads N] [--device cuda]

Contestants, all at 64×64 (depth 4) with fade-in α = 0.5, batch 32, latent size 128:

* **ours, GP every step** — ``Trainer.train_step`` with ``gp_every=1``: both LSTM text encoders,
  conditioning augmentation, the projection critic with its mismatched-caption term, drift, the
  gradient penalty, Adam and the EMA update. Widths (256, 256, 128, 64, 32). The like-for-like row.
* **pro-gan-pth 3.4** — its ``Generator``/``Discriminator`` (equalized lr, pixel norm, minibatch
  std) with ``WganGP`` (drift 0.001, penalty every step) at the same widths (``networks.nf`` pointed
  at ours), driven exactly like its ``ProGAN.optimize_discriminator``, ``update_average`` and
  ``ProGAN.optimize_generator`` (copied here because ``gan.py`` imports torchvision/tensorboard).
  Its discriminator's final 4×4 convolution outputs ``widths[0]`` features, like ours.
* **ours, no GP** — the same trainer with ``gp_weight=0`` (a plain iteration); with it, the
  default ``gp_every=4`` schedule is reported as (1 GP step + 3 plain steps) / 4.
* **ours, bundled widths** — ``configs/bundled.json``'s widths, GP and plain steps likewise, and
  its own ``gp_every`` schedule derived the same way.

On a CUDA device (``--device cuda``) each timed call runs ten iterations between two
``torch.cuda.synchronize()`` calls. There, and on a CPU with hardware bfloat16 (AVX-512 BF16 or
AMX), three more contestants run: ours with and without the penalty under bf16 autocast
(``mixed_precision="bf16"``, the trainer's own autocast), and pro-gan-pth under the same
``torch.autocast`` (it has no mixed-precision mode of its own).

On the CPU two more step in a child process that keeps freed memory (``core.training.memory``, which
``Trainer.train`` turns on for a CPU run): ours with the penalty and pro-gan-pth, so the table shows
ours as ``t2f train`` runs it, and what the same allocator setting gives pro-gan-pth. The setting is
process-wide and cannot be undone, hence the child; everything else runs under glibc's defaults.

The contestants run in one process (those two excepted), interleaved (A B C D A B C D …) after a
warm-up round, so a change in machine load hits all of them alike. Each iteration's time includes fetching the real
batch from an in-memory dataset. Reported: the median images/s of each and the ratio of ours to
pro-gan-pth (ratio of medians, and the median of the per-round ratios).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

from benchmarks import fixtures
from benchmarks.common import Report, Target, log, options, summary

TARGET_RATIO = 1.5
LATENT = 128  # ca_dim + noise_dim of the bundled config; checked below


@dataclass
class Contestant:
    name: str
    step: Callable[[], object]
    images: int  # images per call
    seconds: list[float] = field(default_factory=list)

    def rates(self) -> list[float]:
        return [self.images / s for s in self.seconds]


class ProGanIteration:
    """One pro-gan-pth iteration as its ``ProGAN.train`` loop runs it (D step, EMA update, G step)."""

    def __init__(self, widths: tuple[int, ...], latent: int, batch: int, dataset,  # noqa: ANN001
                 lr: float = 0.001, device: str = "cpu", autocast: torch.dtype | None = None) -> None:
        import copy

        from benchmarks.progan_shim import import_progan, self_check, use_widths

        networks, losses, custom_layers = import_progan()
        self_check(custom_layers)
        self.update_average = custom_layers.update_average
        self.depth = len(widths) + 1  # pro-gan-pth counts depth from 2 (4×4); 64×64 is depth 6
        torch.manual_seed(0)
        with use_widths(networks, widths):
            self.gen = networks.Generator(depth=self.depth, latent_size=latent, use_eql=True)
            self.dis = networks.Discriminator(depth=self.depth, latent_size=widths[0], use_eql=True)
        self.device, self.autocast = torch.device(device), autocast
        self.gen, self.dis = self.gen.to(self.device), self.dis.to(self.device)
        self.shadow = copy.deepcopy(self.gen)
        self.update_average(self.shadow, self.gen, beta=0)
        self.loss = losses.WganGP(drift=0.001)
        # pro-gan-pth passes betas=(0, 0.99); current Adam refuses an int next to a float, so the
        # same values are given as floats.
        self.gen_optim = torch.optim.Adam(self.gen.parameters(), lr=lr, betas=(0.0, 0.99), eps=1e-8)
        self.dis_optim = torch.optim.Adam(self.dis.parameters(), lr=lr, betas=(0.0, 0.99), eps=1e-8)
        self.latent, self.batch, self.dataset = latent, batch, dataset
        self.generator = torch.Generator().manual_seed(1)

    def parameters(self) -> tuple[int, int]:
        return (sum(p.numel() for p in self.gen.parameters()), sum(p.numel() for p in self.dis.parameters()))

    def _downsample(self, real: torch.Tensor, depth: int, alpha: float) -> torch.Tensor:
        """``ProGAN.progressive_downsample_batch``."""
        from torch.nn.functional import avg_pool2d, interpolate

        factor, prior = int(2 ** (self.depth - depth)), int(2 ** (self.depth - depth + 1))
        ds = avg_pool2d(real, kernel_size=factor, stride=factor)
        previous = interpolate(avg_pool2d(real, kernel_size=prior, stride=prior), scale_factor=2) if depth > 2 else ds
        return alpha * ds + (1 - alpha) * previous

    @staticmethod
    def _grad_ok(module: torch.nn.Module) -> bool:
        """``ProGAN._check_grad_ok``."""
        for param in module.parameters():
            if param.grad is not None and (torch.sum(torch.isnan(param.grad)) != 0
                                           or torch.sum(torch.isinf(param.grad)) != 0):
                return False
        return True

    def __call__(self, alpha: float = 0.5) -> tuple[float, float]:
        if self.autocast is None:
            return self._iteration(alpha)
        with torch.autocast(self.device.type, dtype=self.autocast):
            return self._iteration(alpha)

    def _iteration(self, alpha: float) -> tuple[float, float]:
        count = len(self.dataset)
        indices = torch.randint(0, count, (self.batch,), generator=self.generator).tolist()
        images = self.dataset.images(indices).to(self.device, non_blocking=True)
        noise = torch.randn(self.batch, self.latent, generator=self.generator).to(self.device)
        depth = self.depth
        # optimize_discriminator
        real = self._downsample(images, depth, alpha)
        fake = self.gen(noise, depth, alpha).detach()
        dis_loss = self.loss.dis_loss(self.dis, real, fake, depth, alpha)
        self.dis_optim.zero_grad()
        dis_loss.backward()
        if self._grad_ok(self.dis):
            self.dis_optim.step()
        self.update_average(self.shadow, self.gen, beta=0.999)
        # optimize_generator
        real = self._downsample(images, depth, alpha)
        fake = self.gen(noise, depth, alpha)
        gen_loss = self.loss.gen_loss(self.dis, real, fake, depth, alpha)
        self.gen_optim.zero_grad()
        gen_loss.backward()
        if self._grad_ok(self.gen):
            self.gen_optim.step()
        return dis_loss.item(), gen_loss.item()


#: Contestant names of the freed-memory-kept child process, and the ratio its target line reads.
KEPT_OURS = "ours, freed memory kept (as `t2f train` runs), GP every step"
KEPT_PROGAN = "pro-gan-pth 3.4, freed memory kept"
KEPT_AS_SHIPPED = "ours, freed memory kept ÷ pro-gan-pth as it ships"


def _kept_memory_server(connection, widths: tuple[int, ...], latent: int, batch: int,  # noqa: ANN001 - Connection
                        faces: int, threads: int) -> None:
    """Child process: ours and pro-gan-pth with freed memory kept, one iteration per request."""
    from core.training.memory import keep_freed_memory

    kept = keep_freed_memory()  # first: as a training run does before its first step
    torch.set_num_threads(threads)
    dataset = fixtures.faces(faces, 64)
    with tempfile.TemporaryDirectory(prefix="t2f-bench-kept-") as tmp:
        trainer, pos = fixtures.make_trainer(Path(tmp) / "gp", widths, batch, gp_every=1, dataset=dataset)
        steps: dict[str, Callable[[], object]] = {KEPT_OURS: lambda: trainer.train_step(pos)}
        try:
            steps[KEPT_PROGAN] = ProGanIteration(widths, latent, batch, dataset)
        except ImportError:
            pass
        connection.send((kept, sorted(steps)))
        while (name := connection.recv()) is not None:
            steps[name]()
            connection.send(None)


class KeptMemoryProcess:
    """Contestants whose process keeps freed memory (``core.training.memory``), as a CPU training
    run does. The setting is process-wide and cannot be undone, so they live in a child process
    that steps on request; the parent, and everything else it times, keeps glibc's defaults.
    """

    def __init__(self, widths: tuple[int, ...], latent: int, batch: int, faces: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(target=_kept_memory_server, daemon=True,
                                        args=(child_end, widths, latent, batch, faces, torch.get_num_threads()))
        self._process.start()
        self.kept, self.names = self._connection.recv()

    def step(self, name: str) -> Callable[[], object]:
        def run() -> object:
            self._connection.send(name)
            return self._connection.recv()

        return run

    def close(self) -> None:
        if self._process.is_alive():
            self._connection.send(None)
        self._process.join(timeout=30)


def interleave(contestants: Sequence[Contestant], warmup: int, min_rounds: int, max_rounds: int,
               budget_s: float) -> int:
    """Warm up, then run rounds A B C … until ``min_rounds`` are done and the budget is spent."""
    for _ in range(warmup):
        for c in contestants:
            log(f"  warm-up: {c.name}")
            c.step()
    start = time.perf_counter()
    rounds = 0
    while rounds < max_rounds:
        round_start = time.perf_counter()
        for c in contestants:
            t = time.perf_counter()
            c.step()
            c.seconds.append(time.perf_counter() - t)
        rounds += 1
        elapsed = time.perf_counter() - start
        log(f"  round {rounds}: " + ", ".join(f"{c.name} {c.images / c.seconds[-1]:.2f} img/s" for c in contestants))
        if rounds >= min_rounds and elapsed + (time.perf_counter() - round_start) > budget_s:
            break
    return rounds


def schedule_rate(gp: Contestant, plain: Contestant, every: int) -> tuple[float, list[float]]:
    """Images/s of a ``gp_every=every`` schedule: one GP step and ``every − 1`` plain steps per cycle."""
    def rate(t_gp: float, t_plain: float) -> float:
        return every * gp.images / (t_gp + (every - 1) * t_plain)

    per_round = [rate(a, b) for a, b in zip(gp.seconds, plain.seconds)]
    return rate(statistics.median(gp.seconds), statistics.median(plain.seconds)), per_round


def on_device(step: Callable[[], object], device: torch.device, iterations: int) -> Callable[[], object]:
    """``step`` run ``iterations`` times and finished on the device (CUDA work is asynchronous:
    without the synchronisations a timer would measure only the launches)."""
    if device.type != "cuda":
        return step

    def run() -> object:
        torch.cuda.synchronize(device)
        result = None
        for _ in range(iterations):
            result = step()
        torch.cuda.synchronize(device)
        return result

    return run


def mixed_precision_contestants(root: Path, widths: tuple[int, ...], batch: int, latent: int, dataset,  # noqa: ANN001
                                device: torch.device, with_progan: bool,
                                contestant: Callable[[str, Callable[[], object]], Contestant],
                                report: Report) -> list[Contestant]:
    """Ours (with and without the penalty) and pro-gan-pth under bf16 autocast; a variant whose
    first iteration fails is left out and the failure noted in the report."""
    bf_on = dict(device=str(device), mixed_precision="bf16")
    built: list[Contestant] = []

    def attempt(name: str, make: Callable[[], Callable[[], object]]) -> None:
        try:
            step = make()
            step()
            built.append(contestant(name, step))
        except Exception as error:  # noqa: BLE001 - a benchmark reports what does not run
            report.notes.append(f"{name}: failed to run ({type(error).__name__}: {error})")
            log(f"  {name} failed: {error}")

    def ours(folder: str, **values: object) -> Callable[[], object]:
        trainer, where = fixtures.make_trainer(root / folder, widths, batch, gp_every=1, dataset=dataset,
                                               **bf_on, **values)
        return lambda: trainer.train_step(where)

    attempt("ours bf16, GP every step", lambda: ours("bf-gp"))
    attempt("ours bf16, no GP", lambda: ours("bf-plain", gp_weight=0.0))
    if with_progan:
        attempt("pro-gan-pth 3.4 bf16 autocast",
                lambda: ProGanIteration(widths, latent, batch, dataset, device=str(device), autocast=torch.bfloat16))
    return built


def bf16_ratios(by_name: dict[str, Contestant]) -> list[list]:
    """Ours under bf16 autocast against ours in float32, pro-gan-pth under the same autocast, and
    pro-gan-pth as its users run it (float32: it has no mixed-precision mode of its own)."""
    bf = by_name["ours bf16, GP every step"]
    pairs = [("ours bf16 ÷ ours fp32, GP every step", by_name["ours, GP every step"])]
    if "pro-gan-pth 3.4 bf16 autocast" in by_name:
        pairs.append(("ours bf16 ÷ pro-gan-pth bf16 autocast, GP every step",
                      by_name["pro-gan-pth 3.4 bf16 autocast"]))
    if "pro-gan-pth 3.4 (WGAN-GP)" in by_name:
        pairs.append(("ours bf16 ÷ pro-gan-pth fp32 (as it ships), GP every step",
                      by_name["pro-gan-pth 3.4 (WGAN-GP)"]))
    return [[label, statistics.median(bf.rates()) / statistics.median(other.rates()),
             statistics.median([x / y for x, y in zip(bf.rates(), other.rates())])] for label, other in pairs]


def kept_memory_ratios(by_name: dict[str, Contestant]) -> list[list]:
    """What keeping freed memory gives each implementation, and ours against pro-gan-pth with it
    (like for like) and without it (as its users run it: glibc's defaults)."""
    kept = by_name[KEPT_OURS]
    pairs = [("ours, freed memory kept ÷ ours, glibc defaults", kept, by_name["ours, GP every step"])]
    theirs = by_name.get("pro-gan-pth 3.4 (WGAN-GP)")
    theirs_kept = by_name.get(KEPT_PROGAN)
    if theirs_kept is not None and theirs is not None:
        pairs.append(("pro-gan-pth, freed memory kept ÷ pro-gan-pth, glibc defaults", theirs_kept, theirs))
    if theirs_kept is not None:
        pairs.append(("ours ÷ pro-gan-pth, both with freed memory kept", kept, theirs_kept))
    if theirs is not None:
        pairs.append((KEPT_AS_SHIPPED, kept, theirs))
    return [[label, statistics.median(a.rates()) / statistics.median(b.rates()),
             statistics.median([x / y for x, y in zip(a.rates(), b.rates())])] for label, a, b in pairs]


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda}, torch {torch.__version__})"
    return f"CPU, torch {torch.__version__}"


def _device_option(parser) -> None:  # noqa: ANN001 - argparse.ArgumentParser
    parser.add_argument("--device", default="cpu",
                        help="cpu (default) or cuda[:N]; on CUDA and on CPUs with hardware bfloat16, "
                             "bf16-autocast contestants are added")
    parser.add_argument("--batch", type=int, default=None, help="batch size (default 32; 4 with --quick)")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds of interleaved rounds after the warm-up (default 75; 8 with --quick)")
    parser.add_argument("--compile", action="store_true",
                        help="add ours with TrainConfig.compile='on' (its compile time is reported apart)")


def main(argv: Sequence[str] | None = None) -> int:
    args = options(__doc__.splitlines()[0], argv, extra=_device_option)
    from core.devices import resolve_device

    device = resolve_device(args.device)
    gpu = device.type == "cuda"
    iterations = 10 if gpu else 1  # per timed call
    quick = args.quick
    batch = args.batch or (4 if quick else 32)
    title = f"Training iteration: ours vs pro-gan-pth 3.4 (64×64, α = 0.5, batch {batch})"
    name = ("train_step_cuda" if gpu else "train_step") + (f"_b{batch}" if args.batch else "")
    report = Report(name, title + (f" on {device_name(device)}" if gpu else ""), quick, module="train_step")
    widths = fixtures.COMPARISON_WIDTHS
    bundled = fixtures.bundled_run_config()
    bundled_widths = tuple(bundled.model.channels)
    bundled_every = int(getattr(bundled.train, "gp_every", 4))
    latent = bundled.model.ca_dim + bundled.model.noise_dim
    if latent != LATENT:
        report.notes.append(f"bundled latent size is {latent} (expected {LATENT}); pro-gan-pth uses {latent}")
    if len(bundled_widths) != len(widths):
        report.notes.append(f"bundled config is not 64×64 ({bundled_widths}); its row runs at its own resolution")

    log(f"rendering faces and building trainers (batch {batch}) …")
    dataset = fixtures.faces(max(64, 2 * batch) if not quick else 16, 64)
    tmp = tempfile.TemporaryDirectory(prefix="t2f-bench-train-")
    root = Path(tmp.name)
    on = dict(device=str(device))
    ours_gp, pos = fixtures.make_trainer(root / "gp", widths, batch, gp_every=1, dataset=dataset, **on)
    ours_plain, pos_plain = fixtures.make_trainer(root / "plain", widths, batch, gp_every=1, gp_weight=0.0,
                                                  dataset=dataset, **on)
    bundled_data = dataset if bundled.model.resolution == 64 else None
    b_gp, b_pos = fixtures.make_trainer(root / "b-gp", bundled_widths, batch, gp_every=1, dataset=bundled_data, **on)
    b_plain, b_pos_plain = fixtures.make_trainer(root / "b-plain", bundled_widths, batch, gp_every=1, gp_weight=0.0,
                                                 dataset=bundled_data, **on)
    params = lambda t: (sum(p.numel() for p in t.model.parameters()),  # noqa: E731
                        sum(p.numel() for p in t.discriminator.parameters()))

    def contestant(name: str, step: Callable[[], object]) -> Contestant:
        return Contestant(name, on_device(step, device, iterations), batch * iterations)

    contestants = [contestant("ours, GP every step", lambda: ours_gp.train_step(pos))]
    progan = None
    try:
        progan = ProGanIteration(widths, latent, batch, dataset, device=str(device))
        contestants.append(contestant("pro-gan-pth 3.4 (WGAN-GP)", progan))
    except ImportError as error:
        report.notes.append(str(error))
        log(f"  {error}")
    contestants += [
        contestant("ours, no GP", lambda: ours_plain.train_step(pos_plain)),
        contestant("ours bundled widths, GP every step", lambda: b_gp.train_step(b_pos)),
        contestant("ours bundled widths, no GP", lambda: b_plain.train_step(b_pos_plain)),
    ]
    from core.devices import autocast_dtype

    data_compile: dict[str, float] = {}
    if args.compile:  # compiled once here, timed apart from the steps
        try:
            compiled, pos_c = fixtures.make_trainer(root / "compiled", widths, batch, gp_every=1, dataset=dataset,
                                                    compile="on", **on)
            started = time.perf_counter()
            for _ in range(3):  # the first α compiles, the next makes α an input (core.training.kernels)
                compiled.train_step(pos_c)
            if gpu:
                torch.cuda.synchronize(device)
            seconds = time.perf_counter() - started
            report.notes.append(f"compile='on': the first three steps (compiling) took {seconds:.1f} s")
            data_compile = {"compile_seconds": seconds}
            contestants.append(contestant("ours compiled, GP every step", lambda: compiled.train_step(pos_c)))
        except Exception as error:  # noqa: BLE001 - a benchmark reports what does not run
            report.notes.append(f"compile='on' failed: {type(error).__name__}: {error}")
            log(f"  compiled contestant failed: {error}")
    if autocast_dtype("bf16", device) is not None:  # the same iterations under the trainer's bf16 autocast
        contestants += mixed_precision_contestants(root, widths, batch, latent, dataset, device, progan is not None,
                                                   contestant, report)
    kept_process = None
    if not gpu:  # a CPU run keeps freed memory (core.training.memory); a GPU's tensors are not malloc's
        log("starting the freed-memory-kept process …")
        try:
            kept_process = KeptMemoryProcess(widths, latent, batch, len(dataset))
        except (EOFError, OSError) as error:  # the child died setting up: report it, time the rest
            report.notes.append(f"freed memory kept: the child process failed ({type(error).__name__}: {error})")
        else:
            if kept_process.kept:
                contestants += [contestant(name, kept_process.step(name)) for name in (KEPT_OURS, KEPT_PROGAN)
                                if name in kept_process.names]
            else:
                report.notes.append("freed memory kept: not available here (the C library is not glibc, or "
                                    "T2F_KEEP_FREED_MEMORY=0)")
    try:
        rounds = interleave(contestants, warmup=1, min_rounds=2 if quick else 3, max_rounds=2 if quick else 8,
                            budget_s=args.budget or (8 if quick else 75))
    finally:
        if kept_process is not None:
            kept_process.close()
        tmp.cleanup()

    by_name = {c.name: c for c in contestants}
    a = by_name["ours, GP every step"]
    rows, data = [], {"batch": batch, "rounds": rounds, "widths": widths, "bundled_widths": bundled_widths,
                      "alpha": pos.alpha, "depth": pos.stage, "contestants": {}}

    def add(name: str, w: tuple[int, ...], gp: str, rate: float, per: list[float], p: tuple[int, int] | None,
            note: str = "") -> None:
        rows.append([name, "×".join(map(str, w)), gp, rate, min(per) if per else None, max(per) if per else None,
                     f"{p[0] / 1e6:.2f} / {p[1] / 1e6:.2f}" if p else "–", note])
        data["contestants"][name] = {"images_per_s_median": rate, "images_per_s_rounds": per, "parameters_g_d": p}

    for c in contestants:
        rates = c.rates()
        p = params(ours_gp) if c.name.startswith(("ours,", "ours bf16")) else None
        if c.name.startswith("ours bundled"):
            p = params(b_gp)
        if c is not a and c.name.startswith("pro-gan") and progan is not None:
            p = progan.parameters()
        w = bundled_widths if "bundled" in c.name else widths
        gp = "every step" if ("GP every" in c.name or c.name.startswith("pro-gan")) else "none"
        how = "measured, child process" if c.name in (KEPT_OURS, KEPT_PROGAN) else "measured"
        add(c.name, w, gp, statistics.median(rates), rates, p, how)
    rate4, per4 = schedule_rate(a, by_name["ours, no GP"], 4)
    add("ours, gp_every=4 (default)", widths, "every 4th", rate4, per4, params(ours_gp), "1 GP + 3 plain steps")
    rate_b, per_b = schedule_rate(by_name["ours bundled widths, GP every step"], by_name["ours bundled widths, no GP"],
                                  bundled_every)
    add(f"ours bundled widths, gp_every={bundled_every} (bundled.json)", bundled_widths, f"every {bundled_every}",
        rate_b, per_b, params(b_gp), f"1 GP + {bundled_every - 1} plain steps")
    if "ours bf16, GP every step" in by_name and "ours bf16, no GP" in by_name:
        rate_bf4, per_bf4 = schedule_rate(by_name["ours bf16, GP every step"], by_name["ours bf16, no GP"], 4)
        add("ours bf16, gp_every=4", widths, "every 4th", rate_bf4, per_bf4, params(ours_gp), "1 GP + 3 plain steps")
    report.add_table(f"Images/s per full iteration (D step + G step), batch {batch}, median of {rounds} rounds",
                     ["configuration", "widths 4→64", "penalty", "median img/s", "min", "max",
                      "params G / D (M)", "how"], rows)

    ratio = ratio_rounds = None
    if progan is not None:
        b = by_name["pro-gan-pth 3.4 (WGAN-GP)"]
        ratio = statistics.median(a.rates()) / statistics.median(b.rates())
        ratio_rounds = statistics.median([x / y for x, y in zip(a.rates(), b.rates())])
        ratio4 = rate4 / statistics.median(b.rates())
        report.add_table("Ours ÷ pro-gan-pth at equal widths", ["comparison", "ratio of medians",
                                                                 "median of per-round ratios"],
                         [["ours GP every step ÷ pro-gan-pth", ratio, ratio_rounds],
                          ["ours gp_every=4 ÷ pro-gan-pth", ratio4,
                           statistics.median([x / y for x, y in zip(per4, b.rates())])]])
        data.update(ratio_like_for_like=ratio, ratio_per_round=ratio_rounds, ratio_gp_every_4=ratio4)
    if KEPT_OURS in by_name:
        rows_kept = kept_memory_ratios(by_name)
        report.add_table("Freed memory kept (`core.training.memory`, as a CPU training run does), GP every step",
                         ["comparison", "ratio of medians", "median of per-round ratios"], rows_kept)
        data["kept_memory_ratios"] = {row[0]: row[1] for row in rows_kept}
    if "ours bf16, GP every step" in by_name:
        rows_bf = bf16_ratios(by_name)
        report.add_table(f"Mixed precision (bf16 autocast) on the {'GPU' if gpu else 'CPU'}",
                         ["comparison", "ratio of medians", "median of per-round ratios"], rows_bf)
        data["bf16_ratios"] = {row[0]: row[1] for row in rows_bf}
    if not gpu:  # the target is set for the CPU; on a GPU the ratio is reported, not judged
        report.targets.append(Target("ours ÷ pro-gan-pth images/s, equal widths, GP every step", ratio,
                                     TARGET_RATIO, "×"))
        as_run = data.get("kept_memory_ratios", {}).get(KEPT_AS_SHIPPED)
        if as_run is not None:
            report.targets.append(Target("ours as `t2f train` runs it (freed memory kept) ÷ pro-gan-pth as it ships, "
                                         "equal widths, GP every step", as_run, TARGET_RATIO, "×",
                                         note="pro-gan-pth given the same allocator setting gains too "
                                              "(see the freed-memory table)"))
        as_shipped = data.get("bf16_ratios", {}).get("ours bf16 ÷ pro-gan-pth fp32 (as it ships), GP every step")
        if as_shipped is not None:
            report.targets.append(Target("ours with bf16 autocast ÷ pro-gan-pth as it ships (fp32), GP every step",
                                         as_shipped, TARGET_RATIO, "×",
                                         note="bf16 is the mixed_precision option; pro-gan-pth given the same "
                                              "autocast gains as much (see the bf16 table)"))
    time_stats = {c.name: summary(c.seconds) for c in contestants}
    data["seconds_per_call"] = time_stats
    data["device"] = device_name(device)
    data["iterations_per_call"] = iterations
    data.update(data_compile)
    report.data = data
    report.notes += [
        f"depth {pos.stage} (64×64), α = {pos.alpha:.2f}, batch {batch}, latent {latent}, torch threads "
        f"{torch.get_num_threads()}; contestants interleaved after one warm-up round, in one process with glibc's "
        "malloc defaults except the two freed-memory-kept ones, which step in a child process; device "
        f"{device_name(device)}, {iterations} iteration(s) per timed call.",
        "Our iteration does more kinds of work (two LSTM text encoders — the critic's runs twice —, conditioning "
        "augmentation + KL, the mismatched-caption score) but slightly fewer convolution FLOPs than pro-gan-pth's, "
        "which builds the generator's graph in its critic step and computes critic weight gradients in its "
        "generator step (`python -m benchmarks.utilisation` counts both): at equal widths and a penalty every "
        "step, the two can differ by little more than their efficiency; gp_every is the lever.",
        "gp_every rows are derived from the measured GP and plain steps of the same round "
        "(cost of a cycle = 1 GP step + (N − 1) plain steps).",
    ]
    if quick:
        report.notes.append("QUICK MODE: batch 4 and 2 rounds — a smoke test; the numbers are not comparable "
                            "with the batch-32 targets.")
    report.finish(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
