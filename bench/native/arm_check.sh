#!/usr/bin/env bash
# Proves the ARM kernels give the same answers: cross-compiles the native core and kdo_bench for
# aarch64 against the aarch64 executorch wheel from PyPI and Debian's arm64 libcrypto, then runs
# the golden-vector check under qemu-user.
# Timings under emulation mean nothing, so only --check-only runs.
#
#   bench/native/arm_check.sh MODEL.pte MODEL.manifest.json [WORK_DIR]
#
# Installs what it lacks with apt-get (it runs as root). WORK_DIR defaults to build/native-aarch64.
# ARM_CPUS names the emulated cores (qemu's -cpu), default a phone's little and big cores:
# cortex-a53 (ARMv8.0) and cortex-a76 (dot product). qemu's "max" (every optional extension)
# gives wrong int8 logits for the trained student (docs/latency.md), so it is not a default.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 MODEL.pte MODEL.manifest.json [WORK_DIR]" >&2
  exit 2
fi
model=$(realpath "$1")
manifest=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(realpath -m "${3:-$repo/build/native-aarch64}")
python=${PYTHON:-$repo/.venv/bin/python}
sysroot=/usr/aarch64-linux-gnu

# The wheel must be the same release the host exported with, or the check proves nothing.
et_version=$("$python" -c 'import executorch.version as v; print(v.__version__.split("+")[0])')

missing=()
command -v aarch64-linux-gnu-g++ >/dev/null || missing+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
command -v cmake >/dev/null || missing+=(cmake)
[[ -f /usr/include/nlohmann/json.hpp ]] || missing+=(nlohmann-json3-dev)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "arm_check: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# libcrypto for aarch64: Debian's arm64 packages, unpacked into the work directory (dpkg -x), so
# nothing of a foreign architecture gets installed on the host; apt only has to know arm64.
ssl_root=$work/openssl-arm64
if [[ ! -f $ssl_root/usr/lib/aarch64-linux-gnu/libcrypto.so ]]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
  fi
  apt-get update -qq
  mkdir -p "$work/debs" "$ssl_root"
  (cd "$work/debs" && apt-get download -qq libssl-dev:arm64 libssl3:arm64)
  for deb in "$work"/debs/libssl*_arm64.deb; do dpkg -x "$deb" "$ssl_root"; done
fi

mkdir -p "$work/wheel"
wheel=$(ls "$work"/wheel/executorch-"$et_version"-*aarch64*.whl 2>/dev/null | head -n1 || true)
if [[ -z $wheel ]]; then
  "$python" -m pip download "executorch==$et_version" --no-deps --quiet \
    --platform manylinux_2_28_aarch64 --python-version 3.11 --only-binary=:all: -d "$work/wheel"
  wheel=$(ls "$work"/wheel/executorch-"$et_version"-*aarch64*.whl | head -n1)
fi

# Only the C++ runtime part of the wheel: libraries, headers and the CMake package.
et_root=$work/executorch-$et_version
if [[ ! -f $et_root/executorch/share/cmake/executorch-config.cmake ]]; then
  "$python" - "$wheel" "$et_root" <<'EOF'
import sys, zipfile
wheel, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    z.extractall(dest, [n for n in z.namelist()
                        if n.startswith(("executorch/lib/", "executorch/include/", "executorch/share/"))])
EOF
fi

# The JSON header is architecture-free, but the host's whole /usr/include must not leak into a
# cross build, so it is offered through a directory that holds nothing else.
mkdir -p "$work/json_include"
ln -sfn /usr/include/nlohmann "$work/json_include/nlohmann"

cat >"$work/aarch64-toolchain.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH $sysroot)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
EOF

cmake -S "$repo/native" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$work/aarch64-toolchain.cmake" \
  -DEXECUTORCH_ROOT="$et_root/executorch" -DKDO_JSON_INCLUDE_DIR="$work/json_include" \
  -DOPENSSL_INCLUDE_DIR="$ssl_root/usr/include" \
  -DOPENSSL_CRYPTO_LIBRARY="$ssl_root/usr/lib/aarch64-linux-gnu/libcrypto.so" \
  -DCMAKE_CXX_FLAGS="-isystem $ssl_root/usr/include/aarch64-linux-gnu" >/dev/null
cmake --build "$work/build" -j"$(nproc)" >/dev/null

echo "arm_check: built $(aarch64-linux-gnu-readelf -h "$work/build/kdo_bench" | grep -o "AArch64")"
# An fp32 manifest carries its weights: the plain loop is checked too (int8 has no plain loop).
reference=()
grep -q '"reference_weights":\[' "$manifest" && reference=(--reference)
for cpu in ${ARM_CPUS:-cortex-a53 cortex-a76}; do
  echo "arm_check: -cpu $cpu"
  qemu-aarch64 -cpu "$cpu" -L "$sysroot" -E LD_LIBRARY_PATH="$ssl_root/usr/lib/aarch64-linux-gnu" \
    "$work/build/kdo_bench" --model "$model" --manifest "$manifest" \
    --check-only "${reference[@]}"
done
echo "arm_check: aarch64 runner agrees with the manifest's golden vectors"
