#!/bin/sh
# load.sh: load the CSV files of this folder into a huddle database.
#
#   examples/data/load.sh team.db                 # this example data set
#   examples/data/load.sh team.db ~/exports       # your own CSV files
#   HUDDLE=build/huddle examples/data/load.sh team.db   # huddle not on the PATH
#
# Until `huddle import` arrives, this is how to load your own data: one CSV
# file per table, named after the table (teams.csv, reps.csv, deals.csv, ...),
# with a header row naming the table's columns in the schema's order
# (core/schema.sql; see this folder's files). An empty cell is NULL. Tables
# without a file are left empty.
#
# It creates the database (`huddle init`) if needed, then loads the files in
# schema order with the sqlite3 shell, with foreign keys enforced, in ONE
# transaction: a bad row (an unknown rep, a malformed date, a duplicate id...)
# stops the load with the file and line, and the database is left as it was.
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

command -v sqlite3 >/dev/null 2>&1 || {
	echo "$0: needs the sqlite3 shell (Debian: apt-get install sqlite3)" >&2
	exit 4
}
command -v "$huddle" >/dev/null 2>&1 || {
	echo "$0: cannot run '$huddle'; put huddle on your PATH or set HUDDLE=path/to/huddle" >&2
	exit 4
}
[ -d "$dir" ] || {
	echo "$0: $dir: no such folder" >&2
	exit 2
}

# Parents before children, so that every foreign key points at a loaded row.
tables="teams reps quotas team_targets deals activities trainings training_attendance
        insights insight_uses assists cross_dept assessments strengths action_plans
        checkins coaching_sessions client_metrics"

"$huddle" init --db "$db" >/dev/null

# SQL text as a quoted literal: it's -> 'it''s'
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }

script=$(mktemp)
trap 'rm -f "$script"' EXIT INT TERM
{
	echo ".bail on"
	echo "PRAGMA foreign_keys = ON;"
	echo "BEGIN;"
	echo "CREATE TEMP TABLE csv_loaded (tbl TEXT PRIMARY KEY, rows INTEGER, loaded INTEGER NOT NULL DEFAULT 0,"
	echo "  CONSTRAINT \"some rows were refused (see above); nothing was loaded\""
	echo "  CHECK (rows IS NULL OR rows = loaded));"
	loaded=0
	for t in $tables; do
		csv="$dir/$t.csv"
		[ -f "$csv" ] || continue
		cols=$(sqlite3 "$db" "SELECT group_concat(name, ',') FROM pragma_table_info('$t');")
		header=$(head -n 1 "$csv" | tr -d '\r\357\273\277')
		if [ "$header" != "$cols" ]; then
			echo "$csv:1: the header must name the columns of '$t' in this order: $cols" >&2
			exit 3
		fi
		# .import inserts each row through a temporary view whose trigger
		# turns empty cells into NULL (the shell would store '' otherwise)
		# and counts the rows that went in; a row that breaks a constraint
		# is reported with its line. The shell goes on after a bad row, so
		# the file is then read a second time, into a scratch table without
		# constraints, and a count that differs stops the load.
		new=$(printf '%s' "$cols" | sed "s/\([a-z_]*\)/NULLIF(NEW.\1, '')/g")
		echo "INSERT INTO csv_loaded (tbl) VALUES ('$t');"
		echo "CREATE TEMP VIEW csv_$t AS SELECT * FROM main.$t;"
		echo "CREATE TEMP TRIGGER csv_$t INSTEAD OF INSERT ON csv_$t BEGIN"
		echo "  INSERT INTO $t ($cols) VALUES ($new);"
		echo "  UPDATE csv_loaded SET loaded = loaded + 1 WHERE tbl = '$t';"
		echo "END;"
		echo ".import --csv --skip 1 $(quote "$csv") csv_$t"
		echo "CREATE TEMP TABLE csv_rows_$t AS SELECT * FROM main.$t WHERE 0;"
		echo ".import --csv --skip 1 $(quote "$csv") csv_rows_$t"
		echo "UPDATE csv_loaded SET rows = (SELECT COUNT(*) FROM csv_rows_$t) WHERE tbl = '$t';"
		echo "SELECT printf('%-20s %6d rows', tbl, loaded) FROM csv_loaded WHERE tbl = '$t';"
		loaded=$((loaded + 1))
	done
	if [ "$loaded" -eq 0 ]; then
		echo "$0: no CSV file named after a table in $dir" >&2
		exit 2
	fi
	echo "COMMIT;"
} >"$script"

if ! sqlite3 "$db" <"$script"; then
	echo "$0: nothing loaded: fix the row named above and run again" >&2
	exit 3
fi
echo "loaded into $db"
