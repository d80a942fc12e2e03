// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The model's helpers (xtunnel.h): a peer's list of allowed-ips, grown as it is given. */
#include <errno.h>
#include <stdlib.h>
#include "errmsg.h"
#include "xtunnel.h"

int xt_peer_spec_allow(struct xt_peer_spec *p, const struct xt_prefix *prefix)
{
	int n = p->n_allowed;

	/* Grown by doubling: a peer may have thousands of prefixes. */
	if (!(n & (n - 1))) {
		struct xt_prefix *grown =
			realloc(p->allowed, (size_t)(n ? n * 2 : 1) * sizeof(*grown));

		if (!grown)
			return xt_err(-ENOMEM, "out of memory");
		p->allowed = grown;
	}
	p->allowed[p->n_allowed++] = *prefix;
	return 0;
}

void xt_peer_spec_free(struct xt_peer_spec *p)
{
	free(p->allowed);
	p->allowed = NULL;
	p->n_allowed = 0;
}
