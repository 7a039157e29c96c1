# The two commands of the Quick start, and a few more. Each installs what is
# missing (scripts/install-deps.sh), configures with a CMake preset and builds.
PRESET ?= release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD := build/$(PRESET)

.PHONY: all deps build run test bench install clean

all: build

deps:
	@scripts/install-deps.sh $(PRESET)

build: deps
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	scripts/run-example.sh $(BUILD)/launch/partita

test: build
	ctest --preset $(PRESET) -j $(JOBS)

bench: build
	cmake --build --preset $(PRESET) --target bench-pi

# make install PREFIX=/opt/partita
install: build
	cmake --install $(BUILD) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf build pi.out
