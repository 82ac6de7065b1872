#!/usr/bin/env bash
# Everything one borrowed CUDA machine is asked to do, in one call (the lease is short and a new
# machine starts bare). Run from the repository root there:
#
#   OUT=DIR bash scripts/gpu_lease.sh RUN_DIR TOTAL_SECONDS
#
#   1. scripts/cuda_smoke.py: the training loop end to end on CUDA in fp32, bf16 and fp16; stops
#      the whole script at once if it fails (the traceback is what the next try needs);
#   2. benchmarks.train_step --device cuda: ours vs pro-gan-pth 3.4 on the card, fp32 and bf16;
#   3. scripts/train_until.py RUN_DIR: continue that run on the GPU until the deadline; with
#      FROM_MODEL=MODEL CONFIG=FILE and no RUN_DIR yet, the run is first started from that model
#      (t2f train --from-model: its new critic's phases run, then the deadline loop takes over);
#   4. pack the run's models, metrics, log and last checkpoint into OUT (split in 15 MB parts).
#
# pro-gan-pth is looked for in .lease/site (copy the installed package there: the machine cannot
# download). Nothing here changes the card's settings.
set -u
RUN=${1:?usage: OUT=DIR bash scripts/gpu_lease.sh RUN_DIR TOTAL_SECONDS}
TOTAL=${2:-500}
OUT=${OUT:-/tmp/lease-out}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD:$PWD/.lease/site:${PYTHONPATH:-}"
PY=${PY:-python3}
DEVICE=${DEVICE:-cuda}          # DEVICE=cpu BENCH_FLAGS=--quick: a dry run of this script on any machine
BENCH_FLAGS=${BENCH_FLAGS:-}
t0=$SECONDS
say() { echo "[$((SECONDS - t0)) s] $*"; }

{
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm --format=csv
  $PY -c "import torch, sys; print(sys.version.split()[0], torch.__version__, torch.version.cuda, torch.cuda.get_device_name())"
  echo "CPU cores: $(nproc)"
} 2>&1 | tee "$OUT/bench.txt"

say "1. CUDA smoke test"
$PY scripts/cuda_smoke.py --device "$DEVICE" 2>&1 | tee -a "$OUT/bench.txt"
grep -q "smoke FAILED (off)" "$OUT/bench.txt" && { say "full-precision smoke test failed: stopping"; exit 3; }

say "2. train_step benchmark on CUDA"
timeout 150 $PY -m benchmarks.train_step --device "$DEVICE" $BENCH_FLAGS --out /tmp/bench 2>&1 | tee -a "$OUT/bench.txt"

if [ ! -d "$RUN" ] && [ -n "${FROM_MODEL:-}" ]; then
  say "3a. starting $RUN from $FROM_MODEL under ${CONFIG:?CONFIG=FILE is needed with FROM_MODEL}"
  step=$($PY -c "import sys; from pathlib import Path; from core.model.t2f import read_model_card; print(read_model_card(Path(sys.argv[1])).info.step)" "$FROM_MODEL")
  # Stopping at the model's own step runs the new critic's phases and no generator step.
  $PY -m core train --from-model "$FROM_MODEL" --config "$CONFIG" --run-dir "$RUN" --device "$DEVICE" \
    --mixed-precision off --max-steps "$step" --quiet 2>&1 | tee "$OUT/start.txt"
fi
left=$((TOTAL - (SECONDS - t0) - 60))
say "3. continuing $RUN for $left s"
if [ "$left" -gt 30 ]; then
  $PY scripts/train_until.py "$RUN" --seconds "$left" --pack /tmp/pack --mixed-precision off 2>&1 | tee "$OUT/train.txt"
fi

say "4. packing"
mkdir -p /tmp/pack
cp -r /tmp/bench /tmp/pack/ 2>/dev/null
last=$(ls "$RUN"/checkpoints/*.safetensors 2>/dev/null | sort | tail -1)
tar -cf /tmp/lease.tar /tmp/pack "$RUN/metrics.jsonl" "$RUN/config.json" "$RUN/log.txt" "$RUN/model" \
  "$RUN/samples/captions.txt" $(ls "$RUN"/samples/*.png 2>/dev/null | sort | tail -3) ${last:+"$last"} 2>/dev/null
split -b 15m /tmp/lease.tar "$OUT/lease.tar.part-"
ls -la "$OUT"
say "done"
