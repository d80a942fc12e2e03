/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Every TC and XDP attach, replace, query and detach (hooks.c). */
#ifndef XT_HOOKS_H
#define XT_HOOKS_H

#include <stdbool.h>
#include <stdint.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct xt_overlay;
struct xt_xdp_bpf;
struct xdp_multiprog;
struct xdp_program;

int prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t n_ids);
uint32_t tc_prog_id(int ifindex, enum bpf_tc_attach_point point, uint32_t handle);
int tc_attach(int ifindex, enum bpf_tc_attach_point point, uint32_t handle, int prog_fd,
	      bool *hook_created);
int tc_replace(int ifindex, enum bpf_tc_attach_point point, uint32_t handle, int prog_fd);
int tc_decap_detach(int uplink, uint32_t handle);
bool xt_prog_uses_map(int prog_fd, uint32_t map_id);
struct xdp_multiprog *xdp_find(const struct xt_overlay *ov, struct xdp_program **prog);
int detach_xdp(const struct xt_overlay *ov);
int xdp_replace(const struct xt_overlay *ov, struct xt_xdp_bpf *xs);
uint32_t xdp_prog_on(uint32_t ifindex, uint32_t *flags);
int xdp_detach_expected(uint32_t ifindex, uint32_t id, uint32_t flags);
int filter_set(int ifindex, uint32_t priority, uint32_t handle, int prog_fd);
void filter_del(int ifindex, uint32_t priority, uint32_t handle);
int xt_nl_tc_filter_count(int ifindex);

#endif
