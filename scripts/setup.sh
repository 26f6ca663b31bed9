#!/usr/bin/env bash
# setup.sh - install everything llmbench needs on a fresh Debian 12 machine.
#
# 1. Debian -dev packages (apt-get), only those missing.
# 2. llama.cpp, pinned: the npm package node-llama-cpp@3.22.1 carries llama.cpp
#    release v0.5.0 as a git bundle; we verify release name and commit.
# 3. A CMake build of libllama + ggml and the peer tools (llama-bench,
#    llama-perplexity, llama-quantize, llama-server), cached outside the clone
#    under ${XDG_CACHE_HOME:-~/.cache}/llmbench/, keyed by version and flags, so a
#    fresh clone on the same machine reuses it. A second run with nothing to do
#    takes seconds.
# 4. Links deps/llama.cpp (source) and deps/llama-build (build tree) in the clone.
# 5. The dashboard's npm packages, pinned: uplot (charts, compiled into the
#    binary by the build) and playwright-core (drives Debian's chromium in the
#    browser test), installed once under the cache and linked as deps/web-npm.
#
# GGML_RPC=ON gives a second device on any machine: ggml-rpc-server on loopback
# (tests/e2e/rpc_devices.sh, bench/rpc.sh).
#
# Environment: LLMBENCH_CUDA=1 forces a CUDA build, LLMBENCH_CUDA=0 forbids it;
# unset, CUDA is used when nvidia-smi sees a GPU and nvcc exists.
set -euo pipefail

NPM_PKG="node-llama-cpp@3.22.1"
LLAMA_RELEASE="v0.5.0"
LLAMA_COMMIT="de3ff815ea7d559ee917f063901b8986f038abc6"
WEB_NPM_PKGS="uplot@1.6.32 playwright-core@1.65.1"
APT_PKGS="chromium build-essential cmake git pkg-config libjansson-dev libsqlite3-dev libyaml-dev sqlite3 libcmocka-dev libcurl4-openssl-dev libmicrohttpd-dev libhwloc-dev libssl-dev python3 python3-jsonschema python3-git python3-tabulate python3-aiohttp python3-hypercorn clang-format likwid libopenblas-dev"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/llmbench"
jobs="${LLMBENCH_JOBS:-$(nproc 2>/dev/null || echo 2)}"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- 1. Debian packages ------------------------------------------------------
missing=""
# npm: Debian's package, unless a Node.js with npm is already there (nodesource
# ships npm inside its nodejs package, which conflicts with Debian's npm).
command -v npm >/dev/null 2>&1 || missing=" npm"
for p in $APT_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    say "installing Debian packages:$missing"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq || die "apt-get update failed"
    # shellcheck disable=SC2086
    $sudo_cmd apt-get install -y -qq $missing >/dev/null || die "apt-get install failed for:$missing"
fi

# --- 2. pinned llama.cpp source ----------------------------------------------
cuda=0
case "${LLMBENCH_CUDA:-}" in
    1) cuda=1 ;;
    0) cuda=0 ;;
    *) if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 \
            && { command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ]; }; then cuda=1; fi ;;
esac
flags="-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DGGML_NATIVE=ON -DGGML_RPC=ON -DGGML_CUDA=$([ $cuda = 1 ] && echo ON || echo OFF)"
[ $cuda = 1 ] && [ -x /usr/local/cuda/bin/nvcc ] && ! command -v nvcc >/dev/null && export PATH="/usr/local/cuda/bin:$PATH"
key="$(printf '%s %s %s' "$LLAMA_RELEASE" "$LLAMA_COMMIT" "$flags" | sha256sum | cut -c1-12)"
src="$cache/llama.cpp-$LLAMA_RELEASE-src"
bld="$cache/llama.cpp-$LLAMA_RELEASE-build-$key"
mkdir -p "$cache"

if [ ! -f "$src/.llmbench-verified" ]; then
    say "fetching $NPM_PKG (llama.cpp $LLAMA_RELEASE)"
    tmp="$(mktemp -d "$cache/fetch.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "$NPM_PKG" >/dev/null) || die "npm pack $NPM_PKG failed"
    tar -xzf "$tmp"/node-llama-cpp-*.tgz -C "$tmp" package/llama/gitRelease.bundle package/llama/binariesGithubRelease.json \
        || die "$NPM_PKG has no llama/gitRelease.bundle"
    rel="$(sed -n 's/.*"release"[^"]*"\([^"]*\)".*/\1/p' "$tmp/package/llama/binariesGithubRelease.json")"
    [ "$rel" = "$LLAMA_RELEASE" ] || die "expected llama.cpp release $LLAMA_RELEASE in $NPM_PKG, found '$rel'"
    rm -rf "$src"
    git clone -q "$tmp/package/llama/gitRelease.bundle" "$src" 2>/dev/null || die "cannot clone the llama.cpp bundle"
    head="$(git -C "$src" rev-parse HEAD)"
    [ "$head" = "$LLAMA_COMMIT" ] || die "llama.cpp bundle is at $head, expected $LLAMA_COMMIT"
    echo "$LLAMA_RELEASE $LLAMA_COMMIT" > "$src/.llmbench-verified"
    rm -rf "$tmp"; trap - EXIT
fi
head="$(git -C "$src" rev-parse HEAD)"
[ "$head" = "$LLAMA_COMMIT" ] || die "cached llama.cpp at $src is $head, expected $LLAMA_COMMIT (delete $src)"

# --- 3. build (cached) ---------------------------------------------------------
targets="llama ggml llama-bench llama-perplexity llama-quantize llama-server ggml-rpc-server"
if [ ! -f "$bld/.llmbench-built" ]; then
    say "building llama.cpp $LLAMA_RELEASE in $bld (cuda=$cuda; takes ~7 min on 2 cores, once)"
    # shellcheck disable=SC2086
    cmake -S "$src" -B "$bld" $flags >"$cache/cmake-$key.log" 2>&1 || die "cmake configure failed, see $cache/cmake-$key.log"
    # shellcheck disable=SC2086
    cmake --build "$bld" -j "$jobs" --target $targets >>"$cache/cmake-$key.log" 2>&1 || die "llama.cpp build failed, see $cache/cmake-$key.log"
    printf '%s\n' "$flags" > "$bld/.llmbench-built"
fi
for t in llama-bench llama-perplexity llama-quantize llama-server ggml-rpc-server; do
    [ -x "$bld/bin/$t" ] || die "missing $bld/bin/$t (delete $bld and rerun)"
done

# --- 3b. the same llama.cpp with the BLAS backend on Debian's OpenBLAS (cached) --
# A second CPU backend to compare: build/llmbench-blas and this build's llama-bench
# (bench/blas.sh). Only the libraries and llama-bench: the rest is the same code.
blas_flags="$flags -DGGML_BLAS=ON -DGGML_BLAS_VENDOR=OpenBLAS"
blas_key="$(printf '%s %s %s' "$LLAMA_RELEASE" "$LLAMA_COMMIT" "$blas_flags" | sha256sum | cut -c1-12)"
blas_bld="$cache/llama.cpp-$LLAMA_RELEASE-build-$blas_key"
if [ ! -f "$blas_bld/.llmbench-built" ]; then
    say "building llama.cpp $LLAMA_RELEASE with OpenBLAS in $blas_bld (takes ~5 min on 2 cores, once)"
    # shellcheck disable=SC2086
    cmake -S "$src" -B "$blas_bld" $blas_flags >"$cache/cmake-$blas_key.log" 2>&1 || die "cmake configure (BLAS) failed, see $cache/cmake-$blas_key.log"
    cmake --build "$blas_bld" -j "$jobs" --target llama ggml llama-common llama-bench >>"$cache/cmake-$blas_key.log" 2>&1 \
        || die "llama.cpp build (BLAS) failed, see $cache/cmake-$blas_key.log"
    printf '%s\n' "$blas_flags" > "$blas_bld/.llmbench-built"
fi
[ -e "$blas_bld/bin/libggml-blas.so" ] || die "missing $blas_bld/bin/libggml-blas.so (delete $blas_bld and rerun)"

# --- 4. links in the clone -----------------------------------------------------
mkdir -p "$root/deps"
ln -sfn "$src" "$root/deps/llama.cpp"
ln -sfn "$bld" "$root/deps/llama-build"
ln -sfn "$blas_bld" "$root/deps/llama-build-blas"
say "llama.cpp $LLAMA_RELEASE ($(echo "$LLAMA_COMMIT" | cut -c1-8)) ready: deps/llama.cpp, deps/llama-build (cuda=$cuda)"

# --- 5. the dashboard's npm packages (pinned) --------------------------------------
webkey="$(printf '%s' "$WEB_NPM_PKGS" | sha256sum | cut -c1-12)"
web="$cache/web-npm-$webkey"
if [ ! -f "$web/.llmbench-installed" ]; then
    say "installing $WEB_NPM_PKGS (npm) in $web"
    rm -rf "$web"
    mkdir -p "$web"
    # shellcheck disable=SC2086
    (cd "$web" && npm install --silent --no-audit --no-fund --ignore-scripts --prefix . $WEB_NPM_PKGS >/dev/null) \
        || die "npm install $WEB_NPM_PKGS failed"
    [ -f "$web/node_modules/uplot/dist/uPlot.iife.min.js" ] || die "uplot has no dist/uPlot.iife.min.js"
    printf '%s\n' "$WEB_NPM_PKGS" > "$web/.llmbench-installed"
fi
ln -sfn "$web" "$root/deps/web-npm"
say "dashboard packages ready: deps/web-npm ($WEB_NPM_PKGS)"
