/*
 * broken.c - deliberately broken plugins, one per reason huddle refuses
 * a plugin.  tests/plugins/CMakeLists.txt builds this file once per
 * variant, with NAME (the descriptor's name) and one BROKEN_* macro:
 *
 *	BROKEN_MAJOR=n      the descriptor says ABI major n
 *	BROKEN_MINOR_NEWER  ABI minor one past the host's
 *	BROKEN_SHORT        a descriptor smaller than the host's
 *	BROKEN_TINY         the descriptor symbol is a 4-byte object
 *	BROKEN_NO_SYMBOL    the descriptor under another name
 *	BROKEN_BUILD        built for another Lua
 *	BROKEN_UNDEFINED    needs a symbol nobody defines (RTLD_NOW)
 *	BROKEN_INIT_FAILS   init fails with a message
 *	BROKEN_REG_FAILS    init registers a function and a metric, then fails
 *	BROKEN_TWICE        init registers one name twice
 *	BROKEN_LATE         registers from a rule call, after init
 *	(none)              a working plugin with one function, NAME.version()
 *
 * Every variant marks (marker.h) its constructor, init, fini and
 * destructor, so that a test can tell what of it ran.  VERSION is its
 * version string (the TOCTOU test builds one twice, "checked" and "evil").
 */
#include <huddle/plugin.h>

#include <lauxlib.h>

#include "marker.h"

#ifndef VERSION
#define VERSION "1.0.0"
#endif

static const huddle_api *api;
static huddle_host *host;

__attribute__((constructor)) static void loaded(void)
{
	mark(NAME, "constructor");
}

__attribute__((destructor)) static void unloaded(void)
{
	mark(NAME, "destructor");
}

__attribute__((unused)) static int l_version(lua_State *L)
{
	lua_pushstring(L, VERSION);
	return 1;
}

#ifdef BROKEN_UNDEFINED
/* Defined nowhere: linked without --no-undefined, so only dlopen notices. */
extern int huddle_test_no_such_function(void);
#endif

#ifdef BROKEN_LATE
/* huddle.late.register(): tries to add a function while rules run. */
static int l_register(lua_State *L)
{
	lua_pushinteger(L, api->add_lua(host, "sneaky", l_version, "added too late"));
	return 1;
}
#endif

__attribute__((unused)) static int metric_none(huddle_host *h, void *ud, huddle_metric_call *c)
{
	(void)ud, (void)c;
	api->fail(h, "never called");
	return -1;
}

static int init(huddle_host *h, const huddle_api *a)
{
	api = a;
	host = h;
	mark(NAME, "init");
#ifdef BROKEN_UNDEFINED
	if (huddle_test_no_such_function())
		return -1;
#endif
#if defined(BROKEN_INIT_FAILS)
	api->fail(h, "needs plugins.%s.token; add it to the config", NAME);
	return -1;
#elif defined(BROKEN_REG_FAILS)
	api->add_lua(h, "leftover", l_version, "registered before init failed");
	api->add_metric(h, "leftover_metric", HUDDLE_REP, metric_none, NULL, "registered before init failed");
	api->fail(h, "gave up after registering");
	return -1;
#elif defined(BROKEN_TWICE)
	if (api->add_lua(h, "version", l_version, "first") || api->add_lua(h, "version", l_version, "second"))
		return -1;
	return 0;
#elif defined(BROKEN_LATE)
	return api->add_lua(h, "version", l_version, "its version") ||
	       api->add_lua(h, "register", l_register, "registers huddle.late.sneaky, too late");
#else
	return api->add_lua(h, "version", l_version, "its version");
#endif
}

static void fini(huddle_host *h)
{
	(void)h;
	mark(NAME, "fini");
}

#if defined(BROKEN_MAJOR) || defined(BROKEN_MINOR_NEWER) || defined(BROKEN_SHORT) || defined(BROKEN_BUILD)
/* The descriptor as an older or foreign build of the header wrote it. */
/* clang-format off */
HUDDLE_EXPORT extern const huddle_plugin huddle_plugin_descriptor;
const huddle_plugin huddle_plugin_descriptor = {
#ifdef BROKEN_SHORT
	offsetof(huddle_plugin, init),
#else
	sizeof(huddle_plugin),
#endif
#ifdef BROKEN_MAJOR
	BROKEN_MAJOR,
#else
	HUDDLE_ABI_MAJOR,
#endif
#ifdef BROKEN_MINOR_NEWER
	HUDDLE_ABI_MINOR + 1,
#else
	HUDDLE_ABI_MINOR,
#endif
	NAME,
	VERSION,
#ifdef BROKEN_BUILD
	"lua 5.3; pointer 8; long 8; lua int long long; lua float double",
#else
	HUDDLE_PLUGIN_BUILD,
#endif
	"a deliberately broken plugin",
	init,
	fini
};
/* clang-format on */
#elif defined(BROKEN_TINY)
/* A symbol of the right name that is no descriptor at all: reading the
 * ABI fields would read past it. */
HUDDLE_EXPORT extern const uint32_t huddle_plugin_descriptor;
const uint32_t huddle_plugin_descriptor = 64;
/* init and fini are there all the same, as in a plugin that got its
 * descriptor wrong. */
static const struct {
	int (*init)(huddle_host *, const huddle_api *);
	void (*fini)(huddle_host *);
} kept __attribute__((used)) = { init, fini };
#elif defined(BROKEN_NO_SYMBOL)
/* A typo in the symbol's name: nothing named huddle_plugin_descriptor. */
HUDDLE_EXPORT extern const huddle_plugin huddle_plugin_descripter;
const huddle_plugin huddle_plugin_descripter = {sizeof(huddle_plugin),
                                                HUDDLE_ABI_MAJOR,
                                                HUDDLE_ABI_MINOR,
                                                NAME,
                                                VERSION,
                                                HUDDLE_PLUGIN_BUILD,
                                                "no descriptor",
                                                init,
                                                fini};
#else
HUDDLE_PLUGIN(NAME, VERSION, "a test plugin", init, fini);
#endif
