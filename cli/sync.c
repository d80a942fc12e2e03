// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xtunnel sync: make a running overlay what its config file says, changing only what
 * differs (the reconciler, state/state.h). Says in one line what it changed; with
 * --dry-run, each change it would make, and changes nothing.
 */
#include <string.h>
#include "cli.h"

const char sync_usage[] =
	"xtunnel sync [-n|--dry-run] FILE|NAME   (NAME: " XT_CONF_DIR "/NAME.conf)";

/* The words of what changes of a peer: those of peer set. */
static void print_what(uint32_t what)
{
	static const struct {
		uint32_t bit;
		const char *word;
	} words[] = { { XT_PEER_ENDPOINT, "endpoint" },
		      { XT_PEER_ALLOWED, "allowed-ips" },
		      { XT_PEER_FLAGS, "flags" } };
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (what & words[i].bit)
			printf("%s%s", n++ ? ", " : ": ", words[i].word);
}

static void print_settings(uint32_t settings)
{
	uint32_t bit;
	int n = 0;

	for (bit = 1; bit && bit <= settings; bit <<= 1)
		if (settings & bit)
			printf("%s%s", n++ ? ", " : "", xt_setting_name(bit));
}

static void print_changes(const struct xt_reconcile_result *r)
{
	static const char *const ops[] = { "add", "change", "remove" };
	int i;

	if (r->settings) {
		printf("change ");
		print_settings(r->settings);
		printf("\n");
	}
	for (i = 0; i < r->n_peers; i++) {
		printf("%s peer %s", ops[r->peers[i].op], r->peers[i].name);
		if (r->peers[i].op == XT_PEER_CHANGED)
			print_what(r->peers[i].what);
		printf("\n");
	}
}

static void print_summary(const char *dev, const struct xt_reconcile_result *r, bool dry)
{
	if (dry)
		printf("%s (dry run, nothing changed): peers: %d to add, %d to change, %d to "
		       "remove, %d unchanged",
		       dev, r->added, r->changed, r->removed, r->unchanged);
	else
		printf("%s: peers: %d added, %d changed, %d removed, %d unchanged", dev, r->added,
		       r->changed, r->removed, r->unchanged);
	if (r->settings) {
		printf(dry ? "; settings to change: " : "; settings changed: ");
		print_settings(r->settings);
	}
	printf("\n");
}

int cmd_sync(struct cli *cli, int argc, char **argv)
{
	struct xt_reconcile_result result;
	struct xt_desired want;
	const char *arg = NULL;
	bool dry = false;
	int i, status;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(sync_usage);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--dry-run"))
			dry = true;
		else if (!arg)
			arg = argv[i];
		else
			return cli_usage_error(sync_usage, "sync: unexpected '%s'", argv[i]);
	}
	if (!arg)
		return cli_usage_error(sync_usage, "sync: missing FILE or NAME");
	status = cli_conf_load("sync", arg, &want);
	if (status)
		return status;
	if (xt_reconcile(&want, dry ? XT_RECONCILE_DRY_RUN : 0, &result)) {
		status = cli_fail("sync");
	} else {
		if (dry)
			print_changes(&result);
		print_summary(want.overlay.dev, &result, dry);
	}
	xt_reconcile_result_free(&result);
	xt_desired_free(&want);
	return status;
}
