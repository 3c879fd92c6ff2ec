/*
 * fuzz_config.c - huddle.cfg from arbitrary bytes: hd_config_load then
 * hd_config_free.  Errors are fine; a crash, a leak, an exit or a hang is
 * not.  Inputs with @include are fuzzed too: config.c must refuse them
 * before libconfig sees them, since libconfig 1.5 exits on `@include "."`
 * and blocks on a FIFO (SANDBOX-CHECKLIST C1, C2).
 */
#include <stdlib.h>

#include "config.h"
#include "fuzz_support.h"

/* libconfig 1.5's parser does not free the text of a string token when
 * a syntax error follows it (a file that is only `""` leaks one byte).
 * That leak is libconfig's, once per failed load; any other leak is ours. */
const char *__lsan_default_suppressions(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig_yylex\nleak:strbuf_append\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = fz_write("fuzz.cfg", data, size);
	hd_config c;
	hd_err err;
	err.msg[0] = 0;
	if (hd_config_load(&c, path, &err) && (err.code >= 0 || !err.msg[0]))
		abort(); /* a failure must say what failed */
	hd_config_free(&c);
	free(path);
	return 0;
}
