#!/usr/bin/env bash
# The WGSL NTT/MSM bench (bench/gpu-device.ts) on a lent GPU machine that has no Node.js, no npm and no network.
#
#   bash scripts/device-gpu.sh build   here: makes .device/ (ignored via .git/info/exclude), a self-contained payload:
#                                       node.xz (this machine's /usr/bin/node) and pkg.tar.xz (esbuild bundles of
#                                       the bench and the runtime worker, stdlib .cwl sources, webgpu's JS +
#                                       linux-x64 dawn.node, the runtime's compiled WASM modules so that no binaryen
#                                       is needed). Vulkan loader debs go to .gl/ (device README recipe).
#   bash scripts/device-gpu.sh selftest here: unpacks the payload into a scratch dir and runs it with the unpacked
#                                       node, away from node_modules, on whatever Vulkan this machine has (lavapipe).
#   bash scripts/device-gpu.sh [run]    on the device machine (carry .device and .gl): loaders, adapter report, then
#                                       the NTT and MSM sections as two timed processes; JSON + log under $OUT.
# Sizes: DEV_NTT_LOGS (none skips), DEV_MSM_LOGS, DEV_MSM_C, DEV_MSM_SEGLENS (+ DEV_MSM_SEGLEN_AT), DEV_REPS,
# DEV_E2E_MAX_LOG; per-step limits DEV_NTT_TIMEOUT, DEV_MSM_TIMEOUT (seconds). The prover with and without the GPU:
# DEV_PROVE_HASHES (64; none skips), DEV_PROVE_GPUS (MSM executors), DEV_PROVE_REPS, DEV_PROVE_TIMEOUT.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
PAY=.device

unpack() { # $1 = target dir
  local dst=$1
  mkdir -p "$dst"
  if command -v xz >/dev/null; then
    xz -dc $PAY/node.xz >"$dst/node" && tar -xJf $PAY/pkg.tar.xz -C "$dst"
  else
    python3 -c 'import lzma,shutil,sys,tarfile
with lzma.open(sys.argv[1]) as f, open(sys.argv[3] + "/node", "wb") as o: shutil.copyfileobj(f, o)
tarfile.open(sys.argv[2]).extractall(sys.argv[3])' $PAY/node.xz $PAY/pkg.tar.xz "$dst"
  fi
  chmod +x "$dst/node"
}

case "$mode" in
build)
  set -e
  stage=$(mktemp -d)
  P=$stage/pkg
  mkdir -p $P/stdlib/kernels $P/node_modules/webgpu/dist/linux-x64 $P/wasm-cache $PAY
  (cd stdlib && find . -name '*.cwl' -exec cp --parents {} $P/stdlib/ \;)
  # binaryen (104 MiB) is not shipped: the device runs only WGSL and reads the runtime's WASM modules from
  # the cache built below, so any import of it is replaced by a stub that fails loudly if anything calls it.
  cat >$stage/binaryen-stub.mjs <<'EOF'
const fail = () => { throw new Error("binaryen is not in the device payload (only the WGSL backend runs there)"); };
const stub = new Proxy(fail, { get: (_t, k) => (k === "then" ? undefined : stub), apply: fail, construct: fail });
export default stub;
EOF
  banner="import { createRequire as __cwlCreateRequire } from 'node:module'; const require = __cwlCreateRequire(import.meta.url);"
  # KERNEL_SOURCE_DIR is the bundle's own folder and REPO_ROOT two above it: the bundle sits at stdlib/kernels/.
  npx esbuild bench/gpu-device.ts --bundle --platform=node --format=esm --target=node20 --external:webgpu \
    --alias:binaryen=$stage/binaryen-stub.mjs --banner:js="$banner" --outfile=$P/stdlib/kernels/bench.mjs --log-level=warning
  # runtime/pool's worker, and the task modules it loads (plain node: each as <name>.mjs beside the worker).
  for src in runtime/pool/worker.ts runtime/curve/tasks.ts runtime/plonk/quotient-task.ts; do
    npx esbuild $src --bundle --platform=node --format=esm --target=node20 --alias:binaryen=$stage/binaryen-stub.mjs \
      --banner:js="$banner" --outfile=$P/stdlib/kernels/$(basename $src .ts).mjs --log-level=warning
  done
  cp node_modules/webgpu/index.js node_modules/webgpu/package.json $P/node_modules/webgpu/
  cp node_modules/webgpu/dist/linux-x64/dawn.node $P/node_modules/webgpu/dist/linux-x64/
  # The runtime's WASM modules, compiled here (binaryen) at a tiny size; the cache key is the WAT text's hash.
  CWL_WASM_CACHE=$P/wasm-cache CWL_DEVICE_NTT_LOGS=12 CWL_DEVICE_MSM_LOGS=none CWL_DEVICE_REPS=1 \
    node --import tsx -e 'import("./runtime/curve/index.ts").then(async (c) => { const f = await import("./runtime/field/index.ts");
      const v = f.FieldVec.fromBigints(f.BN254_FR, Array.from({ length: 4096 }, (_, i) => BigInt(i)));
      await c.nttParallel(v, { threads: 2 }); c.ntt(v);
      const g = c.G1.generator; await c.msmG1(Array(4096).fill(g), Array.from({ length: 4096 }, (_, i) => BigInt(i + 1)), { threads: 2 });
      process.exit(0); })'
  ls $P/wasm-cache
  tar -cf - -C $P . | xz -6 -T2 >$PAY/pkg.tar.xz
  [ -s $PAY/node.xz ] && [ $PAY/node.xz -nt /usr/bin/node ] || xz -9 -T2 -c /usr/bin/node >$PAY/node.xz
  if ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
    mkdir -p .gl /tmp/amd64/partial
    o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    apt-get $o update >/dev/null && (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  fi
  rm -rf "$stage"
  du -ch $PAY/* .gl/* | tail -1
  ;;
selftest)
  dst=$(mktemp -d)
  unpack "$dst"
  (cd / && CWL_WASM_CACHE=$dst/wasm-cache CWL_DEVICE_NTT_LOGS=${DEV_NTT_LOGS:-10,12} CWL_DEVICE_MSM_LOGS=${DEV_MSM_LOGS:-8,11} \
    CWL_DEVICE_MSM_C=${DEV_MSM_C:-8} CWL_DEVICE_REPS=${DEV_REPS:-2} CWL_DEVICE_E2E_MAX_LOG=11 NODE_PATH= \
    CWL_DEVICE_MSM_SEGLENS=${DEV_MSM_SEGLENS:-2} CWL_DEVICE_MSM_SEGLEN_AT=${DEV_MSM_SEGLEN_AT:-8} \
    "$dst/node" "$dst/stdlib/kernels/bench.mjs")
  rc=$?
  rm -rf "$dst"
  exit $rc
  ;;
run)
  OUT=${OUT:-/tmp/device-out}
  mkdir -p "$OUT"
  exec > >(tee -a "$OUT/device.log") 2>&1
  t0=$(date +%s)
  step() { echo "== [$(($(date +%s) - t0)) s] $*"; }
  step "loaders"
  # DEV_SKIP_LOADERS=1: a dry run of this mode on a machine that has its own (never dpkg -x into a dev box's /).
  if [ -z "${DEV_SKIP_LOADERS:-}" ]; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  ldconfig -p | grep -E 'libvulkan|libEGL_nvidia|libGLX_nvidia' | head
  for j in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$j" ]; then
      export VK_DRIVER_FILES=$j
      export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
      echo "VK_DRIVER_FILES=$j"
      cat "$j"
      break
    fi
  done
  step "adapter"
  nvidia-smi -L
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv
  command -v vulkaninfo >/dev/null && timeout 30 vulkaninfo --summary 2>&1 | head -40 || echo "vulkaninfo: not installed"
  nproc
  step "unpack"
  W=/tmp/cw
  unpack $W || { echo "unpack failed"; exit 3; }
  $W/node --version
  common() {
    cd / && CWL_WASM_CACHE=$W/wasm-cache CWL_DEVICE_MSM_C=${DEV_MSM_C:-8,10,12} CWL_DEVICE_REPS=${DEV_REPS:-5} \
      CWL_DEVICE_E2E_MAX_LOG=${DEV_E2E_MAX_LOG:-20} CWL_DEVICE_MSM_SEGLENS=${DEV_MSM_SEGLENS:-2,8,16} \
      CWL_DEVICE_MSM_SEGLEN_AT=${DEV_MSM_SEGLEN_AT:-18} CWL_DEVICE_STOP_MS=60000 "$@"
  }
  if [ "${DEV_NTT_LOGS:-}" != none ]; then
    step "ntt"
    (common env CWL_DEVICE_NTT_LOGS=${DEV_NTT_LOGS:-16,20,22,24} CWL_DEVICE_MSM_LOGS=none CWL_DEVICE_OUT=$OUT/ntt.json \
      timeout ${DEV_NTT_TIMEOUT:-120} $W/node $W/stdlib/kernels/bench.mjs)
    echo "ntt rc=$?"
  fi
  step "msm"
  (common env CWL_DEVICE_NTT_LOGS=none CWL_DEVICE_MSM_LOGS=${DEV_MSM_LOGS:-16,18,20} CWL_DEVICE_OUT=$OUT/msm.json \
    timeout ${DEV_MSM_TIMEOUT:-200} $W/node $W/stdlib/kernels/bench.mjs)
  echo "msm rc=$?"
  if [ "${DEV_PROVE_HASHES:-64}" != none ]; then
    step "prove"
    (common env CWL_DEVICE_NTT_LOGS=none CWL_DEVICE_MSM_LOGS=none CWL_DEVICE_PROVE_HASHES=${DEV_PROVE_HASHES:-64} \
      CWL_DEVICE_PROVE_GPUS=${DEV_PROVE_GPUS:-1} CWL_DEVICE_REPS=${DEV_PROVE_REPS:-2} CWL_DEVICE_OUT=$OUT/prove.json \
      timeout ${DEV_PROVE_TIMEOUT:-240} $W/node $W/stdlib/kernels/bench.mjs)
    echo "prove rc=$?"
  fi
  step "end"
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,temperature.gpu --format=csv
  sleep 1 # let tee flush the log
  ;;
*)
  echo "usage: $0 [build|selftest|run]" >&2
  exit 2
  ;;
esac
