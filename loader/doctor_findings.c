// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* doctor's list of findings, which the checks of doctor.c and doctor_net.c fill. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "doctor.h"

struct xt_finding *xt_doctor_finding(struct findings *fs, enum xt_doctor_check check,
				     const char *dev)
{
	struct xt_finding *f;

	if (fs->n == fs->cap) {
		void *grown = realloc(fs->list, (size_t)(fs->cap ? fs->cap * 2 : 16) * sizeof(*f));

		if (!grown) {
			fs->no_memory = true;
			return NULL;
		}
		fs->list = grown;
		fs->cap = fs->cap ? fs->cap * 2 : 16;
	}
	f = &fs->list[fs->n++];
	memset(f, 0, sizeof(*f));
	f->check = check;
	f->status = XT_STATUS_OK;
	snprintf(f->dev, sizeof(f->dev), "%s", dev);
	return f;
}

void xt_doctor_say(struct xt_finding *f, enum xt_status status, const char *fmt, ...)
{
	va_list ap;

	f->status = status;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
}

void xt_doctor_fix(struct xt_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->fix, sizeof(f->fix), fmt, ap);
	va_end(ap);
}
