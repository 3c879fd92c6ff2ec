#!/usr/bin/env bash
# One evaluation of demo data under valgrind: no invalid read or write, no
# use of uninitialised memory, no definite leak, in the host or its worker.
# (The worker ends with _exit and never frees its Lua state on purpose; what
# it still holds then is reachable, and "possibly lost" blocks of Lua's
# interior pointers are not reported.)
# usage: tests/valgrind.sh path/to/huddle
set -euo pipefail
huddle=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$huddle" demo --db team.db --reps 40 --end 2026-Q3 >/dev/null
vg="valgrind --error-exitcode=9 --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite -q"
$vg "$huddle" eval --db team.db --period 2026-Q3 >/dev/null
$vg "$huddle" explain 1 --db team.db --period 2026-Q3 >/dev/null
echo "valgrind: eval and explain on demo data are clean"
