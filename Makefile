# A thin wrapper around CMake: the README's two commands.
#   make demo   install what is missing, build, create a demo database, print its scorecard
#   make test   install what is missing (and headless Chromium), build, run the whole test suite
# make test-sanitize runs the suite again under AddressSanitizer and UBSan.

BUILD ?= build
DB ?= demo.db
DEBS = build-essential cmake pkg-config liblua5.4-dev libsqlite3-dev libconfig-dev \
       libcurl4-openssl-dev libcmocka-dev python3 sqlite3
# Only the tests need these: the html report is rendered in headless Chromium.
TEST_DEBS = chromium fonts-liberation groff-base man-db bash-completion

.PHONY: all deps test-deps install-debs build demo test test-sanitize format clean bench

all: build

# Installs missing Debian packages when run as root; otherwise says which.
deps:
	@$(MAKE) -s --no-print-directory install-debs PKGS="$(DEBS)"

test-deps:
	@$(MAKE) -s --no-print-directory install-debs PKGS="$(TEST_DEBS)"

install-debs:
	@missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "huddle needs these Debian packages: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j2 -- -s --no-print-directory

demo: build
	rm -f $(DB) $(DB)-wal $(DB)-shm
	./$(BUILD)/huddle demo --db $(DB)
	./$(BUILD)/huddle eval --db $(DB)

test: build test-deps
	cd $(BUILD) && ctest --output-on-failure -j2

test-sanitize: deps test-deps
	cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DHUDDLE_SANITIZE=ON >/dev/null
	cmake --build $(BUILD)-asan -j2 -- -s --no-print-directory
	cd $(BUILD)-asan && ctest --output-on-failure -j2

# The performance benchmark (tests/bench/README.md): SIZES, RUNS, SAMPLE, BENCH_DATA.
bench: deps
	@$(MAKE) -s --no-print-directory install-debs PKGS="hyperfine time"
	sh tests/bench/run.sh

format:
	clang-format -i core/*.c core/*.h

clean:
	rm -rf $(BUILD) $(BUILD)-asan
