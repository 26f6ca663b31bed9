# Makefile - drives scripts/setup.sh and CMake. `make setup` installs
# everything; `make test` builds and runs all tests; `make asan` runs them
# under AddressSanitizer + UndefinedBehaviorSanitizer.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all setup build test asan demo clean

all: build

setup:
	bash scripts/setup.sh

build:
	@test -e deps/llama-build/bin/libllama.so -a -e deps/llama-build-blas/bin/libggml-blas.so -a -e deps/web-npm/node_modules/uplot || bash scripts/setup.sh
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j $(JOBS)

test: build
	cd build && ctest --output-on-failure -j $(JOBS)

asan:
	@test -e deps/llama-build/bin/libllama.so -a -e deps/llama-build-blas/bin/libggml-blas.so -a -e deps/web-npm/node_modules/uplot || bash scripts/setup.sh
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLLMB_SANITIZE=ON >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf build build-asan

# The main job on the embedded default: set up, build, then the pipeline on a
# synthetic Llama-3.2-1B (written once into the data folder, then reused):
# quantization ladder, benchmark of every variant, one comparison table.
SHAPE ?= llama-3.2-1b
DEMO_FLAGS ?= -p 128 -n 32 -r 3
demo: setup build
	./build/llmbench pipeline --shape $(SHAPE) $(DEMO_FLAGS)
