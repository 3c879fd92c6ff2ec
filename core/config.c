/* config.c - reading and validating huddle.cfg with libconfig. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trust.h"

void hd_strv_push(hd_strv *s, const char *str)
{
	s->v = hd_xrealloc(s->v, sizeof *s->v * (size_t)(s->n + 1));
	s->v[s->n++] = hd_xstrdup(str);
}

void hd_strv_free(hd_strv *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

char *hd_config_path(const hd_config *c, const char *p)
{
	if (p[0] == '/' || !c->dir || !strcmp(c->dir, "."))
		return hd_xstrdup(p);
	size_t n = strlen(c->dir) + strlen(p) + 2;
	char *r = hd_xmalloc(n);
	snprintf(r, n, "%s/%s", c->dir, p);
	return r;
}

const hd_param *hd_config_param(const hd_config *c, const char *name)
{
	for (int i = 0; i < c->nparams; i++)
		if (!strcmp(c->params[i].name, name))
			return &c->params[i];
	return NULL;
}

static int file_exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int type_error(const hd_config *c, const config_setting_t *s, const char *what, hd_err *err)
{
	const char *name = config_setting_name(s);
	return hd_err_set(err, HD_EINPUT, "%s:%d: '%s' must be %s", c->path, config_setting_source_line(s),
	                  name ? name : "(element)", what);
}

static void unknown_key(const hd_config *c, const config_setting_t *s, const char *where)
{
	hd_warn("%s:%d: unknown key '%s'%s%s (ignored; check the spelling)", c->path,
	        config_setting_source_line(s), config_setting_name(s), where ? " in " : "",
	        where ? where : "");
}

static int is_list(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_ARRAY || config_setting_type(s) == CONFIG_TYPE_LIST;
}

/* A number setting; a float must be finite (scan_numbers refuses the
 * literals that overflow, this is the second line of defence). */
static int get_number(const config_setting_t *s, double *v)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		*v = (double)config_setting_get_int64(s);
		return 0;
	case CONFIG_TYPE_FLOAT:
		*v = config_setting_get_float(s);
		return isfinite(*v) ? 0 : -1;
	default:
		return -1;
	}
}

static int get_int(const hd_config *c, const config_setting_t *s, long long lo, long long hi, long long *v,
                   hd_err *err)
{
	int t = config_setting_type(s);
	char what[96];
	snprintf(what, sizeof what, "an integer from %lld to %lld", lo, hi);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
		return type_error(c, s, what, err);
	*v = config_setting_get_int64(s);
	if (*v < lo || *v > hi)
		return type_error(c, s, what, err);
	return 0;
}

static int get_string(const hd_config *c, const config_setting_t *s, char **out, hd_err *err)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return type_error(c, s, "a string", err);
	free(*out);
	*out = hd_xstrdup(config_setting_get_string(s));
	return 0;
}

/* A list of strings; with `resolve` each becomes a path next to the file. */
static int get_strings(const hd_config *c, const config_setting_t *s, int resolve, hd_strv *out, hd_err *err)
{
	if (!is_list(s))
		return type_error(c, s, "a list of strings, like [ \"a\", \"b\" ]", err);
	hd_strv_free(out);
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return type_error(c, s, "a list of strings, like [ \"a\", \"b\" ]", err);
		const char *v = config_setting_get_string(e);
		if (resolve) {
			char *p = hd_config_path(c, v);
			hd_strv_push(out, p);
			free(p);
		} else {
			hd_strv_push(out, v);
		}
	}
	return 0;
}

static int read_sandbox(hd_config *c, const config_setting_t *g, hd_err *err)
{
	long long v;
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *k = config_setting_name(s);
		if (!strcmp(k, "instructions")) {
			if (get_int(c, s, 1000, 1000000000000LL, &v, err))
				return err->code;
			c->sb_instructions = v;
		} else if (!strcmp(k, "time_ms")) {
			if (get_int(c, s, 1, 3600000, &v, err))
				return err->code;
			c->sb_time_ms = (int)v;
		} else if (!strcmp(k, "memory_mb")) {
			if (get_int(c, s, 4, 65536, &v, err))
				return err->code;
			c->sb_memory_mb = (int)v;
		} else if (!strcmp(k, "sql_ms")) {
			if (get_int(c, s, 1, 3600000, &v, err))
				return err->code;
			c->sb_sql_ms = (int)v;
		} else {
			unknown_key(c, s, "sandbox");
		}
	}
	return 0;
}

static int read_rules(hd_config *c, const config_setting_t *g, hd_err *err)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *k = config_setting_name(s);
		if (!strcmp(k, "weights")) {
			if (!config_setting_is_group(s))
				return type_error(c, s, "a group of name = number", err);
			int n = config_setting_length(s);
			c->weights = hd_xcalloc((size_t)n, sizeof *c->weights);
			for (int j = 0; j < n; j++) {
				const config_setting_t *w = config_setting_get_elem(s, (unsigned)j);
				double v;
				if (get_number(w, &v) || !(v >= 0) || v > 1e9)
					return type_error(c, w, "a number >= 0", err);
				c->weights[c->nweights].name = hd_xstrdup(config_setting_name(w));
				c->weights[c->nweights].line = config_setting_source_line(w);
				c->weights[c->nweights++].weight = v;
			}
		} else if (!strcmp(k, "disabled")) {
			if (get_strings(c, s, 0, &c->disabled, err))
				return err->code;
		} else if (!strcmp(k, "params")) {
			if (!config_setting_is_group(s))
				return type_error(c, s, "a group of name = value", err);
			int n = config_setting_length(s);
			c->params = hd_xcalloc((size_t)n, sizeof *c->params);
			for (int j = 0; j < n; j++) {
				const config_setting_t *p = config_setting_get_elem(s, (unsigned)j);
				hd_param *hp = &c->params[c->nparams];
				if (!get_number(p, &hp->num)) {
					hp->type = CONFIG_TYPE_FLOAT;
				} else if (config_setting_type(p) == CONFIG_TYPE_STRING) {
					hp->type = CONFIG_TYPE_STRING;
					hp->str = hd_xstrdup(config_setting_get_string(p));
				} else if (config_setting_type(p) == CONFIG_TYPE_BOOL) {
					hp->type = CONFIG_TYPE_BOOL;
					hp->num = config_setting_get_bool(p);
				} else {
					return type_error(c, p, "a number, a string or a boolean", err);
				}
				hp->name = hd_xstrdup(config_setting_name(p));
				c->nparams++;
			}
		} else {
			unknown_key(c, s, "rules");
		}
	}
	return 0;
}

static int read_output(hd_config *c, const config_setting_t *g, hd_err *err)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *k = config_setting_name(s);
		if (!strcmp(k, "format")) {
			if (get_string(c, s, &c->format, err))
				return err->code;
			c->format_line = config_setting_source_line(s);
		} else if (!strcmp(k, "leaderboard")) {
			const char *v =
			    config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : "";
			if (strcmp(v, "named") && strcmp(v, "anonymous"))
				return type_error(c, s, "\"named\" or \"anonymous\"", err);
			c->anonymous = !strcmp(v, "anonymous");
		} else {
			unknown_key(c, s, "output");
		}
	}
	return 0;
}

static int read_plugins(hd_config *c, const config_setting_t *g, hd_err *err)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *k = config_setting_name(s);
		if (!strcmp(k, "dirs")) {
			if (get_strings(c, s, 1, &c->plugin_dirs, err))
				return err->code;
		} else if (!strcmp(k, "load")) {
			if (get_strings(c, s, 0, &c->plugin_load, err))
				return err->code;
			c->plugin_load_set = 1;
		} else if (!config_setting_is_group(s)) {
			/* Groups are the plugins' own settings; anything else is a typo. */
			unknown_key(c, s, "plugins");
		}
	}
	return 0;
}

static int read_root(hd_config *c, hd_err *err)
{
	const config_setting_t *root = config_root_setting(&c->cfg);
	long long v;
	int period_line = 0;
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *k = config_setting_name(s);
		int rc = 0;
		if (!strcmp(k, "database")) {
			char *p = NULL;
			rc = get_string(c, s, &p, err);
			if (!rc) {
				free(c->database);
				c->database = hd_config_path(c, p);
			}
			free(p);
		} else if (!strcmp(k, "period")) {
			rc = get_string(c, s, &c->period, err);
			period_line = config_setting_source_line(s);
		} else if (!strcmp(k, "fiscal_year_start")) {
			rc = get_int(c, s, 1, 12, &v, err);
			c->fiscal_year_start = (int)v;
		} else if (!strcmp(k, "scripts")) {
			rc = get_strings(c, s, 1, &c->scripts, err);
		} else if (!strcmp(k, "sandbox") || !strcmp(k, "rules") || !strcmp(k, "output") ||
		           !strcmp(k, "plugins")) {
			if (!config_setting_is_group(s))
				return type_error(c, s, "a group { ... }", err);
			rc = !strcmp(k, "sandbox")  ? read_sandbox(c, s, err)
			     : !strcmp(k, "rules")  ? read_rules(c, s, err)
			     : !strcmp(k, "output") ? read_output(c, s, err)
			                            : read_plugins(c, s, err);
		} else {
			unknown_key(c, s, NULL);
		}
		if (rc)
			return rc;
	}
	/* Checked last: fiscal_year_start may come after period. */
	hd_period p;
	if (c->period && hd_period_parse(c->period, c->fiscal_year_start, &p, err)) {
		hd_err_wrap(err, "%s:%d: period: ", c->path, period_line);
		return err->code = HD_EINPUT;
	}
	return 0;
}

/* The rule set that ships with huddle, as a newly allocated path.  An
 * installed huddle finds it relative to its own folder
 * (HUDDLE_SCRIPTS_FROM_BINDIR, "../share/huddle/scripts" in the usual
 * layout), so that the tree works under any prefix, staged in a DESTDIR or
 * moved after installing.  An uninstalled huddle, in its build tree, uses
 * the source tree's. */
static char *default_scripts(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash = NULL;
	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
	}
	if (slash) {
		/* The link holds the executable's real path (no symbolic links,
		 * no "..") so each leading "../" simply drops a folder, and
		 * messages name .../share/huddle/scripts/x.lua rather than
		 * .../bin/../share/huddle/scripts/x.lua. */
		const char *rel = HUDDLE_SCRIPTS_FROM_BINDIR;
		*slash = 0;
		while (!strncmp(rel, "../", 3) && (slash = strrchr(exe, '/'))) {
			*slash = 0;
			rel += 3;
		}
		char dir[PATH_MAX + sizeof HUDDLE_SCRIPTS_FROM_BINDIR + 1];
		struct stat sb;
		snprintf(dir, sizeof dir, "%s/%s", exe, rel);
		if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
			return hd_xstrdup(dir);
	}
	return hd_xstrdup(HUDDLE_SOURCE_DATADIR "/scripts");
}

static void set_defaults(hd_config *c)
{
	memset(c, 0, sizeof *c);
	c->dir = hd_xstrdup(".");
	c->database = hd_xstrdup("huddle.db");
	c->fiscal_year_start = 1;
	c->sb_instructions = 1000000;
	c->sb_time_ms = 1000;
	c->sb_memory_mb = 64;
	c->sb_sql_ms = 2000;
	char *d = default_scripts();
	hd_strv_push(&c->scripts, d);
	free(d);
	config_init(&c->cfg);
}

/* The config's `scripts` may name the bundled rule set by its folder name
 * ("scripts"); a relative entry that is not next to the file is looked
 * up there. */
static void resolve_scripts(hd_config *c)
{
	char *d = default_scripts();
	char *base = strrchr(d, '/');
	for (int i = 0; i < c->scripts.n; i++) {
		struct stat sb;
		if (stat(c->scripts.v[i], &sb) == 0)
			continue;
		const char *tail = strrchr(c->scripts.v[i], '/');
		tail = tail ? tail + 1 : c->scripts.v[i];
		if (base && !strcmp(tail, base + 1)) {
			free(c->scripts.v[i]);
			c->scripts.v[i] = hd_xstrdup(d);
		}
	}
	free(d);
}

/* Reads the whole config file through one descriptor, so the checks and
 * the parse see the same file: it must be a regular file (not a FIFO,
 * which would block, nor a device), belong to the user or to root, be
 * writable by nobody else (sshd's StrictModes; its group may write when
 * it is the owner's private group), and be at most
 * HD_CONFIG_MAX_BYTES.  On success *text is a NUL-terminated copy the
 * caller frees. */
static int read_text(const char *path, char **text, size_t *len, hd_err *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return hd_err_set(err, HD_EINPUT, "%s: cannot open the config file: %s", path,
		                  strerror(errno));
	struct stat sb;
	int rc = 0;
	if (fstat(fd, &sb))
		rc = hd_err_set(err, HD_EIO, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		rc =
		    hd_err_set(err, HD_EINPUT, "%s: not a regular file; a config must be a plain file", path);
	else if (sb.st_uid != geteuid() && sb.st_uid != 0)
		rc = hd_err_set(
		    err, HD_EINPUT,
		    "%s: refusing a config file owned by another user (uid %ld); it must belong to "
		    "you or to root",
		    path, (long)sb.st_uid);
	else if ((sb.st_mode & S_IWOTH) || ((sb.st_mode & S_IWGRP) && !hd_private_group(sb.st_uid, sb.st_gid)))
		rc = hd_err_set(err, HD_EINPUT,
		                "%s: refusing a config file that other users can write (mode %03o); run "
		                "'chmod go-w %s'",
		                path, (unsigned)(sb.st_mode & 0777), path);
	else if (sb.st_size > HD_CONFIG_MAX_BYTES)
		rc = hd_err_set(err, HD_EINPUT,
		                "%s: the config file is larger than %d KiB; refusing to read it", path,
		                HD_CONFIG_MAX_BYTES / 1024);
	if (rc) {
		close(fd);
		return rc;
	}
	/* One byte more than the cap tells a file that grew since fstat. */
	char *buf = hd_xmalloc(HD_CONFIG_MAX_BYTES + 2);
	size_t n = 0;
	while (n <= HD_CONFIG_MAX_BYTES) {
		ssize_t r = read(fd, buf + n, HD_CONFIG_MAX_BYTES + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0)
				rc = hd_err_set(err, HD_EIO, "%s: %s", path, strerror(errno));
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (!rc && n > HD_CONFIG_MAX_BYTES)
		rc = hd_err_set(err, HD_EINPUT,
		                "%s: the config file is larger than %d KiB; refusing to read it", path,
		                HD_CONFIG_MAX_BYTES / 1024);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = 0;
	*text = buf;
	*len = n;
	return 0;
}

/* Refuses what libconfig 1.5 must never see: a NUL byte (the parser
 * would stop there and drop the rest silently) and @include, which can
 * kill the process (a folder), hang it (a FIFO) or read any file.  Every
 * line is checked, whatever the lexer state, so nothing can hide one. */
static int scan_lines(const char *path, const char *text, size_t len, hd_err *err)
{
	int line = 1;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == 0)
			return hd_err_set(err, HD_EINPUT, "%s:%d: a NUL byte; a config file is text", path,
			                  line);
		if (i == 0 || text[i - 1] == '\n') {
			size_t j = i;
			while (j < len && (text[j] == ' ' || text[j] == '\t'))
				j++;
			if (len - j >= 8 && !memcmp(text + j, "@include", 8))
				return hd_err_set(
				    err, HD_EINPUT,
				    "%s:%d: @include is not supported; keep every setting in the one "
				    "config file",
				    path, line);
		}
		if (text[i] == '\n')
			line++;
	}
	return 0;
}

/* Checks one number literal text[a..b) the way libconfig 1.5 will read
 * it: without an L suffix a decimal or hex integer becomes a 32-bit int
 * (4294967297 silently reads as 1, 0xFFFFFFFF as -1), with L a 64-bit
 * one; a float must be finite (1e400 reads as inf). */
static int check_number(const char *path, int line, const char *text, size_t a, size_t b, hd_err *err)
{
	char lit[128];
	size_t n = b - a;
	if (n >= sizeof lit)
		return hd_err_set(err, HD_EINPUT, "%s:%d: the number %.20s... is too long", path, line,
		                  text + a);
	memcpy(lit, text + a, n);
	lit[n] = 0;
	int l_suffix = n && (lit[n - 1] == 'L');
	while (n && lit[n - 1] == 'L')
		lit[--n] = 0;
	int hex = (lit[0] == '0' && (lit[1] == 'x' || lit[1] == 'X'));
	char *end;
	errno = 0;
	if (!hex && strpbrk(lit, ".eE")) {
		double v = strtod(lit, &end);
		if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1))
			return hd_err_set(err, HD_EINPUT, "%s:%d: %s is not a finite number", path, line,
			                  lit);
		return 0;
	}
	int bad;
	if (hex) {
		unsigned long long v = strtoull(lit, &end, 16);
		bad = errno == ERANGE ||
		      v > (l_suffix ? (unsigned long long)INT64_MAX : (unsigned long long)INT32_MAX);
	} else {
		long long v = strtoll(lit, &end, 10);
		bad = errno == ERANGE || (!l_suffix && (v < INT32_MIN || v > INT32_MAX));
	}
	if (bad)
		return hd_err_set(
		    err, HD_EINPUT,
		    l_suffix ? "%s:%d: %sL is out of range for a 64-bit integer"
		             : "%s:%d: %s is out of range for an integer (-2147483648 to 2147483647; "
		               "write %sL for a 64-bit one)",
		    path, line, lit, lit);
	return 0;
}

/* Walks the text with libconfig's lexical rules (strings, comments,
 * names such as a-1) and checks every number literal, so that no value
 * is ever silently truncated whichever setting it belongs to. */
static int scan_numbers(const char *path, const char *text, size_t len, hd_err *err)
{
	int line = 1;
	size_t i = 0;
	while (i < len) {
		char ch = text[i];
		if (ch == '\n') {
			line++;
			i++;
		} else if (ch == '#' || (ch == '/' && i + 1 < len && text[i + 1] == '/')) {
			while (i < len && text[i] != '\n')
				i++;
		} else if (ch == '/' && i + 1 < len && text[i + 1] == '*') {
			for (i += 2; i < len && !(text[i] == '*' && i + 1 < len && text[i + 1] == '/'); i++)
				line += text[i] == '\n';
			i += 2;
		} else if (ch == '"') {
			for (i++; i < len && text[i] != '"'; i++) {
				if (text[i] == '\\' && i + 1 < len)
					i++;
				line += text[i] == '\n';
			}
			i++;
		} else if (isalpha((unsigned char)ch) || ch == '*') {
			while (i < len && (isalnum((unsigned char)text[i]) || strchr("-_*", text[i])))
				i++;
		} else if (isdigit((unsigned char)ch) ||
		           (strchr("+-.", ch) && i + 1 < len &&
		            (isdigit((unsigned char)text[i + 1]) ||
		             (text[i + 1] == '.' && i + 2 < len && isdigit((unsigned char)text[i + 2]))))) {
			size_t a = i;
			int is_float = 0;
			if (ch == '+' || ch == '-')
				i++;
			if (text[i] == '0' && i + 2 < len && (text[i + 1] == 'x' || text[i + 1] == 'X') &&
			    isxdigit((unsigned char)text[i + 2])) {
				for (i += 2; i < len && isxdigit((unsigned char)text[i]); i++)
					;
			} else {
				while (i < len && isdigit((unsigned char)text[i]))
					i++;
				if (i < len && text[i] == '.') {
					is_float = 1;
					for (i++; i < len && isdigit((unsigned char)text[i]); i++)
						;
				}
				if (i + 1 < len && (text[i] == 'e' || text[i] == 'E') &&
				    (isdigit((unsigned char)text[i + 1]) ||
				     (strchr("+-", text[i + 1]) && i + 2 < len &&
				      isdigit((unsigned char)text[i + 2])))) {
					is_float = 1;
					for (i += 2; i < len && isdigit((unsigned char)text[i]); i++)
						;
				}
			}
			while (!is_float && i < len && text[i] == 'L' && i - a < 126)
				i++;
			if (check_number(path, line, text, a, i, err))
				return err->code;
		} else {
			i++;
		}
	}
	return 0;
}

int hd_config_load(hd_config *c, const char *explicit_path, hd_err *err)
{
	set_defaults(c);
	char xdg[4096];
	const char *path = explicit_path;
	if (!path && file_exists("huddle.cfg"))
		path = "huddle.cfg";
	if (!path) {
		const char *x = getenv("XDG_CONFIG_HOME");
		const char *home = getenv("HOME");
		if (x && *x)
			snprintf(xdg, sizeof xdg, "%s/huddle/huddle.cfg", x);
		else if (home && *home)
			snprintf(xdg, sizeof xdg, "%s/.config/huddle/huddle.cfg", home);
		else
			xdg[0] = 0;
		if (xdg[0] && file_exists(xdg))
			path = xdg;
	}
	if (!path)
		return 0;
	struct stat sb;
	if (stat(path, &sb))
		return hd_err_set(err, HD_EINPUT, "%s: no such config file", path);
	c->path = hd_xstrdup(path);
	free(c->dir);
	const char *slash = strrchr(path, '/');
	c->dir = slash ? strndup(path, (size_t)(slash - path == 0 ? 1 : slash - path)) : hd_xstrdup(".");
	char *text = NULL;
	size_t len = 0;
	if (read_text(path, &text, &len, err))
		return err->code;
	int rc = scan_lines(path, text, len, err) || scan_numbers(path, text, len, err);
	if (!rc && !config_read_string(&c->cfg, text)) {
		const char *f = config_error_file(&c->cfg);
		rc = hd_err_set(err, HD_EINPUT, "%s:%d: %s", f ? f : path, config_error_line(&c->cfg),
		                config_error_text(&c->cfg));
	}
	free(text);
	if (rc)
		return err->code;
	if (read_root(c, err))
		return err->code;
	resolve_scripts(c);
	return 0;
}

void hd_config_free(hd_config *c)
{
	free(c->path);
	free(c->dir);
	free(c->database);
	free(c->period);
	hd_strv_free(&c->scripts);
	hd_strv_free(&c->plugin_dirs);
	hd_strv_free(&c->plugin_load);
	for (int i = 0; i < c->nweights; i++)
		free(c->weights[i].name);
	free(c->weights);
	hd_strv_free(&c->disabled);
	for (int i = 0; i < c->nparams; i++) {
		free(c->params[i].name);
		free(c->params[i].str);
	}
	free(c->params);
	free(c->format);
	config_destroy(&c->cfg);
}
