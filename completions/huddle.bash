# bash completion for huddle                                -*- shell-script -*-
#
# Installed as share/bash-completion/completions/huddle, where the
# bash-completion package loads it the first time `huddle <TAB>` is typed;
# without that package, `source` this file from ~/.bashrc.
#
# Nothing here is a copy of huddle's options: the commands come from
# `huddle help`, each command's options (and whether one takes a value) from
# `huddle COMMAND --help`, formats from `huddle plugins`, rule names from
# `huddle check --list`, run with the --config and --rules already typed.
# So a new option, command, plugin format or rule completes the day it
# exists.  The huddle asked is the one being completed (./build/huddle too).
#
# What is not completed: rep names (explain REP, --rep) and team names
# (--team).  They live in the database, which huddle finds only through the
# config; reading it at every TAB would run SQL on a file that may hold a
# million reps, and names with spaces make poor completions.  Type them.

# Runs the huddle being completed, quietly and briefly: a TAB must never
# hang on a slow plugin or a broken config.
_huddle_run()
{
	local exe=${COMP_WORDS[0]}
	[[ $exe == "~/"* ]] && exe=$HOME/${exe#"~/"}
	if type -P timeout >/dev/null; then
		timeout 5 "$exe" "$@" </dev/null 2>/dev/null
	else
		"$exe" "$@" </dev/null 2>/dev/null
	fi
}

# The command names `huddle help` lists.
_huddle_commands()
{
	_huddle_run help | awk '/^commands:/ { on = 1; next }
		on && /^  [a-z]/ { print $1; next }
		on { exit }'
}

# "OPTION<tab>VALUE" per option of a command, VALUE empty for a flag, from
# its --help on standard input: from the usage block ("[--period P]",
# "[--audience manager|team]") and from the lines that start with an option
# ("  --format F   table, json..."), the way tests/cli/helptext.py reads them.
_huddle_options()
{
	awk '
		/^usage:/ { usage = 1 }
		/^[ \t]*$/ { usage = 0 }
		usage {
			for (i = 1; i <= NF; i++) {
				w = $i
				sub(/^\[/, "", w)
				if (w !~ /^--[a-z]/)
					continue
				sub(/\]+(\.\.\.)?$/, "", w)
				v = ""
				if (i < NF && $(i + 1) !~ /^(\[|\||--)/ && $i !~ /\]/) {
					v = $(i + 1)
					sub(/\]+(\.\.\.)?$/, "", v)
					sub(/\.\.\.$/, "", v)
				}
				if (!(w in value) || value[w] == "")
					value[w] = v
				if (!(w in seen)) {
					seen[w] = 1
					order[n++] = w
				}
			}
			next
		}
		/^[ \t]+--[a-z]/ {
			w = $1
			v = ($2 ~ /^[A-Z][A-Z0-9_.|-]*$/) ? $2 : ""
			if (!(w in seen)) {
				seen[w] = 1
				order[n++] = w
				value[w] = v
			} else if (value[w] == "")
				value[w] = v
		}
		END {
			for (k = 0; k < n; k++)
				print order[k] "\t" value[order[k]]
		}'
	# Every command takes these (cli.h), whether its help says so or not.
	printf '%s\t%s\n' --config FILE --db FILE --help ''
}

# The options named ($@: --config, --rules) typed so far, with their values,
# as arguments for the huddle runs below, so that they see the rules and
# plugins the command being typed will see.
_huddle_context()
{
	local i w name
	for ((i = 2; i < ${#COMP_WORDS[@]}; i++)); do
		((i == COMP_CWORD)) && continue
		w=${COMP_WORDS[i]}
		for name; do
			if [[ $w == "$name" ]] && ((i + 1 < ${#COMP_WORDS[@]} && i + 1 != COMP_CWORD)); then
				printf '%s\n' "$w" "${COMP_WORDS[i + 1]}"
			elif [[ $w == "$name="* ]]; then
				printf '%s\n' "$w"
			fi
		done
	done
}

# Formats for eval and the like: the built-in ones and those plugins add;
# for import, the import formats plugins add.
_huddle_formats()
{
	local -a ctx
	mapfile -t ctx < <(_huddle_context --config)
	if [[ $1 == import ]]; then
		_huddle_run plugins "${ctx[@]}" | awk '$1 == "import" { print $2 }'
	else
		printf '%s\n' table json csv markdown
		_huddle_run plugins "${ctx[@]}" | awk '$1 == "format" { print $2 }'
	fi
}

# Names of rules (kind score, recognize or coach) or metrics ($1 = metric).
_huddle_rule_names()
{
	local -a ctx
	mapfile -t ctx < <(_huddle_context --config --rules)
	_huddle_run check --list "${ctx[@]}" | awk -v want="$1" '
		want == "metric" && $1 == "metric" { print $3 }
		want != "metric" && ($1 == "score" || $1 == "recognize" || $1 == "coach") { print $3 }'
}

# Periods worth offering: the current and previous quarter, month and year
# (calendar quarters; a fiscal year of the config is not read), and, once a
# year is typed, that year's quarters and months.
_huddle_periods()
{
	local cur=$1 y m q py pm pqy pq
	read -r y m < <(date '+%Y %m')
	m=$((10#$m))
	q=$(((m - 1) / 3 + 1))
	if ((q == 1)); then pqy=$((y - 1)) pq=4; else pqy=$y pq=$((q - 1)); fi
	if ((m == 1)); then py=$((y - 1)) pm=12; else py=$y pm=$((m - 1)); fi
	{
		printf '%s\n' "$y-Q$q" "$pqy-Q$pq" "$(printf '%d-%02d' "$y" "$m")" \
			"$(printf '%d-%02d' "$py" "$pm")" "$y" "$((y - 1))"
		if [[ $cur =~ ^([0-9]{4}) ]]; then
			local year=${BASH_REMATCH[1]} k
			printf '%s\n' "$year"
			for k in 1 2 3 4; do printf '%s\n' "$year-Q$k"; done
			for k in 01 02 03 04 05 06 07 08 09 10 11 12; do printf '%s\n' "$year-$k"; done
		fi
	} | awk '!seen[$0]++'
}

# Ranges for backtest: the last four quarters, to the current one and to
# the one before; after "P1..", the periods that may end it.
_huddle_ranges()
{
	local cur=$1
	if [[ $cur == *..* ]]; then
		local from=${cur%%..*}
		_huddle_periods "${cur#*..}" | sed "s/^/$from../"
		return
	fi
	local y m now k
	read -r y m < <(date '+%Y %m')
	now=$((y * 4 + (10#$m - 1) / 3)) # quarters since year 0
	for k in 0 1; do
		local to=$((now - k)) from=$((now - k - 3))
		printf '%d-Q%d..%d-Q%d\n' $((from / 4)) $((from % 4 + 1)) $((to / 4)) $((to % 4 + 1))
	done
}

# Completes the value of option $1 (its metavar $2) of command $3.
_huddle_value()
{
	local opt=$1 arg=$2 cmd=$3 cur=$4
	if [[ $arg == *'|'* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "${arg//|/ }" -- "$cur")
		return
	fi
	case $opt in
	--db | --config | --output)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	--rules)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -X '!*.lua' -- "$cur"; compgen -d -- "$cur")
		return
		;;
	--format)
		mapfile -t COMPREPLY < <(compgen -W "$(_huddle_formats "$cmd")" -- "$cur")
		return
		;;
	--filter | --rule | --policy | --trigger)
		mapfile -t COMPREPLY < <(compgen -W "$(_huddle_rule_names rule)" -- "$cur")
		return
		;;
	--metric)
		mapfile -t COMPREPLY < <(compgen -W "$(_huddle_rule_names metric)" -- "$cur")
		return
		;;
	esac
	case $arg in
	*..*) mapfile -t COMPREPLY < <(compgen -W "$(_huddle_ranges "$cur")" -- "$cur") ;;
	P | PERIOD) mapfile -t COMPREPLY < <(compgen -W "$(_huddle_periods "$cur")" -- "$cur") ;;
	QUARTER) mapfile -t COMPREPLY < <(compgen -W "$(_huddle_periods "$cur" | grep Q)" -- "$cur") ;;
	DATE) mapfile -t COMPREPLY < <(compgen -W "$(date +%F)" -- "$cur") ;;
	FILE | PATH)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	RULE) mapfile -t COMPREPLY < <(compgen -W "$(_huddle_rule_names rule)" -- "$cur") ;;
	METRIC) mapfile -t COMPREPLY < <(compgen -W "$(_huddle_rule_names metric)" -- "$cur") ;;
	*) COMPREPLY=() ;; # a number, a name, an id: nothing to offer
	esac
}

_huddle()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "--help --version" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_huddle_commands) help" -- "$cur")
		fi
		return
	fi
	local cmd=${COMP_WORDS[1]}
	if [[ $cmd == help ]]; then
		((COMP_CWORD == 2)) && mapfile -t COMPREPLY < <(compgen -W "$(_huddle_commands)" -- "$cur")
		return
	fi

	local help
	help=$(_huddle_run "$cmd" --help) && [[ -n $help ]] || return # no such command
	local -A value=()
	local opt arg
	while IFS=$'\t' read -r opt arg; do
		[[ -n $opt && -z ${value[$opt]+set} ]] && value[$opt]=$arg
	done < <(_huddle_options <<<"$help")

	# --opt=value: bash splits it at "=" (COMP_WORDBREAKS).
	if [[ $cur == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]} cur=
		[[ -n $prev && -n ${value[$prev]-} ]] && _huddle_value "$prev" "${value[$prev]-}" "$cmd" ""
		return
	fi
	if [[ $prev == = ]] && ((COMP_CWORD >= 3)); then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
		[[ -n $opt && -n ${value[$opt]-} ]] && _huddle_value "$opt" "${value[$opt]-}" "$cmd" "$cur"
		return
	fi
	if [[ $cur == --*=* ]]; then # COMP_WORDBREAKS without "="
		opt=${cur%%=*}
		[[ -n $opt && -n ${value[$opt]-} ]] || return
		_huddle_value "$opt" "${value[$opt]-}" "$cmd" "${cur#*=}"
		local i
		for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=$opt=${COMPREPLY[i]}; done
		return
	fi
	if [[ -n $prev && -n ${value[$prev]-} ]]; then
		_huddle_value "$prev" "${value[$prev]-}" "$cmd" "$cur"
		return
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "${!value[*]}" -- "$cur")
		return
	fi

	# An operand: which one, counting those before it (options and their
	# values are not operands).
	local i w operand=0
	for ((i = 2; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -* ]]; then
			[[ $w != *=* && -n ${value[$w]-} ]] && ((i++))
			continue
		fi
		[[ $w == = ]] && { ((i++)); continue; }
		((operand++))
	done
	case $cmd in
	test)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -X '!*.lua' -- "$cur"; compgen -d -- "$cur")
		;;
	import)
		if ((operand == 0)); then # the tables, as import --help lists them
			mapfile -t COMPREPLY < <(compgen -W "$(_huddle_run import --help |
				awk '/^  [a-z_]+( [a-z_]+)+$/ { print }')" -- "$cur")
		elif ((operand == 1)); then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		;;
	esac
} &&
	complete -F _huddle huddle
