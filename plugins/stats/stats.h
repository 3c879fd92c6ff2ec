/* stats.h - what the stats plugin's files share. */
#ifndef HUDDLE_STATS_H
#define HUDDLE_STATS_H

#include <huddle/plugin.h>

/* The metric provider of org_won_percentile; ud is the host API. */
int stats_org_won_percentile(huddle_host *h, void *ud, huddle_metric_call *c);

#endif
