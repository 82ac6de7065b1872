#!/usr/bin/env bash
# Everything one borrowed CUDA machine is asked to do, in one call of at most 9 minutes (the lease is
# short and a new machine starts bare). Run from the repository root there:
#
#   OUT=DIR bash scripts/gpu_lease.sh
#
#   1. the machine: GPU, driver, torch, cores;
#   2. benchmarks (BENCH=skip leaves them out; none starts after BENCH_S=200 s): benchmarks.train_step
#      --device cuda at batch 32 and 256, benchmarks.utilisation --device cuda at both (images/s, the
#      fraction of the measured fp32 and bf16 matmul peaks), then train_step with a compiled contestant
#      (its compile time apart); pro-gan-pth 3.4 joins if .lease/site holds it (no downloads there);
#   3. scripts/gpu_run.py: draws the synthetic faces on every core but one into GPU memory, trains
#      until the deadline — continuing FROM_MODEL (default: the shipped model; FROM_MODEL=none trains
#      the PRESET from scratch) at batch BATCH with the square-root lr rule, bf16, sync-free steps —
#      then exports the model to OUT/model and `t2f evaluate`'s report to OUT/evaluation.json;
#   4. OUT keeps small files only: the model folder, reports, metrics, logs (no checkpoints).
#
# Settings (environment): OUT, BUDGET_S (total wall time, default 540), DEVICE (cuda), BATCH (256),
# FACES (20000), FROM_MODEL, PRESET (bundled), PRECISION (bf16), BENCH (run|skip), EVAL_N (200),
# TINY=1 (the dry run: tiny preset, a few steps, quick benchmarks). A CPU dry run, as CI runs it:
#
#   OUT=/tmp/dry DEVICE=cpu TINY=1 BENCH=skip BUDGET_S=40 bash scripts/gpu_lease.sh
#
# Nothing here changes the card's settings.
set -u
OUT=${OUT:-/tmp/lease-out}
TOTAL=${BUDGET_S:-540}
DEVICE=${DEVICE:-cuda}
BATCH=${BATCH:-256}
FACES=${FACES:-20000}
FROM_MODEL=${FROM_MODEL:-resources/models/default}
PRESET=${PRESET:-bundled}
PRECISION=${PRECISION:-bf16}
BENCH=${BENCH:-run}
EVAL_N=${EVAL_N:-200}
TINY=${TINY:-0}
PY=${PY:-python3}
mkdir -p "$OUT/bench"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD:$PWD/.lease/site:${PYTHONPATH:-}"
t0=$(date +%s)
elapsed() { echo $(( $(date +%s) - t0 )); }
say() { echo "[$(elapsed) s] $*" | tee -a "$OUT/lease.log"; }

say "1. the machine"
{
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv 2>/dev/null || echo "no nvidia-smi"
  $PY -c "import torch, sys; print(sys.version.split()[0], torch.__version__, torch.version.cuda, torch.cuda.is_available() and torch.cuda.get_device_name())"
  echo "CPU cores: $(nproc)"
} 2>&1 | tee "$OUT/machine.txt"

QUICK=""
[ "$TINY" = 1 ] && QUICK="--quick"
# Each benchmark writes its own JSON as it ends; none starts after BENCH_S seconds (training needs the rest).
BENCH_S=${BENCH_S:-200}
bench() {  # bench SECONDS NAME ARGS…: one benchmark under a timeout, if the benchmark phase has time left
  local limit=$1 name=$2; shift 2
  if [ "$(elapsed)" -ge "$BENCH_S" ]; then say "skipped $name (benchmark time is up)"; return; fi
  timeout "$limit" $PY -m "$@" --device "$DEVICE" $QUICK --out "$OUT/bench" > "$OUT/bench/$name.txt" 2>&1 \
    || say "$name failed or timed out (see bench/$name.txt)"
}
if [ "$BENCH" != skip ]; then
  say "2. benchmarks"
  bench 70 train_step_b32 benchmarks.train_step --batch 32 --budget 20
  bench 70 train_step_b256 benchmarks.train_step --batch 256 --budget 15
  bench 40 utilisation_b32 benchmarks.utilisation --batch 32
  bench 40 utilisation_b256 benchmarks.utilisation --batch 256
  bench 90 train_step_compiled benchmarks.train_step --batch 32 --budget 5 --compile  # compile time apart
  grep -h "img/s\|utilisation\|peak\|compil" "$OUT"/bench/*.txt | grep -v "round\|warm-up" | head -60
fi

say "3. training"
EVAL_S=$(( TINY == 1 ? 20 : 120 ))
left=$(( TOTAL - $(elapsed) - EVAL_S - (TINY == 1 ? 5 : 20) ))
RUN=${RUN:-/tmp/lease-run}
rm -rf "$RUN"
ARGS=(--seconds "$left" --out "$OUT" --device "$DEVICE" --precision "$PRECISION" --batch "$BATCH"
      --faces "$FACES" --eval-n "$EVAL_N" --eval-timeout "$EVAL_S" --preset "$PRESET")
if [ "$FROM_MODEL" != none ] && ! $PY -c "import sys; from core.model.t2f import T2F; T2F.load(sys.argv[1], device='cpu')" \
    "$FROM_MODEL" > "$OUT/from_model.txt" 2>&1; then
  say "$FROM_MODEL does not load here (see from_model.txt: its word vectors' package?): training $PRESET from scratch"
  FROM_MODEL=none
fi
[ "$FROM_MODEL" != none ] && ARGS+=(--from-model "$FROM_MODEL")
[ "$TINY" = 1 ] && ARGS+=(--tiny)
if [ "$left" -gt 5 ]; then
  $PY scripts/gpu_run.py "$RUN" "${ARGS[@]}" 2>&1 | tail -n 60 | tee "$OUT/train.txt"
  status=${PIPESTATUS[0]}
else
  say "no time left to train"; status=1
fi

say "4. what comes back"
find "$OUT" -type f -size +40M -delete  # small files only
du -sh "$OUT"; ls -R "$OUT" | head -40
say "done (training and evaluation exit status $status)"
exit "$status"
