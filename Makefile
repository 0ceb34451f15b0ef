# Top-level entry points. Everything real lives in meson.build; this file only chains the steps
# a fresh Debian machine needs: install dependencies, configure, build, test, demo.
BUILD ?= build
ASAN_BUILD ?= build-asan
MESON_FLAGS ?=

.PHONY: all deps build check check-asan demo bench clean install

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) $(MESON_FLAGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Every test: unit, header test, integration. Ends with the runner's summary line.
check: build
	scripts/run-tests $(BUILD)

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer (CI runs it too).
$(ASAN_BUILD)/build.ninja: | deps
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug $(MESON_FLAGS)

check-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  scripts/run-tests $(ASAN_BUILD)

# The main job: a real transfer through the daemon from a local nginx, with a progress bar.
demo: build
	scripts/demo $(BUILD)

bench: build
	bench/large-file $(BUILD)

install: build
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
