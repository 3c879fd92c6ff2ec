#!/usr/bin/env bash
# Builds the libFuzzer harnesses in build-fuzz/ (clang, -DHUDDLE_FUZZ=ON) and
# fuzzes each for a bounded time, starting from tests/fuzz/corpus/<name>/
# (and, for rule files, scripts/ and examples/rules/).
# Exits non-zero when any harness found a crash, a leak or a hang; what it
# found is written to tests/fuzz/crashes/<name>-* (not to be committed).
#
#   tests/fuzz/run.sh                  every harness, 30 s each
#   tests/fuzz/run.sh -t 300 rules     one harness, five minutes
#   tests/fuzz/run.sh --replay         run every corpus input once (no fuzzing)
#   tests/fuzz/run.sh --ci             for CI: --replay, then fuzz each harness
#                                      from its seeds alone, -seed=1, a fixed
#                                      number of runs (10-20 s each on two cores;
#                                      -t caps each, default 90 s) and no clock
#                                      or address in play, so that one commit
#                                      fuzzes the same inputs every time (rules:
#                                      nearly, see README.md)
#   tests/fuzz/run.sh --known          run the reproducers of known bugs in
#                                      known/<name>/; exits 0 once all pass
#
# Needs clang and libFuzzer: apt-get install clang libclang-rt-14-dev.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${HUDDLE_FUZZ_BUILD:-$root/build-fuzz}"
seconds=
mode=fuzz
names=()
while (($#)); do
	case "$1" in
	-t) seconds="$2"; shift 2 ;;
	--replay) mode=replay; shift ;;
	--ci) mode=ci; shift ;;
	--known) mode=known; shift ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) names+=("$1"); shift ;;
	esac
done
((${#names[@]})) || names=(period config template rules pattern csv)

# The harness-specific options: the longest input worth trying, and the
# dictionary of tokens that input is made of.
max_len() {
	case "$1" in
	period) echo 64 ;;
	config) echo 4096 ;;
	template) echo 1024 ;;
	rules) echo 20000 ;;
	pattern) echo 563 ;;
	csv) echo 4096 ;;
	esac
}

# The runs of each harness in --ci (seeds included): 10-20 s each on the
# two-core CI machine, where the harnesses differ a thousandfold in speed
# (a period takes microseconds; a config is written to a file and loaded,
# a pattern runs in two matchers, a rule file is a whole evaluation).
ci_runs() {
	case "$1" in
	period) echo 1200000 ;;
	config) echo 8000 ;;
	template) echo 12000 ;;
	rules) echo 2000 ;;
	pattern) echo 5000 ;;
	csv) echo 60000 ;;
	esac
}

grep -q HUDDLE_FUZZ "$root/CMakeLists.txt" || {
	echo "run.sh: the top-level CMakeLists.txt has no HUDDLE_FUZZ option yet" >&2
	exit 2
}
CC="${CC:-clang}" cmake -S "$root" -B "$build" -DHUDDLE_FUZZ=ON -DHUDDLE_TESTS=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build.cmake.log" 2>&1 ||
	{ cat "$build.cmake.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" >"$build.build.log" 2>&1 ||
	{ tail -40 "$build.build.log"; exit 1; }
rm -f "$build.cmake.log" "$build.build.log"
for name in "${names[@]}"; do
	[[ -x "$build/tests/fuzz/fuzz_$name" ]] || {
		echo "run.sh: no harness fuzz_$name (is HUDDLE_FUZZ in the top-level CMakeLists.txt, and CC clang?)" >&2
		exit 2
	}
done

# Leak reports need the whole process to end normally; hangs end at -timeout
# (the sandbox's own limits are far below it).
common=(-timeout=5 -rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1)
logs="$build/fuzz-logs"
mkdir -p "$logs" "$here/crashes"
passed=0
failed=0

if [[ $mode == known ]]; then
	for name in "${names[@]}"; do
		[[ -d "$here/known/$name" ]] || continue
		for input in "$here/known/$name"/*; do
			log="$logs/known-$name-$(basename "$input").log"
			if "$build/tests/fuzz/fuzz_$name" "${common[@]}" "$input" >"$log" 2>&1; then
				echo "fixed:   $name/$(basename "$input")"
				passed=$((passed + 1))
			else
				echo "failing: $name/$(basename "$input"): $(grep -m1 -oE 'ERROR: [^(]*' "$log" || echo 'see the log')"
				failed=$((failed + 1))
			fi
		done
	done
	echo "fuzz known: $passed passed, $failed failed"
	((failed == 0))
	exit
fi

# Runs harness $1 in mode $2: replay (each seed once), fuzz (for $seconds,
# adding what it finds to build-fuzz/fuzz-corpus/) or ci (see --ci).
run_harness() {
	local name="$1" how="$2"
	local bin="$build/tests/fuzz/fuzz_$name"
	local work="$build/fuzz-corpus/$name" # what the fuzzer adds; the seeds stay as they are
	local log="$logs/$name-$how.log"
	local scratch=
	local opts=("${common[@]}" -max_len="$(max_len "$name")" -dict="$here/$name.dict"
		-artifact_prefix="$here/crashes/$name-")
	case "$how" in
	replay)
		opts+=(-runs=0)
		echo "fuzz_$name: replaying the corpus" ;;
	fuzz)
		opts+=(-max_total_time="${seconds:-30}")
		echo "fuzz_$name: ${seconds:-30} s" ;;
	ci)
		# Repeatable: the seeds alone (not what earlier runs added), one
		# random seed, one process, a fixed number of runs, and nothing
		# that depends on the clock: no rereading of the corpus folder
		# every second, and no leak check after each input, which runs it
		# again when the process as a whole allocated more than it freed
		# (leaks are still found at exit, by LeakSanitizer).  The time is
		# only a cap for a machine far slower than planned.
		work="$build/fuzz-ci/$name"
		scratch="$build/fuzz-ci/$name.scratch" # the same name in every run
		rm -rf "$work" "$scratch"
		opts+=(-seed=1 -runs="$(ci_runs "$name")" -max_total_time="${seconds:-90}" -reload=0 -detect_leaks=0)
		echo "fuzz_$name: $(ci_runs "$name") runs from seed 1" ;;
	esac
	mkdir -p "$work"
	local seeds=("$here/corpus/$name")
	# The rule files huddle ships are seeds as they are, never copies that drift.
	[[ $name == rules ]] && seeds+=("$root/scripts" "$root/examples/rules")
	local started=$SECONDS
	if HUDDLE_FUZZ_SCRATCH="$scratch" "${launch[@]}" "$bin" "${opts[@]}" "$work" "${seeds[@]}" >"$log" 2>&1; then
		grep -E '^(#[0-9]+\s+DONE|stat::number_of_executed_units)' "$log" | tail -1 | sed 's/^/  /'
		if [[ $how == ci ]]; then
			local ran
			ran="$(grep -oE '^stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)"
			echo "  $((SECONDS - started)) s"
			((ran >= $(ci_runs "$name"))) ||
				echo "  note: the ${seconds:-90} s cap ended it after $ran runs: not the same inputs as elsewhere"
		fi
		passed=$((passed + 1))
	else
		echo "  FAILED: $(grep -m1 -oE 'ERROR: [^(]*' "$log" || echo 'see the log')"
		grep -m1 -E "Test unit written to" "$log" | sed 's/^.*written to /  input: /' || true
		echo "  log: $log"
		echo "  reproduce: $bin <input>"
		failed=$((failed + 1))
	fi
}

# Comparisons the fuzzer learns from include addresses: with them the
# same seed mutates differently in each process unless the addresses are
# the same, so --ci runs without address space randomization if it may.
launch=()
if [[ $mode == ci ]]; then
	if setarch "$(uname -m)" -R true 2>/dev/null; then
		launch=(setarch "$(uname -m)" -R)
	else
		echo "run.sh: setarch -R is not allowed here: addresses vary, and so may the inputs tried" >&2
	fi
	for name in "${names[@]}"; do
		run_harness "$name" replay
	done
	for name in "${names[@]}"; do
		run_harness "$name" ci
	done
else
	for name in "${names[@]}"; do
		run_harness "$name" "$mode"
	done
fi
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
