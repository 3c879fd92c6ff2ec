/*
 * webhook.c - the bundled notifier: `huddle notify` POSTs each outbox
 * item's JSON to plugins.webhook.url with libcurl.
 *
 *	plugins = { webhook = {
 *		url = "https://hooks.example.com/huddle";	# http or https; required
 *		timeout_ms = 2000;		# a whole request (default 2000)
 *		connect_timeout_ms = 1000;	# its connection (default: half of timeout_ms)
 *		retries = 3;			# more tries within one notify (default 3)
 *		backoff_ms = 200;		# before the first retry, doubling (default 200)
 *		backoff_max_ms = 5000;		# the most it waits before a retry (default 5000)
 *		headers = { Authorization = "Bearer ..."; };	# sent with every request
 *	}; };
 *
 * An item is accepted only on a 2xx answer.  Timeouts, failed connections,
 * 408, 429 and 5xx are retried within the run with exponential backoff
 * (a Retry-After of 429 or 503 is honoured up to backoff_max_ms); any
 * other answer (a 4xx, a redirect: redirects are never followed) fails
 * the item at once, since asking again a moment later would get the
 * same answer.  A failed item is tried again by the next notify, with
 * the same Idempotency-Key header.
 *
 * Without a plugins.webhook group the plugin registers nothing: it is
 * bundled, and most users of huddle have no receiver.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep, strdup */

#include <huddle/plugin.h>

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* After this many items in a row failed for want of a receiver (no
 * connection, timeouts, 5xx), the receiver is taken to be down for the
 * rest of the run: each further item gets one try and no backoff, so a
 * run over a long outbox ends in seconds, not hours.  One success and
 * the full retries are back. */
#define DOWN_AFTER 3

/* How much of a response body is kept for messages, and read at all. */
#define EXCERPT_MAX 160
#define BODY_MAX    (64 * 1024)

typedef struct webhook {
	const char *url; /* the setting's string: the host keeps it while we are loaded */
	char shown[512]; /* the url without user, password, query or fragment, for messages */
	long timeout_ms, connect_timeout_ms;
	long retries, backoff_ms, backoff_max_ms;
	struct curl_slist *headers; /* the user's headers and ours, without the key */
	int curl_ready;             /* curl_global_init succeeded */
	CURL *curl;                 /* one handle for the whole run: connections are reused */
	int down_streak;
	/* The answer being read. */
	char excerpt[EXCERPT_MAX + 1];
	size_t body_len;
	int body_cut; /* we stopped reading a body larger than BODY_MAX */
	char errbuf[CURL_ERROR_SIZE];
} webhook;

static webhook wh;
static const huddle_api *api;

/* Settings ----------------------------------------------------------------- */

static int setting_error(huddle_host *h, const huddle_setting *s, const char *what)
{
	api->fail(h, "%s:%d: plugins.webhook.%s %s", api->setting_file(s), api->setting_line(s),
	          api->setting_name(s), what);
	return -1;
}

static int read_ms(huddle_host *h, const huddle_setting *s, long lo, long hi, long *out)
{
	long long v;
	if (api->setting_int(s, &v) || v < lo || v > hi) {
		char what[96];
		snprintf(what, sizeof what, "must be a whole number of milliseconds from %ld to %ld", lo, hi);
		return setting_error(h, s, what);
	}
	*out = (long)v;
	return 0;
}

/* Checks url (http or https, with a host) and fills wh.shown. */
static int read_url(huddle_host *h, const huddle_setting *s)
{
	const char *url = api->setting_string(s);
	if (!url)
		return setting_error(h, s, "must be a string, the address to POST to (\"https://...\")");
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	int rc = -1;
	if (!u) {
		api->fail(h, "out of memory");
		return -1;
	}
	/* The scheme is checked here so that the message can say which one
	 * is wrong; CURLOPT_PROTOCOLS_STR enforces it again at each request. */
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)) {
		setting_error(h, s,
		              "is not a URL: write it in full, as in \"https://hooks.example.com/huddle\"");
	} else if (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) {
		char what[128];
		snprintf(what, sizeof what,
		         "has the scheme \"%.20s\"; only http:// and https:// URLs are allowed", scheme);
		setting_error(h, s, what);
	} else if (curl_url_get(u, CURLUPART_HOST, &host, 0) || !*host) {
		setting_error(h, s, "has no host name");
	} else {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		curl_url_get(u, CURLUPART_PATH, &path, 0);
		snprintf(wh.shown, sizeof wh.shown, "%s://%s%s%s%s", scheme, host, port ? ":" : "",
		         port ? port : "", path ? path : "/");
		wh.url = url;
		rc = 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return rc;
}

static int is_token_char(int c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Headers huddle sets itself, or that would break the request. */
static int reserved_header(const char *name)
{
	static const char *const own[] = {"content-type",      "content-length", "idempotency-key", "host",
	                                  "transfer-encoding", "expect",         "connection"};
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (!strcasecmp(name, own[i]))
			return 1;
	return 0;
}

/* Appends a copy of line to wh.headers; -1 when out of memory. */
static int add_header(const char *line)
{
	struct curl_slist *l = curl_slist_append(wh.headers, line);
	if (!l)
		return -1;
	wh.headers = l;
	return 0;
}

/* headers = { Name = "value"; ... }.  Values are never shown in a
 * message: they are typically credentials. */
static int read_headers(huddle_host *h, const huddle_setting *g)
{
	if (api->setting_type(g) != HUDDLE_SETTING_GROUP)
		return setting_error(h, g,
		                     "must be a group of header names and values, as in "
		                     "headers = { Authorization = \"Bearer ...\"; };");
	for (int i = 0; i < api->setting_count(g); i++) {
		const huddle_setting *s = api->setting_at(g, i);
		const char *name = api->setting_name(s), *value = api->setting_string(s);
		char what[160];
		const char *p = name;
		while (*p && is_token_char((unsigned char)*p))
			p++;
		if (*p || !*name) {
			snprintf(what, sizeof what,
			         "has the header name \"%.40s\", which HTTP does not allow", name);
			return setting_error(h, g, what);
		}
		if (reserved_header(name)) {
			snprintf(what, sizeof what, "sets %.40s, which the webhook plugin sets itself", name);
			return setting_error(h, g, what);
		}
		if (!value) {
			api->fail(h, "%s:%d: plugins.webhook.headers.%s must be a string",
			          api->setting_file(s), api->setting_line(s), name);
			return -1;
		}
		for (p = value; *p; p++)
			if ((unsigned char)*p < 0x20 ? *p != '\t' : *p == 0x7f) {
				api->fail(
				    h,
				    "%s:%d: plugins.webhook.headers.%s has a control character in its value",
				    api->setting_file(s), api->setting_line(s), name);
				return -1;
			}
		size_t len = strlen(name) + strlen(value) + 3;
		char *line = malloc(len);
		if (line)
			snprintf(line, len, "%s: %s", name, value);
		int rc = line ? add_header(line) : -1;
		free(line);
		if (rc) {
			api->fail(h, "out of memory");
			return -1;
		}
	}
	return 0;
}

static int read_settings(huddle_host *h, const huddle_setting *g)
{
	const huddle_setting *url = NULL, *connect = NULL, *max = NULL;
	wh.timeout_ms = 2000;
	wh.retries = 3;
	wh.backoff_ms = 200;
	wh.backoff_max_ms = 5000;
	for (int i = 0; i < api->setting_count(g); i++) {
		const huddle_setting *s = api->setting_at(g, i);
		const char *k = api->setting_name(s);
		int rc = 0;
		if (!strcmp(k, "url"))
			url = s;
		else if (!strcmp(k, "timeout_ms"))
			rc = read_ms(h, s, 1, 600000, &wh.timeout_ms);
		else if (!strcmp(k, "connect_timeout_ms"))
			connect = s; /* checked against timeout_ms below */
		else if (!strcmp(k, "retries")) {
			long long v;
			if (api->setting_int(s, &v) || v < 0 || v > 10)
				rc = setting_error(h, s, "must be a whole number from 0 to 10");
			else
				wh.retries = (long)v;
		} else if (!strcmp(k, "backoff_ms"))
			rc = read_ms(h, s, 0, 60000, &wh.backoff_ms);
		else if (!strcmp(k, "backoff_max_ms"))
			max = s;
		else if (!strcmp(k, "headers"))
			rc = read_headers(h, s);
		else
			api->warn(h,
			          "%s:%d: unknown key '%s' in plugins.webhook (ignored; check the spelling)",
			          api->setting_file(s), api->setting_line(s), k);
		if (rc)
			return rc;
	}
	if (!url) {
		api->fail(h,
		          "%s:%d: plugins.webhook has no url: add url = \"https://...\"; with the address to "
		          "POST to",
		          api->setting_file(g), api->setting_line(g));
		return -1;
	}
	wh.connect_timeout_ms = wh.timeout_ms / 2 > 0 ? wh.timeout_ms / 2 : 1;
	if (connect && read_ms(h, connect, 1, wh.timeout_ms, &wh.connect_timeout_ms))
		return -1;
	if (max && read_ms(h, max, wh.backoff_ms, 600000, &wh.backoff_max_ms))
		return -1;
	if (!max && wh.backoff_max_ms < wh.backoff_ms)
		wh.backoff_max_ms = wh.backoff_ms; /* the default cap gives way to a longer backoff_ms */
	return read_url(h, url);
}

/* One request ---------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	(void)ud;
	size_t len = size * n;
	for (size_t i = 0; i < len && wh.body_len + i < EXCERPT_MAX; i++) {
		unsigned char c = (unsigned char)data[i];
		wh.excerpt[wh.body_len + i] = c >= 0x20 && c < 0x7f ? (char)c : ' ';
	}
	wh.body_len += len;
	if (wh.body_len > BODY_MAX) {
		wh.body_cut = 1;
		return 0; /* the status is already known; the rest is of no use */
	}
	return len;
}

enum outcome { ACCEPTED, RETRY, REFUSED };

/* The receiver's own words, as far as they fit in a message. */
static const char *excerpt(void)
{
	size_t n = wh.body_len < EXCERPT_MAX ? wh.body_len : EXCERPT_MAX;
	wh.excerpt[n] = 0;
	while (n && wh.excerpt[n - 1] == ' ')
		wh.excerpt[--n] = 0;
	return wh.excerpt;
}

/* POSTs once; on failure writes why into msg.  payload and headers are
 * the caller's (the host's text, a list on the caller's stack): the
 * handle lets go of them before returning, so that it never holds a
 * pointer that outlives this call. */
static enum outcome post(const char *payload, struct curl_slist *headers, long *retry_after_ms, char *msg,
                         size_t len)
{
	wh.body_len = 0;
	wh.body_cut = 0;
	wh.errbuf[0] = 0;
	*retry_after_ms = 0;
	curl_easy_setopt(wh.curl, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(wh.curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(payload));
	curl_easy_setopt(wh.curl, CURLOPT_HTTPHEADER, headers);
	CURLcode rc = curl_easy_perform(wh.curl);
	curl_easy_setopt(wh.curl, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	curl_easy_setopt(wh.curl, CURLOPT_POSTFIELDS, (char *)NULL);
	long status = 0;
	curl_easy_getinfo(wh.curl, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && wh.body_cut && status)) {
		const char *e = wh.errbuf[0] ? wh.errbuf : curl_easy_strerror(rc);
		if (rc == CURLE_OPERATION_TIMEDOUT) {
			snprintf(msg, len, "no answer within %ld ms (plugins.webhook.timeout_ms): %s",
			         wh.timeout_ms, e);
			return RETRY;
		}
		snprintf(msg, len, "%s", e);
		/* A certificate that does not verify, or a URL curl will not
		 * take, is not fixed by asking again in a moment. */
		return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
		               rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT
		           ? REFUSED
		           : RETRY;
	}
	if (status >= 200 && status < 300)
		return ACCEPTED;
	const char *body = excerpt();
	if (status >= 300 && status < 400) {
		snprintf(
		    msg, len,
		    "answered HTTP %ld, a redirect, which is not followed: set plugins.webhook.url to the "
		    "address that takes the POST",
		    status);
		return REFUSED;
	}
	snprintf(msg, len, "answered HTTP %ld%s%s%s", status, *body ? " \"" : "", body, *body ? "\"" : "");
	if (status == 408 || status == 429 || status >= 500) {
		curl_off_t after = -1;
		if ((status == 429 || status == 503) &&
		    !curl_easy_getinfo(wh.curl, CURLINFO_RETRY_AFTER, &after) && after > 0)
			*retry_after_ms = after > 600 ? 600000 : (long)after * 1000;
		return RETRY;
	}
	return REFUSED;
}

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

/* The wait before retry number i (1-based): backoff_ms doubling, or
 * what the receiver asked for, never more than backoff_max_ms. */
static long backoff(long i, long retry_after_ms)
{
	long ms = wh.backoff_ms;
	for (long k = 1; k < i && ms < wh.backoff_max_ms; k++)
		ms *= 2;
	if (retry_after_ms > ms)
		ms = retry_after_ms;
	return ms < wh.backoff_max_ms ? ms : wh.backoff_max_ms;
}

static int set_options(void)
{
	CURL *c = wh.curl;
	return curl_easy_setopt(c, CURLOPT_URL, wh.url) ||
	       curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") ||
	       curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") ||
	       curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) || curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) ||
	       curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, wh.timeout_ms) ||
	       curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, wh.connect_timeout_ms) ||
	       curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) ||
	       curl_easy_setopt(c, CURLOPT_ERRORBUFFER, wh.errbuf) ||
	       curl_easy_setopt(c, CURLOPT_USERAGENT, "huddle-webhook/0.1.0");
}

/* The notifier ------------------------------------------------------------------ */

static int notify(huddle_host *h, void *ud, const huddle_notice *n)
{
	(void)ud;
	const char *key = api->notice_key(n);
	char msg[768], keyline[320];
	if (!wh.curl) {
		wh.curl = curl_easy_init();
		if (!wh.curl || set_options()) {
			api->fail(h, "cannot set up libcurl for %s", wh.shown);
			return -1;
		}
	}
	/* The key is built by huddle from a period, a rule and ids; still,
	 * nothing with a line break goes into a header. */
	if (strpbrk(key, "\r\n") ||
	    snprintf(keyline, sizeof keyline, "Idempotency-Key: %s", key) >= (int)sizeof keyline) {
		api->fail(h, "the item's idempotency key cannot be sent as a header");
		return -1;
	}
	/* The item's key in front of the shared list, without copying it:
	 * curl only reads the list during the request. */
	struct curl_slist item = {keyline, wh.headers};
	long tries = wh.down_streak >= DOWN_AFTER ? 1 : 1 + wh.retries, retry_after = 0;
	enum outcome o = RETRY;
	long i;
	for (i = 0; i < tries && o == RETRY; i++) {
		if (i)
			sleep_ms(backoff(i, retry_after));
		o = post(api->notice_payload(n), &item, &retry_after, msg, sizeof msg);
	}
	if (o == ACCEPTED) {
		wh.down_streak = 0;
		return 0;
	}
	if (o == REFUSED) {
		wh.down_streak = 0; /* it answered: it is up */
		api->fail(h, "POST %s: %s; not retried in this run", wh.shown, msg);
		return -1;
	}
	wh.down_streak++;
	api->fail(h, "POST %s: %s (%ld %s%s)", wh.shown, msg, i, i == 1 ? "try" : "tries",
	          tries == 1 && wh.retries ? "; the receiver failed the items before too, so no retries"
	                                   : "");
	return -1;
}

/* Init and fini -------------------------------------------------------------------- */

static void release(void)
{
	if (wh.curl)
		curl_easy_cleanup(wh.curl);
	curl_slist_free_all(wh.headers);
	if (wh.curl_ready)
		curl_global_cleanup();
	memset(&wh, 0, sizeof wh);
}

static int init(huddle_host *h, const huddle_api *a)
{
	api = a;
	const huddle_setting *g = api->config(h);
	if (!g)
		return 0;
	/* Before any other libcurl call: reading the settings parses the
	 * url with curl_url(). */
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		api->fail(h, "libcurl could not be initialised");
		goto fail;
	}
	wh.curl_ready = 1;
	if (read_settings(h, g))
		goto fail;
	/* "Expect:" saves the 100-continue round trip before larger bodies. */
	if (add_header("Content-Type: application/json") || add_header("Expect:")) {
		api->fail(h, "out of memory");
		goto fail;
	}
	if (api->add_notifier(h, "webhook", notify, NULL, "POSTs each item as JSON to plugins.webhook.url"))
		goto fail;
	return 0;
fail:
	/* The host does not call fini after a failed init. */
	release();
	return -1;
}

static void fini(huddle_host *h)
{
	(void)h;
	release();
}

HUDDLE_PLUGIN("webhook", "0.1.0", "delivers huddle notify's items as JSON POSTs to plugins.webhook.url", init,
              fini);
