// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xtunnel __complete WORD...: what may come after WORDs (the words of a command line
 * before the cursor), one per line, for the shell's completion (a few lines that call it:
 * packaging/xtunnel.bash-completion). Hidden from help. The grammar is read from the usage strings
 * of the command tables (commands.c, peer.c), the ones `help` prints and the man page follows: a
 * command added to a table, or a keyword added to a usage, completes without a second list to keep
 * in step. Names come from the system: overlays and their peers (show), interfaces (if_nameindex);
 * "@files" asks the shell for file names.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include "cli.h"

#define GRAMMAR_MAX 64

/* One word of a usage: a keyword (with or without a value), an option, or a positional. */
struct term {
	char word[32];	      /* keyword or option; "" for a positional */
	char value[32];	      /* its value's placeholder (NAME, N, ...), or "" if it takes none */
	char choices[96];     /* the value's choices, "a|b|c", if the usage lists them */
	bool then_positional; /* "[dev] NAME": the value may also come alone */
};

struct grammar {
	struct term terms[GRAMMAR_MAX];
	int n;
};

static bool is_keyword(const char *t)
{
	if (!islower((unsigned char)t[0]))
		return false;
	for (; *t; t++)
		if (!islower((unsigned char)*t) && !isdigit((unsigned char)*t) && *t != '-')
			return false;
	return true;
}

static bool is_choices(const char *t)
{
	return strchr(t, '|') && islower((unsigned char)t[0]);
}

static bool is_placeholder(const char *t)
{
	return isupper((unsigned char)t[0]);
}

/* src into dst, cut to fit (usage words are short). */
static void word_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%.*s", (int)size - 1, src);
}

static struct term *term_add(struct grammar *g)
{
	if (g->n == GRAMMAR_MAX)
		return NULL;
	memset(&g->terms[g->n], 0, sizeof(g->terms[0]));
	return &g->terms[g->n++];
}

/*
 * The terms of a usage, after "xtunnel" and the words that name the command (skip of
 * them). Lines that start with "xtunnel" or, indented, with "[" are the usage; others (a
 * legend such as "ENDPOINT := ...") are not. Brackets, "..." and what follows a '[' inside
 * a word ("CIDR[,CIDR...]") are dropped; a keyword whose bracket closes right after it
 * ("[dev] NAME") marks the placeholder after it as a positional too.
 */
static void complete_grammar(const char *usage, int skip, struct grammar *g)
{
	char line[512], *tok, *save, raw[96], *t, *end;
	const char *u = usage, *nl;
	struct term *last = NULL, *term;
	bool closed = false;
	int skipped = 0;
	size_t len;

	g->n = 0;
	while (*u) {
		nl = strchr(u, '\n');
		len = nl ? (size_t)(nl - u) : strlen(u);
		snprintf(line, sizeof(line), "%.*s", (int)len, u);
		u += len + (nl ? 1 : 0);
		for (t = line; *t == ' '; t++)
			;
		if (!strncmp(t, "xtunnel ", 8)) {
			last = NULL;
			skipped = -1; /* "xtunnel" itself, then the command and the verb */
		} else if (*t != '[') {
			continue;
		}
		for (tok = strtok_r(t, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
			word_copy(raw, sizeof(raw), tok);
			for (t = raw; *t == '['; t++)
				;
			end = t + strcspn(t, "[].");
			closed = *end == ']';
			*end = '\0';
			if (!*t)
				continue;
			if (t[0] == '-') { /* -j|--json: each a flag */
				char *opt, *osave;

				for (opt = strtok_r(t, "|", &osave); opt;
				     opt = strtok_r(NULL, "|", &osave))
					if ((term = term_add(g)))
						word_copy(term->word, sizeof(term->word), opt);
				last = NULL;
			} else if (skipped < skip && is_keyword(t)) {
				skipped++;
			} else if (is_choices(t) && last) {
				word_copy(last->choices, sizeof(last->choices), t);
				word_copy(last->value, sizeof(last->value), "CHOICE");
				last = NULL;
			} else if (is_keyword(t)) {
				if ((term = term_add(g))) {
					word_copy(term->word, sizeof(term->word), t);
					term->then_positional = closed;
				}
				last = term;
			} else if (is_placeholder(t)) {
				*(t + strcspn(t, "|")) = '\0'; /* FILE|- */
				if (last) {
					word_copy(last->value, sizeof(last->value), t);
					if (!last->then_positional) {
						last = NULL;
						continue;
					}
				}
				if ((term = term_add(g)))
					word_copy(term->value, sizeof(term->value), t);
				last = NULL;
			}
		}
	}
}

static void print_commands(const struct cli_command *table, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i].description)
			printf("%s\n", table[i].name);
}

/* Overlays, or the peers of one (dev, or the only one there is). Quietly nothing without
 * the privileges to read them. */
static void print_names(bool peers, const char *dev)
{
	struct xt_overlay_state *ovs;
	int n, i, j;

	if (xt_show(peers ? dev : NULL, &ovs, &n))
		return;
	for (i = 0; i < n; i++) {
		if (!peers)
			printf("%s\n", ovs[i].spec.dev);
		else if (n == 1)
			for (j = 0; j < ovs[i].n_peers; j++)
				printf("%s\n", ovs[i].peers[j].spec.name);
	}
	xt_overlay_states_free(ovs, n);
}

static void print_links(void)
{
	struct if_nameindex *ifs = if_nameindex(), *i;

	for (i = ifs; i && i->if_index; i++)
		printf("%s\n", i->if_name);
	if (ifs)
		if_freenameindex(ifs);
}

/* What a placeholder stands for, as far as the system knows it. */
static void print_value(const struct term *t, const char *command, const char *verb,
			const char *dev, bool positional)
{
	char choices[sizeof(t->choices)], *c, *save;

	if (t->choices[0]) {
		snprintf(choices, sizeof(choices), "%s", t->choices);
		for (c = strtok_r(choices, "|", &save); c; c = strtok_r(NULL, "|", &save))
			printf("%s\n", c);
	} else if (!strcmp(t->value, "UPLINK") || !strcmp(t->value, "IF")) {
		print_links();
	} else if (!strcmp(t->value, "COMMAND")) {
		cli_print_command_names();
	} else if (!strcmp(t->value, "FILE")) {
		printf("@files\n");
	} else if (!strcmp(t->value, "NAME") && positional && !strcmp(command, "peer")) {
		if (verb && strcmp(verb, "add")) /* a new peer's name is the user's */
			print_names(true, dev);
	} else if (!strcmp(t->value, "NAME")) {
		print_names(false, NULL);
	}
}

/* Term k's word is an earlier term's too (show's options, before and after it). */
static bool printed_before(const struct grammar *g, int k)
{
	int i;

	for (i = 0; i < k; i++)
		if (!strcmp(g->terms[i].word, g->terms[k].word))
			return true;
	return false;
}

/* The words after a command (and its verb: c is then the verb's entry). */
static void complete_args(const struct cli_command *c, const char *command, const char *verb,
			  int argc, char **argv)
{
	const struct term *expecting = NULL;
	const char *dev = NULL;
	struct grammar g;
	int i, k, positional = 0, seen;
	bool first_only;

	complete_grammar(c->usage, verb ? 2 : 1, &g);
	for (i = 0; i < argc; i++) {
		if (expecting) {
			if (!strcmp(expecting->word, "dev"))
				dev = argv[i];
			expecting = NULL;
			continue;
		}
		for (k = 0; k < g.n; k++)
			if (g.terms[k].word[0] && !strcmp(g.terms[k].word, argv[i]))
				break;
		if (k < g.n && g.terms[k].value[0])
			expecting = &g.terms[k];
		else if (k == g.n)
			positional++;
	}
	if (expecting) {
		print_value(expecting, command, verb, dev, false);
		return;
	}
	/* A command line that starts with a positional (attach UPLINK, peer set NAME) takes
	 * that first: only its values then. */
	for (k = 0; k < g.n && g.terms[k].word[0] == '-'; k++)
		;
	first_only = positional == 0 && k < g.n && !g.terms[k].word[0];
	for (k = 0, seen = 0; k < g.n; k++) {
		if (g.terms[k].word[0] && !first_only && !printed_before(&g, k)) {
			printf("%s\n", g.terms[k].word);
		} else if (!g.terms[k].word[0] && seen++ == positional) {
			print_value(&g.terms[k], command, verb, dev, true);
		}
	}
}

int cmd_complete(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *c, *verbs, *verb;
	size_t n_verbs;
	int i = 1;

	(void)cli;
	xt_set_warn(NULL);
	/* Global options first, as main() takes them. */
	while (i < argc && argv[i][0] == '-')
		i++;
	if (i == argc) {
		printf("-j\n--json\n-p\n--pretty\n--version\n--help\n");
		cli_print_command_names();
		return 0;
	}
	c = cli_command_named(argv[i]);
	if (!c || !c->description)
		return 0;
	if (!strcmp(c->name, "help")) {
		if (argc == i + 1)
			cli_print_command_names();
		return 0;
	}
	verbs = cli_verbs(c, &n_verbs);
	if (!verbs) {
		complete_args(c, c->name, NULL, argc - i - 1, argv + i + 1);
		return 0;
	}
	if (argc == i + 1) {
		print_commands(verbs, n_verbs);
		return 0;
	}
	verb = cli_find(verbs, n_verbs, argv[i + 1]);
	if (verb)
		complete_args(verb, c->name, verb->name, argc - i - 2, argv + i + 2);
	return 0;
}
