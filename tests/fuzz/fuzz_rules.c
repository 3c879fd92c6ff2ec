/*
 * fuzz_rules.c - arbitrary Lua text as a rule file, loaded in the sandbox
 * and evaluated in process over a small team (fz_team_sql).
 *
 * The limits are tight (100 000 instructions, 200 ms, 16 MB, SQL 200 ms)
 * so that every input ends quickly: an input that runs for longer than
 * libFuzzer's -timeout has escaped the sandbox's clock, and one that
 * crashes or leaks has escaped the sandbox.  Rule problems and rule
 * errors are the expected outcome of most inputs.  A fresh engine per
 * input: rules define things, and nothing may carry over.
 */
#include <stdlib.h>

#include "eval.h"
#include "fuzz_support.h"

static const char cfg_text[] =
    "scripts = [ \"fuzz.lua\" ];\n"
    "sandbox = { instructions = 100000; time_ms = 200; memory_mb = 16; sql_ms = 200; };\n"
    "rules = { params = { goal = 3; label = \"gold\"; strict = true; }; };\n";

static hd_config cfg;
static sqlite3 *db;
static hd_period period;
static int as_of;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		fz_config(&cfg, cfg_text);
		db = fz_db(fz_team_sql);
		fz_period(&period, &as_of);
	}
	free(fz_write("fuzz.lua", data, size));
	hd_engine e;
	hd_err err;
	if (!hd_engine_open(&e, &cfg, db, NULL, &err) && !hd_engine_prepare(&e, &period, as_of, &err)) {
		hd_result res;
		e.in_process = 1;
		if (!hd_eval_run(&e, &res, NULL, NULL, &err)) {
			fz_read_result(&res);
			hd_result_free(&res);
		}
	}
	hd_engine_close(&e);
	return 0;
}
