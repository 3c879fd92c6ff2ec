/*
 * plugin.c - finding, checking and loading plugins, and what they
 * register.
 *
 * A plugin is code that runs with the user's rights, so it is loaded the
 * way sshd reads authorized_keys: from a folder nobody else can write
 * (nor any folder above it, unless it is sticky like /tmp), from a file
 * of the user or root that nobody else can write, opened once with
 * O_NOFOLLOW and loaded through that very descriptor (/proc/self/fd/N),
 * so that what was checked is what runs.  RTLD_NOW finds a missing
 * symbol at load time rather than in the middle of a run; RTLD_LOCAL
 * keeps one plugin's symbols from answering for another's.
 */
#define _GNU_SOURCE 1 /* RTLD_* beyond POSIX, O_NOFOLLOW, O_DIRECTORY */

#include "plugin.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trust.h"

#define NAME_MAX_LEN 32

static hd_plugins reg;

const hd_plugins *hd_plugins_get(void)
{
	return &reg;
}

static int valid_name(const char *s)
{
	if (!s || !*s || strlen(s) > NAME_MAX_LEN || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* The folder of the huddle executable, or NULL. */
static char *exe_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	return hd_xstrdup(exe);
}

/* An existing folder's real path into out (PATH_MAX bytes); -1 when path
 * is not a folder. */
static int real_dir(const char *path, char *out)
{
	struct stat sb;
	return realpath(path, out) && !stat(out, &sb) && S_ISDIR(sb.st_mode) ? 0 : -1;
}

const char *hd_plugins_default_dir(void)
{
	static char dir[PATH_MAX];
	if (dir[0])
		return dir;
	/* Installed: the plugin folder relative to the executable's
	 * (HUDDLE_PLUGINDIR_FROM_BINDIR, "../lib/huddle/plugins" in the usual
	 * layout), so that a huddle installed under any prefix, staged in a
	 * DESTDIR or moved afterwards finds its own plugins.  Not installed:
	 * the build tree's plugins/ beside the executable.  When neither
	 * exists (nothing installed there yet), the installed folder is still
	 * the one to name. */
	char *ed = exe_dir();
	if (!ed) {
		snprintf(dir, sizeof dir, "%s", HUDDLE_INSTALL_PLUGINDIR);
		return dir;
	}
	/* A path cut short by snprintf names no folder, and so is passed over. */
	char installed[PATH_MAX], build[PATH_MAX];
	snprintf(installed, sizeof installed, "%s/%s", ed, HUDDLE_PLUGINDIR_FROM_BINDIR);
	snprintf(build, sizeof build, "%s/plugins", ed);
	free(ed);
	if (real_dir(installed, dir) && real_dir(build, dir))
		memcpy(dir, installed, sizeof dir);
	return dir;
}

/* Refusal ------------------------------------------------------------ */

/* A new entry for dir/file; the caller sets its status. */
static huddle_host *new_host(const char *dir, const char *file, const char *stem, const hd_config *cfg)
{
	huddle_host *h = hd_xcalloc(1, sizeof *h);
	h->path = hd_xmalloc(strlen(dir) + strlen(file) + 2);
	sprintf(h->path, "%s/%s", dir, file);
	h->name = hd_xstrdup(stem);
	h->stem = hd_xstrdup(stem);
	h->cfg = cfg;
	h->status = HD_PLUGIN_NOT_LOADED; /* until it is */
	h->fd = -1;
	reg.v = hd_xrealloc(reg.v, (size_t)(reg.n + 1) * sizeof *reg.v);
	reg.v[reg.n++] = h;
	return h;
}

__attribute__((format(printf, 2, 3))) static void refuse(huddle_host *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->why, sizeof h->why, fmt, ap);
	va_end(ap);
	h->status = HD_PLUGIN_REFUSED;
	hd_warn("plugin %s refused: %s: %s", h->name, h->path, h->why);
}

/* Every folder from dir up to / must be trusted; dir itself may not be
 * world-writable even when sticky.  dir is a real path. */
static int trusted_folders(const char *dir, char *why, size_t n)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", dir);
	int first = 1;
	for (;;) {
		struct stat sb;
		char reason[128];
		if (stat(p, &sb)) {
			snprintf(why, n, "cannot check the folder %.300s: %s", p, strerror(errno));
			return -1;
		}
		if (hd_trusted(&sb, !first, reason, sizeof reason)) {
			snprintf(why, n, "its folder %.300s is %s; plugins are code, so it must belong to you or root "
				 "and be writable by nobody else",
				 p, reason);
			return -1;
		}
		first = 0;
		char *slash = strrchr(p, '/');
		if (!slash || p[1] == 0)
			return 0;
		if (slash == p)
			slash[1] = 0;
		else
			*slash = 0;
	}
}

/* Checks and loading --------------------------------------------------- */

static void drop_registrations(huddle_host *h)
{
	int j = 0;
	for (int i = 0; i < reg.nregs; i++)
		if (reg.regs[i].owner != h)
			reg.regs[j++] = reg.regs[i];
	reg.nregs = j;
}

static huddle_host *loaded_named(const char *name)
{
	for (int i = 0; i < reg.n; i++)
		if (reg.v[i]->status == HD_PLUGIN_LOADED && !strcmp(reg.v[i]->name, name))
			return reg.v[i];
	return NULL;
}

static const config_setting_t *plugin_group(const hd_config *cfg, const char *name)
{
	const config_setting_t *p = config_lookup(&cfg->cfg, "plugins");
	const config_setting_t *g = p && config_setting_is_group(p) ? config_setting_get_member(p, name) : NULL;
	return g && config_setting_is_group(g) ? g : NULL;
}

static void close_fd(huddle_host *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

/* Unloads a refused plugin none of whose functions was called.  Its
 * descriptor stays open, as every descriptor dlopen was given does until
 * the process ends: the object may stay mapped after dlclose (a
 * NODELETE object, or one already loaded under another name through a
 * hard link), and the dynamic loader would take a later plugin opened as
 * the same /proc/self/fd/N for it. */
static void unload(huddle_host *h, void *dl)
{
	(void)h;
	dlclose(dl);
}

/* The size of the object the descriptor symbol names, or 0. */
static size_t symbol_size(const void *addr)
{
	Dl_info info;
	const ElfW(Sym) *sym = NULL;
	if (!dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym || ELF64_ST_TYPE(sym->st_info) != STT_OBJECT)
		return 0;
	return (size_t)sym->st_size;
}

/* Loads the plugin file `name` of folder `dir` (a real path, checked). */
static void load_one(const hd_config *cfg, int dirfd, const char *dir, const char *file, const char *stem)
{
	huddle_host *h = new_host(dir, file, stem, cfg);
	int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat sb;
	char why[256];
	if (fd < 0) {
		refuse(h, errno == ELOOP ? "a symbolic link; name the file it points to in plugins.dirs instead"
					 : "cannot open it: %s",
		       strerror(errno));
		return;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		refuse(h, "not a regular file");
		return;
	}
	if (hd_trusted(&sb, 0, why, sizeof why)) {
		close(fd);
		refuse(h, "the file is %s; plugins are code, so it must belong to you or root and be writable "
			  "by nobody else",
		       why);
		return;
	}
	char fdpath[64];
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
	void *dl = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL);
	/* The descriptor stays open (see unload). */
	h->fd = fd;
	if (!dl) {
		close_fd(h); /* nothing was loaded under its name */
		const char *e = dlerror();
		/* dlerror names /proc/self/fd/N; the message after it is the news. */
		const char *colon = e ? strstr(e, ": ") : NULL;
		refuse(h, "cannot load it: %s", colon ? colon + 2 : e ? e : "unknown error");
		return;
	}
	const huddle_plugin *d = dlsym(dl, HUDDLE_PLUGIN_SYMBOL);
	if (!d) {
		refuse(h, "it exports no %s; is it a huddle plugin built with HUDDLE_PLUGIN(...)?",
		       HUDDLE_PLUGIN_SYMBOL);
		unload(h, dl); /* nothing of it was called */
		return;
	}
	/* Nothing of the descriptor is read before the symbol is known to be
	 * an object large enough for the fields that every version has, and
	 * no field beyond the size it declares (and has) is read at all. */
	size_t have = symbol_size(d);
	if (have < HUDDLE_PLUGIN_SIZE_1_0 || d->size < HUDDLE_PLUGIN_SIZE_1_0 || d->size > have) {
		refuse(h, "its %s is not a descriptor of plugin ABI %d (%zu bytes of object, %u declared, at least "
			  "%zu needed): build it with HUDDLE_PLUGIN(...) of plugin.h",
		       HUDDLE_PLUGIN_SYMBOL, HUDDLE_ABI_MAJOR, have, have >= sizeof(uint32_t) ? d->size : 0,
		       (size_t)HUDDLE_PLUGIN_SIZE_1_0);
		unload(h, dl);
		return;
	}
	if (d->abi_major != HUDDLE_ABI_MAJOR) {
		refuse(h, "built for plugin ABI %u.%u, but this huddle has %d.%d: rebuild it against this huddle's "
			  "plugin.h",
		       d->abi_major, d->abi_minor, HUDDLE_ABI_MAJOR, HUDDLE_ABI_MINOR);
		unload(h, dl);
		return;
	}
	if (d->abi_minor > HUDDLE_ABI_MINOR) {
		refuse(h, "built for plugin ABI %u.%u, newer than this huddle's %d.%d: upgrade huddle, or rebuild "
			  "the plugin against this huddle's plugin.h",
		       d->abi_major, d->abi_minor, HUDDLE_ABI_MAJOR, HUDDLE_ABI_MINOR);
		unload(h, dl);
		return;
	}
	if (!d->build || strcmp(d->build, HUDDLE_PLUGIN_BUILD)) {
		refuse(h, "built for \"%.100s\", but this huddle is \"%s\": rebuild it on this machine",
		       d->build ? d->build : "(none)", HUDDLE_PLUGIN_BUILD);
		unload(h, dl);
		return;
	}
	if (!valid_name(d->name)) {
		refuse(h, "its name \"%.40s\" is not [a-z][a-z0-9_]* of at most %d bytes", d->name ? d->name : "",
		       NAME_MAX_LEN);
		unload(h, dl);
		return;
	}
	/* A plugin's functions live in huddle.<name>: a name of huddle's own
	 * (lapi.c; plugin_lua.c checks the table itself too) would hide it. */
	static const char *const own[] = { "param", "clamp", "ratio", "days_between", "log",
					   "db",    "period", "as_of", NULL };
	for (const char *const *o = own; *o; o++)
		if (!strcmp(*o, d->name)) {
			refuse(h, "its name \"%s\" is taken by huddle.%s, which rules use; rename the plugin", d->name,
			       d->name);
			unload(h, dl);
			return;
		}
	/* Nor may it be a key of the plugins group: its settings would be
	 * the list of folders or of plugins. */
	if (!strcmp(d->name, "dirs") || !strcmp(d->name, "load")) {
		refuse(h, "its name \"%s\" is taken by plugins.%s of the config; rename the plugin", d->name,
		       d->name);
		unload(h, dl);
		return;
	}
	free(h->name);
	h->name = hd_xstrdup(d->name);
	h->version = hd_xstrdup(d->version ? d->version : "?");
	h->summary = hd_xstrdup(d->summary ? d->summary : "");
	huddle_host *other = loaded_named(d->name);
	if (other) {
		refuse(h, "a plugin named %s is already loaded from %s", d->name, other->path);
		unload(h, dl);
		return;
	}
	if (!d->init) {
		refuse(h, "its descriptor has no init function");
		unload(h, dl);
		return;
	}
	h->desc = d;
	h->group = plugin_group(cfg, d->name);
	h->fail[0] = 0;
	h->in_init = 1;
	int rc = d->init(h, &hd_api);
	h->in_init = 0;
	if (rc) {
		drop_registrations(h);
		refuse(h, "its init failed: %s", h->fail[0] ? h->fail : "(it gave no reason)");
		/* Not unloaded: init may have left threads or handlers behind. */
		return;
	}
	h->status = HD_PLUGIN_LOADED;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a > b && !strcmp(s + a - b, suffix);
}

static int in_list(const hd_strv *l, const char *s)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int so_file(const struct dirent *d)
{
	return d->d_name[0] != '.' && has_suffix(d->d_name, ".so");
}

static void load_dir(const hd_config *cfg, const char *given)
{
	char real[PATH_MAX], why[1024];
	if (!realpath(given, real))
		return; /* a folder that does not exist holds no plugins */
	for (int i = 0; i < reg.dirs.n; i++)
		if (!strcmp(reg.dirs.v[i], real))
			return;
	hd_strv_push(&reg.dirs, real);
	struct dirent **ents;
	int n = scandir(real, &ents, so_file, cmp_names);
	if (n < 0)
		return;
	int dirfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int folder_ok = dirfd >= 0 && !trusted_folders(real, why, sizeof why);
	for (int i = 0; i < n; i++) {
		char stem[NAME_MAX + 1];
		snprintf(stem, sizeof stem, "%s", ents[i]->d_name);
		stem[strlen(stem) - 3] = 0;
		if (cfg->plugin_load_set && !in_list(&cfg->plugin_load, stem)) {
			huddle_host *h = new_host(real, ents[i]->d_name, stem, cfg);
			h->status = HD_PLUGIN_NOT_LOADED;
			snprintf(h->why, sizeof h->why, "not named in plugins.load");
		} else if (!folder_ok) {
			refuse(new_host(real, ents[i]->d_name, stem, cfg), "%s", dirfd < 0 ? strerror(errno) : why);
		} else {
			load_one(cfg, dirfd, real, ents[i]->d_name, stem);
		}
		free(ents[i]);
	}
	free(ents);
	if (dirfd >= 0)
		close(dirfd);
}

void hd_plugins_load(const hd_config *cfg)
{
	if (reg.loaded)
		return;
	reg.loaded = 1;
	reg.cfg_path = cfg->path;
	for (int i = 0; i < cfg->plugin_dirs.n; i++)
		load_dir(cfg, cfg->plugin_dirs.v[i]);
	load_dir(cfg, hd_plugins_default_dir());
	if (cfg->plugin_load_set)
		for (int i = 0; i < cfg->plugin_load.n; i++) {
			const char *want = cfg->plugin_load.v[i];
			int found = 0;
			for (int j = 0; j < reg.n && !found; j++)
				found = !strcmp(reg.v[j]->stem, want);
			if (!found)
				hd_warn("%s: plugins.load names \"%s\", but no %s.so is in %s%s", cfg->path ? cfg->path : "config",
					want, want, cfg->plugin_dirs.n ? "plugins.dirs or " : "", hd_plugins_default_dir());
		}
	/* Settings for a plugin that is not there are most likely a typo. */
	const config_setting_t *p = config_lookup(&cfg->cfg, "plugins");
	for (int i = 0; p && config_setting_is_group(p) && i < config_setting_length(p); i++) {
		const config_setting_t *g = config_setting_get_elem(p, (unsigned)i);
		const char *name = config_setting_name(g);
		if (config_setting_is_group(g) && !loaded_named(name)) {
			int known = 0;
			for (int j = 0; j < reg.n && !known; j++)
				known = !strcmp(reg.v[j]->name, name);
			if (!known)
				hd_warn("%s:%d: plugins.%s: no plugin of that name was found", cfg->path,
					config_setting_source_line(g), name);
		}
	}
}

void hd_plugins_unload(void)
{
	/* Newest first, as C's atexit would. */
	for (int i = reg.n - 1; i >= 0; i--) {
		huddle_host *h = reg.v[i];
		if (h->status == HD_PLUGIN_LOADED && h->desc->fini)
			h->desc->fini(h);
		hd_strv_free(&h->paths);
		free(h->path);
		free(h->name);
		free(h->stem);
		free(h->version);
		free(h->summary);
		free(h);
	}
	free(reg.v);
	free(reg.regs);
	hd_strv_free(&reg.dirs);
	memset(&reg, 0, sizeof reg);
}

const hd_preg *hd_plugins_find(hd_preg_type type, const char *name)
{
	for (int i = 0; i < reg.nregs; i++)
		if (reg.regs[i].type == type && !strcmp(reg.regs[i].name, name))
			return &reg.regs[i];
	return NULL;
}

const char *hd_plugin_failure(huddle_host *h)
{
	static char buf[sizeof h->fail];
	memcpy(buf, h->fail, sizeof buf);
	h->fail[0] = 0;
	return buf[0] ? buf : "(the plugin gave no reason)";
}

/* The API: messages ------------------------------------------------- */

void hd_papi_fail(huddle_host *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->fail, sizeof h->fail, fmt, ap);
	va_end(ap);
}

void hd_papi_warn(huddle_host *h, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	hd_warn("plugin %s: %s", h->name, msg);
}

/* The API: configuration -------------------------------------------- */

/* A huddle_setting is libconfig's config_setting_t, read only through
 * these functions. */
#define S(s) ((const config_setting_t *)(const void *)(s))
#define H(s) ((const huddle_setting *)(const void *)(s))

const huddle_setting *hd_papi_config(huddle_host *h)
{
	return H(h->group);
}

const huddle_setting *hd_papi_setting_member(const huddle_setting *s, const char *name)
{
	return s && name && config_setting_is_group(S(s)) ? H(config_setting_get_member(S(s), name)) : NULL;
}

int hd_papi_setting_count(const huddle_setting *s)
{
	return s && config_setting_is_aggregate(S(s)) ? config_setting_length(S(s)) : 0;
}

const huddle_setting *hd_papi_setting_at(const huddle_setting *s, int i)
{
	if (!s || i < 0 || !config_setting_is_aggregate(S(s)))
		return NULL;
	return H(config_setting_get_elem(S(s), (unsigned)i));
}

const char *hd_papi_setting_name(const huddle_setting *s)
{
	return s ? config_setting_name(S(s)) : NULL;
}

int hd_papi_setting_type(const huddle_setting *s)
{
	if (!s)
		return HUDDLE_SETTING_NONE;
	switch (config_setting_type(S(s))) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return HUDDLE_SETTING_INT;
	case CONFIG_TYPE_FLOAT:
		return HUDDLE_SETTING_FLOAT;
	case CONFIG_TYPE_STRING:
		return HUDDLE_SETTING_STRING;
	case CONFIG_TYPE_BOOL:
		return HUDDLE_SETTING_BOOL;
	case CONFIG_TYPE_GROUP:
		return HUDDLE_SETTING_GROUP;
	case CONFIG_TYPE_LIST:
	case CONFIG_TYPE_ARRAY:
		return HUDDLE_SETTING_LIST;
	default:
		return HUDDLE_SETTING_NONE;
	}
}

int hd_papi_setting_int(const huddle_setting *s, long long *out)
{
	if (hd_papi_setting_type(s) != HUDDLE_SETTING_INT)
		return -1;
	*out = config_setting_get_int64(S(s));
	return 0;
}

int hd_papi_setting_float(const huddle_setting *s, double *out)
{
	int t = hd_papi_setting_type(s);
	if (t == HUDDLE_SETTING_INT)
		*out = (double)config_setting_get_int64(S(s));
	else if (t == HUDDLE_SETTING_FLOAT)
		*out = config_setting_get_float(S(s));
	else
		return -1;
	return 0;
}

int hd_papi_setting_bool(const huddle_setting *s, int *out)
{
	if (hd_papi_setting_type(s) != HUDDLE_SETTING_BOOL)
		return -1;
	*out = config_setting_get_bool(S(s));
	return 0;
}

const char *hd_papi_setting_string(const huddle_setting *s)
{
	return hd_papi_setting_type(s) == HUDDLE_SETTING_STRING ? config_setting_get_string(S(s)) : NULL;
}

const char *hd_papi_setting_file(const huddle_setting *s)
{
	/* The config is parsed from memory (config.c reads it once, checked),
	 * so libconfig knows no file name: it is the config's. */
	const char *f = s ? config_setting_source_file(S(s)) : NULL;
	return f ? f : reg.cfg_path ? reg.cfg_path : "config";
}

int hd_papi_setting_line(const huddle_setting *s)
{
	return s ? config_setting_source_line(S(s)) : 0;
}

const char *hd_papi_config_path(huddle_host *h, const char *path)
{
	if (!path)
		return NULL;
	char *p = hd_config_path(h->cfg, path);
	hd_strv_push(&h->paths, p);
	free(p);
	return h->paths.v[h->paths.n - 1];
}

/* The API: registration --------------------------------------------- */

static const char *const builtin_formats[] = { "table", "json", "csv", "markdown" };

static hd_preg *add(huddle_host *h, hd_preg_type type, const char *name, const char *doc)
{
	static const char *const what[] = { "Lua function", "metric", "reporter", "importer", "notifier" };
	if (!h->in_init) {
		hd_papi_fail(h, "%s %s registered outside init", what[type], name ? name : "(null)");
		return NULL;
	}
	if (!valid_name(name)) {
		hd_papi_fail(h, "cannot register %s \"%.40s\": names are [a-z][a-z0-9_]* of at most %d bytes",
			 what[type], name ? name : "", NAME_MAX_LEN);
		return NULL;
	}
	for (int i = 0; i < reg.nregs; i++) {
		const hd_preg *r = &reg.regs[i];
		/* Lua functions live in the plugin's own table; the rest share
		 * one namespace per type (metrics also with the rules', which
		 * the rule loader checks). */
		if (r->type == type && !strcmp(r->name, name) && (type != HD_PREG_LUA || r->owner == h)) {
			hd_papi_fail(h, "cannot register %s %s: plugin %s already registered one of that name",
				 what[type], name, r->owner->name);
			return NULL;
		}
	}
	if (type == HD_PREG_REPORTER)
		for (size_t i = 0; i < sizeof builtin_formats / sizeof *builtin_formats; i++)
			if (!strcmp(name, builtin_formats[i])) {
				hd_papi_fail(h, "cannot register reporter %s: huddle has that format built in", name);
				return NULL;
			}
	reg.regs = hd_xrealloc(reg.regs, (size_t)(reg.nregs + 1) * sizeof *reg.regs);
	hd_preg *r = &reg.regs[reg.nregs++];
	memset(r, 0, sizeof *r);
	r->type = type;
	r->owner = h;
	r->name = name;
	r->doc = doc ? doc : "";
	return r;
}

int hd_papi_add_lua(huddle_host *h, const char *name, lua_CFunction fn, const char *doc)
{
	hd_preg *r = fn ? add(h, HD_PREG_LUA, name, doc) : NULL;
	if (!r)
		return -1;
	r->lua = fn;
	return 0;
}

int hd_papi_add_metric(huddle_host *h, const char *name, int kind, huddle_metric_fn fn, void *ud,
			  const char *doc)
{
	if (kind != HUDDLE_REP && kind != HUDDLE_TEAM) {
		hd_papi_fail(h, "metric %s: kind must be HUDDLE_REP or HUDDLE_TEAM", name ? name : "(null)");
		return -1;
	}
	hd_preg *r = fn ? add(h, HD_PREG_METRIC, name, doc) : NULL;
	if (!r)
		return -1;
	r->metric = fn;
	r->kind = kind;
	r->ud = ud;
	return 0;
}

int hd_papi_add_reporter(huddle_host *h, const char *name, unsigned flags, huddle_report_fn fn, void *ud,
			    const char *doc)
{
	hd_preg *r = fn ? add(h, HD_PREG_REPORTER, name, doc) : NULL;
	if (!r)
		return -1;
	r->report = fn;
	r->flags = flags;
	r->ud = ud;
	return 0;
}

int hd_papi_add_importer(huddle_host *h, const char *name, const char *suffixes, huddle_import_fn fn,
			    void *ud, const char *doc)
{
	hd_preg *r = fn ? add(h, HD_PREG_IMPORTER, name, doc) : NULL;
	if (!r)
		return -1;
	r->import = fn;
	r->suffixes = suffixes ? suffixes : "";
	r->ud = ud;
	return 0;
}

int hd_papi_add_notifier(huddle_host *h, const char *name, huddle_notify_fn fn, void *ud, const char *doc)
{
	hd_preg *r = fn ? add(h, HD_PREG_NOTIFIER, name, doc) : NULL;
	if (!r)
		return -1;
	r->notify = fn;
	r->ud = ud;
	return 0;
}

