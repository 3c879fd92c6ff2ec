/* main.c - huddle COMMAND [options]: find the command, run it, and turn
 * its error into one message and the exit status of SPEC section 3. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "plugin.h"

/* In the order of a manager's day: data in, scorecards out, looking back and
 * ahead (history, compare, backtest), rules, delivery. */
static const hd_command *const commands[] = { &hd_cmd_init,  &hd_cmd_demo,  &hd_cmd_import,
					       &hd_cmd_eval,  &hd_cmd_explain, &hd_cmd_history, &hd_cmd_compare,
					       &hd_cmd_backtest, &hd_cmd_check, &hd_cmd_test,  &hd_cmd_notify,
					       &hd_cmd_plugins };
#define NCOMMANDS (int)(sizeof commands / sizeof commands[0])

static void overview(FILE *out)
{
	fputs("usage: huddle COMMAND [options]\n\n"
	      "Sales-team scorecards from rules managers can read, test and change.\n\n"
	      "commands:\n",
	      out);
	for (int i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nEvery command takes --config FILE and --db FILE.\n"
	      "'huddle help COMMAND' or 'huddle COMMAND --help' shows a command's options.\n",
	      out);
}

static const hd_command *find(const char *name)
{
	for (int i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	/* Number formatting and collation must not follow the user's locale. */
	setlocale(LC_ALL, "C");
	if (argc < 2) {
		overview(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
		if (argc > 2 && strcmp(name, "help") == 0) {
			const hd_command *c = find(argv[2]);
			if (!c) {
				fprintf(stderr, "huddle: no command '%s'; 'huddle help' lists them\n", argv[2]);
				return 2;
			}
			fputs(c->usage, stdout);
			return 0;
		}
		overview(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("huddle %s\n", HUDDLE_VERSION);
		return 0;
	}
	const hd_command *c = find(name);
	if (!c) {
		fprintf(stderr, "huddle: no command '%s'; 'huddle help' lists them\n", name);
		return 2;
	}
	hd_err err = { 0, "" };
	int rc = c->run(argc - 1, argv + 1, &err);
	hd_plugins_unload();
	if (rc < 0 && err.msg[0])
		fprintf(stderr, "huddle %s: %s\n", c->name, err.msg);
	return rc < 0 ? -rc : 0;
}
