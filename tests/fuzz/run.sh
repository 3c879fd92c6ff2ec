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
#   tests/fuzz/run.sh --known          run the reproducers of known bugs in
#                                      known/<name>/; exits 0 once all pass
#
# Needs clang and libFuzzer: apt-get install clang libclang-rt-14-dev.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${HUDDLE_FUZZ_BUILD:-$root/build-fuzz}"
seconds=30
mode=fuzz
names=()
while (($#)); do
	case "$1" in
	-t) seconds="$2"; shift 2 ;;
	--replay) mode=replay; shift ;;
	--known) mode=known; shift ;;
	-h|--help) sed -n '2,13p' "$0"; exit 0 ;;
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

for name in "${names[@]}"; do
	bin="$build/tests/fuzz/fuzz_$name"
	work="$build/fuzz-corpus/$name" # what the fuzzer adds; the seeds stay as they are
	log="$logs/$name.log"
	mkdir -p "$work"
	opts=("${common[@]}" -max_len="$(max_len "$name")" -dict="$here/$name.dict"
		-artifact_prefix="$here/crashes/$name-")
	if [[ $mode == replay ]]; then
		opts+=(-runs=0)
	else
		opts+=(-max_total_time="$seconds")
	fi
	echo "fuzz_$name: $([[ $mode == replay ]] && echo "replaying the corpus" || echo "${seconds} s")"
	seeds=("$here/corpus/$name")
	# The rule files huddle ships are seeds as they are, never copies that drift.
	[[ $name == rules ]] && seeds+=("$root/scripts" "$root/examples/rules")
	if "$bin" "${opts[@]}" "$work" "${seeds[@]}" >"$log" 2>&1; then
		grep -E '^(#[0-9]+\s+DONE|stat::number_of_executed_units)' "$log" | tail -1 | sed 's/^/  /'
		passed=$((passed + 1))
	else
		echo "  FAILED: $(grep -m1 -oE 'ERROR: [^(]*' "$log" || echo 'see the log')"
		grep -m1 -E "Test unit written to" "$log" | sed 's/^.*written to /  input: /' || true
		echo "  log: $log"
		echo "  reproduce: $bin <input>"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
