# Makefile - drives scripts/setup.sh and CMake. `make setup` installs
# everything; `make test` builds and runs all tests; `make asan` runs them
# under AddressSanitizer + UndefinedBehaviorSanitizer.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all setup build test asan demo clean

all: build

setup:
	bash scripts/setup.sh

build:
	@test -e deps/llama-build/bin/libllama.so || bash scripts/setup.sh
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j $(JOBS)

test: build
	cd build && ctest --output-on-failure -j $(JOBS)

asan:
	@test -e deps/llama-build/bin/libllama.so || bash scripts/setup.sh
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLLMB_SANITIZE=ON >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf build build-asan

# The main job on the embedded default: set up, build, benchmark MODEL.
MODEL ?= $(firstword $(wildcard ../shared/data/wikillama-3M.gguf ../shared/data/stories260K.gguf))
demo: build
	@test -n "$(MODEL)" || { echo "demo: name a GGUF model: make demo MODEL=path/to/model.gguf" >&2; exit 2; }
	./build/llmbench bench -m $(MODEL)
