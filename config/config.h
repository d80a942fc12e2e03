/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The config file of an overlay, xtunnel.conf(5): INI in the spirit of wg-quick, one
 * [Overlay] section with the settings attach takes and one [Peer] section per peer. Read
 * with inih into the desired state of state/state.h (parse.c), written from what runs for
 * `save` (write.c), in words of one list (keys.c), so that what save writes, up reads back
 * to the same overlay. Errors are input errors of the library (xt_errmsg), "FILE:LINE: why".
 */
#ifndef XT_CONFIG_H
#define XT_CONFIG_H

#include <stdio.h>
#include "state.h"

#define XT_CONF_DIR "/etc/xtunnel"

/*
 * The file an argument of up, down and sync means: a path (with a '/', or ending in
 * ".conf") as it is; else NAME, a device name (xt_dev_name_check: nothing that leads out of
 * the directory), as XT_CONF_DIR/NAME.conf. 0 or an input error.
 */
int xt_conf_path(const char *arg, char *path, size_t len);
/* The argument is a path, not a NAME. */
bool xt_conf_is_path(const char *arg);
/* The overlay a file describes. 0, -ENOENT if there is no such file (no message), or an
 * input error ("PATH:LINE: why") or a system one. */
int xt_conf_read(const char *path, struct xt_desired *out);
/* The same from an open stream; `name` is the file's name in messages, and its last part
 * without ".conf" the overlay's device when the file has no Name. */
int xt_conf_parse(FILE *f, const char *name, struct xt_desired *out);
/* The overlay as a config file that xt_conf_parse reads back to the same overlay: every
 * setting written out, peers by name, their allowed-ips in one order. */
int xt_conf_write(FILE *f, const struct xt_overlay_state *ov);

/* ---- keys.c: the words of the file ---- */

/* A key of a section: the setting it is (XT_OV_* of [Overlay], XT_PEER_* of [Peer]; 0 for
 * Name, XT_PEER_FLAGS for Managed, the one flag a file says), and whether it may be given
 * more than once (a comma-separated list, each line adding to it). */
struct xt_conf_key {
	const char *name;
	uint32_t bit;
	bool list;
};

enum xt_conf_section {
	XT_CONF_OVERLAY,
	XT_CONF_PEER,
	XT_CONF_SECTIONS,
};

extern const char *const xt_conf_section_names[XT_CONF_SECTIONS];
/* The keys of a section, in the order save writes them; *n of them. */
const struct xt_conf_key *xt_conf_keys(enum xt_conf_section section, int *n);
/* The key of a section that writes setting `bit`; NULL if none. */
const struct xt_conf_key *xt_conf_key_of(enum xt_conf_section section, uint32_t bit);
/* name is a setting of L2 overlays, which a file cannot say (keys.c). */
bool xt_conf_is_l2_key(const char *name);

#endif
