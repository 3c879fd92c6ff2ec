/*
 * engine.h - one evaluation context: config, database, Lua host, rules,
 * subjects and the metric memo, for one period and as-of date.
 *
 * The flow: hd_engine_open (build the Lua host, load and configure the
 * rules) -> hd_engine_prepare (period, as-of, subjects) -> hd_eval_run
 * (eval.h) -> reporters and the store read the result -> hd_engine_close.
 */
#ifndef HUDDLE_ENGINE_H
#define HUDDLE_ENGINE_H

#include <sqlite3.h>

#include "config.h"
#include "err.h"
#include "lhost.h"
#include "period.h"
#include "rules.h"
#include "subjects.h"

#define HD_MAX_PERIODS 8 /* m, m.prev, m.prev.prev, ... */
#define HD_MAX_TRACE 256

/* One period the metrics are computed for; ctx 0 is the run's period. */
typedef struct hd_pctx {
	hd_period period;
	int as_of;
	char start[11], stop[11], as_of_iso[11];
	double **values;	/* [metric][subject], NaN for nil; NULL until computed */
	unsigned char **state;	/* Lua metrics: [metric][subject] 0 new, 1 computing, 2 done */
	char **failed;		/* SQL metrics: why the query failed, so it runs once */
} hd_pctx;

/* A metric read recorded while explaining a subject. */
typedef struct hd_read {
	int metric, ctx;
	double value; /* NaN for nil */
} hd_read;

/* A rule call the watchdog stopped: evaluating again, it is not run but
 * recorded as failed with `why` (worker.c). */
typedef struct hd_skip {
	int kind, subject;
	const hd_rule *rule; /* NULL: the whole subject */
	char why[256];
} hd_skip;

/* What a worker shares with the host that watches it (worker.c). */
typedef struct hd_watch {
	volatile double deadline; /* monotonic seconds; the rule call must end by then */
	volatile int kind, subject;
	volatile int rule; /* index into rules, or -1 between rule calls */
	volatile int metric, metric_ctx; /* a plugin's metric provider running, or -1 */
	volatile int prefetch; /* computing metrics before any rule (hd_metrics_prefetch) */
	volatile int chunk;    /* the chunk of subjects the worker took last, or -1 */
	char fatal[1024];  /* why the worker gave up on the whole run */
} hd_watch;

typedef struct hd_engine {
	const hd_config *cfg;
	sqlite3 *db;
	hd_lua lua;
	hd_rules rules;
	hd_subjects subj;
	hd_pctx ctx[HD_MAX_PERIODS];
	int nctx;
	int cur[2];	    /* subject under evaluation, per hd_kind; -1 none */
	int cached[2];	    /* subject whose Lua object is cached, per kind */
	int cached_ref[2];  /* registry refs of those objects */
	int names_ref;	    /* registry ref: metric name -> index */
	int view_refs[2][2][HD_MAX_PERIODS]; /* registry refs of the m views: [members][kind][ctx], 0 none */
	double sql_deadline; /* for the progress handler of rule SQL */
	int in_process;	      /* evaluate here, without a watched worker (unit tests) */
	hd_watch *watch;      /* set inside a worker */
	struct hd_mshare *share; /* inside one of several workers: SQL metrics shared (mshare.h) */
	int share_owner;      /* this worker's number in the share */
	unsigned char *prefetch; /* per metric: computed up front by hd_metrics_prefetch; NULL all */
	char fatal[1024];     /* a damaged database met by rule SQL: no run */
	hd_skip *skips;	      /* rule calls the watchdog stopped */
	int nskips;
	hd_skip *mfails;      /* plugin metrics (rule: NULL, kind: metric, subject: ctx) it stopped */
	int nmfails;
	/* Tracing for explain: reads of subject trace_subject of trace_kind. */
	int trace_kind, trace_subject;
	hd_read trace[HD_MAX_TRACE];
	int ntrace;
} hd_engine;

/* Builds the Lua host on db (owned by the caller) and loads the config's
 * scripts plus extra_rules (may be NULL).  On HD_EINPUT the rule problems
 * are in e->rules.problems.  Close with hd_engine_close even on failure. */
int hd_engine_open(hd_engine *e, const hd_config *cfg, sqlite3 *db, const hd_strv *extra_rules,
		   hd_err *err);

/* Sets the period and as-of date and loads the subjects. */
int hd_engine_prepare(hd_engine *e, const hd_period *p, int as_of, hd_err *err);

void hd_engine_close(hd_engine *e);

/* Metrics (metrics.c) ------------------------------------------------ */

/* Registers the m views' metatable and the metric name index. */
void hd_metrics_install(hd_engine *e);
/* Pushes the view of metrics of kind for period ctx (0 = the run's). */
void hd_metrics_push_view(hd_engine *e, hd_kind kind, int ctx);
/* The ctx and kind of a view at idx, or -1 when it is not a view. */
int hd_metrics_view_ctx(lua_State *L, int idx, hd_kind *kind);
/* Reads metric for subject in ctx, computing it on first use.  Must run
 * inside a protected call: failures raise a Lua error.  Returns the
 * value, NaN for nil. */
double hd_metric_get(hd_engine *e, int metric, int ctx, int subject);
/* Pushes a metric value: nil for NaN, an integer when the value is a
 * whole number (so counts read and print as counts), else a float. */
void hd_metrics_push_value(lua_State *L, double v);
/* Looks up a metric name for a read from a rule of kind; raises a Lua
 * error that names the closest known metric when there is none. */
int hd_metric_lookup(hd_engine *e, const char *name, hd_kind kind);
/* Prepares every SQL metric against the schema without running it;
 * problems go to e->rules.problems. */
int hd_metrics_check(hd_engine *e);
/* Prepares rule SQL under the read-only authorizer (writes, ATTACH,
 * PRAGMA and extension loading refused).  Returns 0, or -1 with the
 * reason in msg. */
int hd_rule_sql_prepare(hd_engine *e, const char *sql, sqlite3_stmt **st, char *msg, size_t n);
/* Binds the period parameters of ctx and rules.params by name; with
 * the table at index `extra` (0 for none) its entries as well.  Returns
 * 0, or -1 with the reason in msg. */
int hd_rule_sql_bind(hd_engine *e, sqlite3_stmt *st, int ctx, int extra, char *msg, size_t n);
/* Arms the statement about to be stepped with a limit of `seconds`:
 * sandbox.sql_ms for a query from Lua, hd_metric_allowance for a
 * metric's set-based query. */
void hd_rule_sql_arm(hd_engine *e, double seconds);
/* The time a metric of this kind may take to compute for every subject
 * at once: sandbox.sql_ms per 10,000 subjects (at least sql_ms). */
double hd_metric_allowance(const hd_engine *e, hd_kind kind);
/* The connection rule SQL runs on (chosen on first use; see metrics.c),
 * which plugins' metric providers read too; NULL with the reason in msg. */
sqlite3 *hd_rule_sql_db(hd_engine *e, char *msg, size_t n);
/* Adds the metrics of the loaded plugins to the rules, before the rule
 * files load (plugin.h): m.NAME computes them set-based like SQL metrics. */
void hd_metrics_add_plugins(hd_engine *e);
/* Makes sure period ctx exists (m.prev...); ctx < HD_MAX_PERIODS. */
void hd_engine_ctx(hd_engine *e, int ctx);
/* Which metrics the enabled rules read, by a static scan of their source
 * (backtest_reads.c): m.NAME, m.prev.NAME, m.members.NAME, m["NAME"],
 * team:sum("NAME") and its kin, ${NAME} in messages, and what the Lua
 * metrics among them read in turn.  Sets needed[metric] to 1 for those;
 * returns -1 when some read cannot be followed (a computed name, m handed
 * on, huddle.db), and then any metric may be read. */
int hd_reads_needed(hd_engine *e, unsigned char *needed);
/* In one of several workers: computes the run's SQL metrics that no
 * worker has claimed yet, walking them forwards or backwards (so that two
 * workers meet in the middle), before any rule reads them.  A metric that
 * fails fails for every reader, with its message, as if read lazily. */
void hd_metrics_prefetch(hd_engine *e, int backwards);

/* The huddle.* library and subject objects (lapi.c) ------------------ */

/* Installs the global huddle table. */
void hd_lapi_install(hd_engine *e);
/* Pushes the Lua object of a rep or team; the current subject's is
 * cached for the duration of its evaluation. */
void hd_lapi_push_subject(hd_engine *e, hd_kind kind, int index);
/* Sets the subject under evaluation (index -1 clears it). */
void hd_lapi_set_current(hd_engine *e, hd_kind kind, int index);
/* Refreshes huddle.period and huddle.as_of, and forgets the subject
 * objects of an earlier period, after hd_engine_prepare. */
void hd_lapi_set_period(hd_engine *e);

/* Plugins' Lua functions (plugin_lua.c) ------------------------------ */

/* Adds huddle.<plugin>.<name> for every Lua function a loaded plugin
 * registered, read-only for rules like the rest of huddle.  Call it
 * after hd_lapi_install. */
void hd_plugin_lua_install(hd_engine *e);

#endif
