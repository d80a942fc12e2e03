// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xt_tc as another version of xtunnel would build it: the same programs and maps, and one
 * more global in .rodata, ahead of xt_cfg, so that the section is larger than this
 * version's and xt_cfg is not where this version's skeleton has it. The Makefile links a
 * whole xtunnel around it (build/tests/variant/xtunnel); tests/e2e/other_version.sh
 * attaches an overlay with that build and checks what this one does with it.
 */
const volatile unsigned long long xt_variant_table[512] = { 1 };

#include "../../bpf/xt_tc.bpf.c"
