#!/bin/sh
# The performance benchmark of SPEC section 10 (see README.md beside this file).
# Builds Release, generates demo databases, measures huddle eval against the
# sqlite3 floor and the naive per-rep way, prints a table and writes
# RESULTS.md.  Settings come from the environment:
#   SIZES       reps per database        (default "10000 100000 1000000")
#   BENCH_DATA  where databases are kept (default BUILD/data)
#   RUNS        timed runs per command   (default 5)
#   RUNS_LARGE  the same at 1M reps and more (default RUNS, or 3)
#   SAMPLE      reps and teams timed the naive way (default 200)
#   BUILD       the Release build folder (default build-bench)
set -eu
PY=$(command -v /usr/bin/python3 || command -v python3)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build-bench}
SIZES=${SIZES:-10000 100000 1000000}
BENCH_DATA=${BENCH_DATA:-$BUILD/data}
SAMPLE=${SAMPLE:-200}
HUDDLE=$ROOT/$BUILD/huddle
OUT=$ROOT/tests/bench/RESULTS.md

for tool in hyperfine sqlite3 python3 /usr/bin/time cmake; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done

echo "bench: building Release into $BUILD" >&2
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DHUDDLE_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 -- -s --no-print-directory >/dev/null
mkdir -p "$BENCH_DATA"
BENCH_DATA=$(cd "$BENCH_DATA" && pwd)

# The data is regenerated only when the generator, the schema or the
# version changed.
STAMP=$( (cat core/demo*.c core/demo_int.h core/schema.sql; "$HUDDLE" --version) |
	sha256sum | cut -d' ' -f1)

# wall seconds and peak RSS in MB from a /usr/bin/time -v report
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
	for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
# median seconds of a hyperfine --export-json file
median() { "$PY" -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"; }

# Rules per kind of subject, from the loaded rule set: a rule call is one
# score, recognition or coaching rule evaluated for one rep or team.
LIST=$("$HUDDLE" check --list)
REP_RULES=$(echo "$LIST" | awk '($1=="score"||$1=="recognize"||$1=="coach") && $2=="rep"' | wc -l)
TEAM_RULES=$(echo "$LIST" | awk '($1=="score"||$1=="recognize"||$1=="coach") && $2=="team"' | wc -l)

ROWS=""
for N in $SIZES; do
	DB=$BENCH_DATA/demo-$N.db
	W=$BENCH_DATA/run-$N
	mkdir -p "$W"
	if [ ! -f "$DB" ] || [ "$(cat "$DB.stamp" 2>/dev/null)" != "$STAMP" ]; then
		echo "bench: generating $N reps" >&2
		rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.stamp"
		/usr/bin/time -v -o "$BENCH_DATA/demo-$N.time" \
			"$HUDDLE" demo --db "$DB" --reps "$N" --end 2026-Q3 --seed 1 >&2
		echo "$STAMP" >"$DB.stamp"
	fi
	DEMO_S=$(wall "$BENCH_DATA/demo-$N.time")
	R=${RUNS:-5}
	[ "$N" -lt 1000000 ] || R=${RUNS_LARGE:-${RUNS:-3}}
	EVAL="$HUDDLE eval --db $DB --period 2026-Q3 --no-save"

	echo "bench: $N reps: tracing the metric SQL" >&2
	rm -f "$W/floor.sql"
	HUDDLE_SQL_TRACE=$W/floor.sql $EVAL --format json --output /dev/null
	# Subjects from the database, not by loading eval.json: at a million
	# reps the document is 6 GB.
	NREPS=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM reps WHERE active = 1")
	NTEAMS=$(sqlite3 -readonly "$DB" "SELECT count(DISTINCT team_id) FROM reps WHERE active = 1")
	CALLS=$((NREPS * REP_RULES + NTEAMS * TEAM_RULES))

	echo "bench: $N reps: timing ($R runs each)" >&2
	hyperfine -N --style none --warmup 1 --runs "$R" --export-json "$W/eval-json.json" \
		"$EVAL --format json --output /dev/null" >&2
	hyperfine -N --style none --warmup 1 --runs "$R" --export-json "$W/eval-table.json" \
		"$EVAL --format table --output /dev/null" >&2
	# One worker: what a single core does (the default uses every core).
	HUDDLE_WORKERS=1 hyperfine -N --style none --warmup 1 --runs "$R" --export-json "$W/eval-one.json" \
		"$EVAL --format json --output /dev/null" >&2
	hyperfine --style none --warmup 1 --runs "$R" --export-json "$W/floor.json" \
		"sqlite3 -readonly $DB < $W/floor.sql > /dev/null" >&2
	/usr/bin/time -v -o "$W/eval.time" $EVAL --format json --output /dev/null
	EVAL_S=$(median "$W/eval-json.json")
	TABLE_S=$(median "$W/eval-table.json")
	ONE_S=$(median "$W/eval-one.json")
	FLOOR_S=$(median "$W/floor.json")
	PEAK=$(rss "$W/eval.time")

	echo "bench: $N reps: rule calls (51 trivial rules against 1)" >&2
	# Score rules that read one metric already computed, 51 of them against
	# 1: the difference is 50 rule calls per rep, each called through the
	# sandbox, its component sent to the host and ranked.  --team keeps the
	# report to one team, so writing it does not count.  One worker: the
	# target is per core.
	for K in 1 51; do
		mkdir -p "$W/calls$K"
		{
			echo 'metric "won" { doc = "won amount", sql = [[SELECT rep_id, sum(amount) FROM deals'
			echo "  WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]] }"
			for i in $(seq "$K"); do
				echo "score \"s$i\" { weight = 1, doc = \"trivial\", fn = function(rep, m) return m.won and 0.5 or 0 end }"
			done
		} >"$W/calls$K/r.lua"
		printf 'scripts = [ "%s" ];\n' "$W/calls$K" >"$W/calls$K.cfg"
	done
	TEAM=$(sqlite3 -readonly "$DB" "SELECT t.name FROM teams t WHERE EXISTS (SELECT 1 FROM reps r
		WHERE r.team_id = t.id AND r.active = 1) ORDER BY t.id LIMIT 1")
	for K in 1 51; do
		HUDDLE_WORKERS=1 hyperfine -N --style none --warmup 1 --runs "$R" --export-json "$W/calls$K.json" \
			"$HUDDLE eval --config $W/calls$K.cfg --db $DB --period 2026-Q3 --no-save --team '$TEAM' --format json --output /dev/null" >&2
	done
	CPS=$("$PY" -c 'import sys; n, a, b = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print("%.2f M" % (50 * n / (b - a) / 1e6) if b > a else "n/a")' "$N" "$(median "$W/calls1.json")" "$(median "$W/calls51.json")")

	echo "bench: $N reps: the naive way on $SAMPLE reps and teams" >&2
	NV=$("$PY" tests/bench/naive.py "$W/floor.sql" "$DB" "$SAMPLE" "$W")
	hyperfine --style none --warmup 1 --runs "$(( R < 3 ? R : 3 ))" --export-json "$W/naive-rep.json" \
		"sqlite3 -readonly $DB < $W/naive-rep.sql > /dev/null" >&2
	hyperfine --style none --warmup 1 --runs "$(( R < 3 ? R : 3 ))" --export-json "$W/naive-team.json" \
		"sqlite3 -readonly $DB < $W/naive-team.sql > /dev/null" >&2
	NAIVE_S=$("$PY" -c 'import json,sys; n = json.loads(sys.argv[1])
print("%.2f" % (float(sys.argv[2]) * n["reps"] / n["rep_sample"] +
                float(sys.argv[3]) * n["teams"] / n["team_sample"]))' \
		"$NV" "$(median "$W/naive-rep.json")" "$(median "$W/naive-team.json")")

	ROWS="$ROWS$("$PY" -c 'import sys
n, ev, tb, one, fl, nv, calls, peak, demo, trivial = sys.argv[1:]
ev, tb, one, fl, nv, calls = float(ev), float(tb), float(one), float(fl), float(nv), int(calls)
cps = "%.2f M" % (calls / (one - fl) / 1e6) if one > fl else "n/a"
print("| %s | %.3f | %.3f | %.3f | %.3f | %.2f | %.0f | %s | %s | %s | %s |" % (
    format(int(n), ","), ev, tb, one, fl, ev / fl, nv / ev, cps, trivial, peak, demo))' \
		"$N" "$EVAL_S" "$TABLE_S" "$ONE_S" "$FLOOR_S" "$NAIVE_S" "$CALLS" "$PEAK" "$DEMO_S" "$CPS")
"
done

HEAD="| reps | eval json (s) | eval table (s) | eval json, 1 worker (s) | floor (s) | eval/floor | naive/eval | default rule calls/s (lower bound) | trivial rule calls/s | peak RSS (MB) | demo (s) |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
TABLE="$HEAD
$(printf '%s' "$ROWS")"
echo "$TABLE"

{
	echo "# Benchmark results"
	echo
	echo "Produced by \`make bench\` (tests/bench/run.sh; see tests/bench/README.md for what"
	echo "each column means and how it is measured).  Medians of ${RUNS:-5} runs$(case " $SIZES " in *" 1000000 "*) echo " (${RUNS_LARGE:-${RUNS:-3}} at 1M reps)";; esac)."
	echo
	echo "$TABLE"
	echo
	echo "## Machine"
	echo
	echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
	echo "- RAM: $(free -h | awk '/^Mem:/ { print $2 }')"
	echo "- kernel: $(uname -sr)"
	echo "- load average before and after: $LOAD0 / $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- core include scripts plugins || echo ' (with uncommitted changes)')"
	echo "- SQLite shell $(sqlite3 --version | cut -d' ' -f1), sizes: $SIZES, naive sample: $SAMPLE reps and $SAMPLE teams"
	if [ -n "${BENCH_NOTES:-}" ]; then echo; cat "$BENCH_NOTES"; fi
} >"$OUT"
echo "bench: wrote $OUT" >&2
