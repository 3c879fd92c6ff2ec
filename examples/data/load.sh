#!/bin/sh
# load.sh: a new huddle database from a folder of CSV files, with huddle import.
#
#   examples/data/load.sh team.db                 # this example data set
#   examples/data/load.sh team.db ~/exports       # your own CSV files
#   HUDDLE=build/huddle examples/data/load.sh team.db   # huddle not on the PATH
#
# One CSV file per table, named after it (teams.csv, reps.csv, deals.csv, ...),
# its first line naming the table's columns in any order (see this folder's
# files, and core/schema.sql). An empty cell is NULL, or the column's default.
# Tables without a file stay empty.
#
# The files are imported parents first, the order `huddle import --help`
# lists, so that every id a row refers to is there already. Each import is all
# or nothing for its file; so that the whole load is too, the database is
# built under a temporary name next to DATABASE and renamed only once every
# file is in. A bad row stops the load with its file and line, and leaves no
# DATABASE behind. DATABASE must not exist yet: to add files to a database
# you have, run `huddle import` yourself.
set -eu

usage() {
	echo "usage: $0 DATABASE [CSV_FOLDER]" >&2
	exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
db=$1
dir=${2:-$(dirname "$0")}
# huddle from $HUDDLE, else from the PATH, else the one built in this source
# tree (build/huddle; an alias is invisible to scripts).
huddle=${HUDDLE:-huddle}
if [ -z "${HUDDLE:-}" ] && ! command -v huddle >/dev/null 2>&1 &&
	[ -x "$(dirname "$0")/../../build/huddle" ]; then
	huddle=$(dirname "$0")/../../build/huddle
fi
command -v "$huddle" >/dev/null 2>&1 || {
	echo "$0: cannot run '$huddle'; put huddle on your PATH or set HUDDLE=path/to/huddle" >&2
	exit 4
}
[ -d "$dir" ] || {
	echo "$0: $dir: no such folder" >&2
	exit 2
}
[ ! -e "$db" ] || {
	echo "$0: $db exists already; name a new file, or add to it with 'huddle import --db $db TABLE FILE'" >&2
	exit 2
}

tables="teams reps quotas team_targets deals activities trainings training_attendance
        insights insight_uses assists cross_dept assessments strengths action_plans
        checkins coaching_sessions client_metrics"

# A file meant for a table that has another name would be left out unseen.
for f in "$dir"/*.csv; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .csv)
	case " $(echo $tables) " in
	*" $name "*) ;;
	*) echo "$0: warning: $f: no table '$name'; left out" >&2 ;;
	esac
done

tmp=$db.loading.$$
trap 'rm -f "$tmp" "$tmp-wal" "$tmp-shm"' EXIT
trap 'exit 130' INT TERM
"$huddle" init --db "$tmp" >/dev/null
loaded=0
for t in $tables; do
	csv=$dir/$t.csv
	[ -f "$csv" ] || continue
	"$huddle" import --db "$tmp" "$t" "$csv" || {
		rc=$?
		echo "$0: nothing loaded: fix the row named above and run again" >&2
		exit $rc
	}
	loaded=$((loaded + 1))
done
if [ "$loaded" -eq 0 ]; then
	echo "$0: no CSV file named after a table in $dir" >&2
	exit 2
fi
mv "$tmp" "$db"
[ "$loaded" -eq 1 ] && files=file || files=files
echo "loaded $loaded $files into $db"
