// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xtunnel metrics`: the text of prometheus.c over HTTP, with libmicrohttpd. The listening
 * socket is made here rather than by the library, so that a port in use or an address this
 * host does not have is reported with its errno; the library takes it over
 * (MHD_OPTION_LISTEN_SOCKET) and closes it when stopped. One thread of the library's
 * answers every request (MHD_USE_INTERNAL_POLLING_THREAD, no thread per connection): the
 * loader's error message is one per process, and two reads at once would mix theirs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "metrics.h"

struct xt_metrics_server {
	struct MHD_Daemon *daemon;
	char *dev; /* NULL: every overlay */
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, char *text,
			     size_t len, const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_message(struct MHD_Connection *conn, unsigned int status,
				     const char *message)
{
	char *text = strdup(message);

	return text ? reply(conn, status, text, strlen(text), "text/plain; charset=utf-8") : MHD_NO;
}

/* Called for every request; answered at once (a GET has no body to wait for). A failed
 * read is a 500 with the reason, and a warning, so that Prometheus marks the target down
 * and the log says why. */
static enum MHD_Result on_request(void *arg, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **request)
{
	struct xt_metrics_server *s = arg;
	char *text, message[512];
	size_t len;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)request;
	if (strcmp(url, "/metrics"))
		return reply_message(conn, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_message(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (xt_prom_read(s->dev, &text, &len)) {
		snprintf(message, sizeof(message), "xtunnel: metrics: %s\n", xt_errmsg());
		xt_warn("metrics: %s", xt_errmsg());
		return reply_message(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, message);
	}
	return reply(conn, MHD_HTTP_OK, text, len, XT_PROM_CONTENT_TYPE);
}

static int listen_on(const struct xt_ip *addr, uint16_t port, int *out)
{
	struct sockaddr_storage ss = {};
	socklen_t ss_len;
	char text[INET6_ADDRSTRLEN + 8];
	int fd, one = 1, err;

	xt_format_endpoint(addr, port, text, sizeof(text));
	if (addr->family == XT_FAMILY_V4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr->addr + 12, 4); /* kept as ::ffff:a.b.c.d */
		ss_len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr->addr, 16);
		ss_len = sizeof(*sin6);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return xt_err(-errno, "metrics: socket: %s", strerror(errno));
	/* A restarted server takes its port back at once, not after TIME_WAIT. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, ss_len) || listen(fd, 64)) {
		err = -errno;
		close(fd);
		if (err == -EADDRNOTAVAIL)
			return xt_err_input(
				err, "metrics: listen %s: no interface has this address", text);
		return xt_err(err, "metrics: listen %s: %s", text, strerror(-err));
	}
	*out = fd;
	return 0;
}

int xt_metrics_serve(const char *dev, const struct xt_ip *addr, uint16_t port,
		     struct xt_metrics_server **out)
{
	struct xt_metrics_server *s = calloc(1, sizeof(*s));
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD;
	int fd = -1, err;

	if (!s || (dev && !(s->dev = strdup(dev)))) {
		err = xt_err(-ENOMEM, "metrics: out of memory");
		goto fail;
	}
	err = listen_on(addr, port, &fd);
	if (err)
		goto fail;
	if (addr->family == XT_FAMILY_V6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	s->daemon = MHD_start_daemon(flags, port, NULL, NULL, on_request, s,
				     MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_TIMEOUT,
				     (unsigned int)30, MHD_OPTION_END);
	if (!s->daemon) {
		err = xt_err(errno ? -errno : -EIO, "metrics: libmicrohttpd did not start");
		close(fd);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (s)
		free(s->dev);
	free(s);
	return err;
}

void xt_metrics_stop(struct xt_metrics_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	free(s->dev);
	free(s);
}
