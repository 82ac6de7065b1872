#!/usr/bin/env bash
# Everything one borrowed CUDA machine is asked to do, in one call of at most 9 minutes (the lease is
# short and a new machine starts bare). Run from the repository root there:
#
#   OUT=DIR bash scripts/gpu_lease.sh
#
#   1. the machine: GPU, driver, torch, cores;
#   2. benchmarks (BENCH=skip leaves them out): benchmarks.train_step --device cuda at batch 32 (with a
#      compiled contestant, its compile time apart) and at batch 256, benchmarks.utilisation --device
#      cuda at both (images/s, fraction of the measured fp32 and bf16 matmul peaks); pro-gan-pth 3.4
#      joins if .lease/site holds it (the machine cannot download);
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
if [ "$BENCH" != skip ]; then
  say "2. benchmarks"
  timeout 110 $PY -m benchmarks.train_step --device "$DEVICE" --batch 32 --compile --budget 25 $QUICK \
    --out "$OUT/bench" > "$OUT/bench/train_step_b32.txt" 2>&1 || say "train_step batch 32 failed or timed out"
  timeout 80 $PY -m benchmarks.train_step --device "$DEVICE" --batch 256 --budget 20 $QUICK \
    --out "$OUT/bench" > "$OUT/bench/train_step_b256.txt" 2>&1 || say "train_step batch 256 failed or timed out"
  for b in 32 256; do
    timeout 40 $PY -m benchmarks.utilisation --device "$DEVICE" --batch $b $QUICK --out "$OUT/bench" \
      > "$OUT/bench/utilisation_b$b.txt" 2>&1 || say "utilisation batch $b failed or timed out"
  done
  grep -h "img/s\|utilisation\|peak\|compile" "$OUT"/bench/*.txt | grep -v "round" | head -40
fi

say "3. training"
EVAL_S=$(( TINY == 1 ? 20 : 120 ))
left=$(( TOTAL - $(elapsed) - EVAL_S - (TINY == 1 ? 5 : 20) ))
RUN=${RUN:-/tmp/lease-run}
rm -rf "$RUN"
ARGS=(--seconds "$left" --out "$OUT" --device "$DEVICE" --precision "$PRECISION" --batch "$BATCH"
      --faces "$FACES" --eval-n "$EVAL_N" --eval-timeout "$EVAL_S" --preset "$PRESET")
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
