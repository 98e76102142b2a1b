/*
 * The preview server. One process, one thread: a poll loop accepts
 * connections (one request each, answered whole), reaps the build child and,
 * every second, fingerprints the site's files (path, size and modification
 * time of each, summed so that the order of a directory does not matter).
 * Builds run in a child process and publish atomically, so a request always
 * sees one whole build. Requests are mapped to files inside the build only:
 * "." and ".." segments, backslashes and NUL are refused. Start at
 * serve_run.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fs.h"

#define VERSION_PATH "/__carto/version"

/* Served pages ask for the build's version every second and reload when it
 * changes: a successful rebuild shows at once, without a browser extension. */
static const char reload_script[] =
	"<script>(function(){var v=null;setInterval(function(){fetch(\"" VERSION_PATH "\",{cache:\"no-store\"})"
	".then(function(r){return r.text();}).then(function(t){if(v!==null&&t!==v)location.reload();v=t;})"
	".catch(function(){});},1000);})();</script>\n";

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

struct server {
	const struct serve_opts *o;
	char dir[64];		/* private folder of the builds */
	struct buf out;		/* dir/site, what is served */
	int fd;
	pid_t child;
	unsigned long version;	/* successful builds */
	uint64_t stamp;
	int dirty;		/* files changed during a build */
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (const unsigned char *c = p; n--; c++)
		h = (h ^ *c) * 1099511628211u;
	return h;
}

static void stamp_tree(const char *path, uint64_t *sum, int depth)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return;
	uint64_t h = fnv(1469598103934665603u, path, strlen(path));
	h = fnv(h, &st.st_size, sizeof(st.st_size));
	h = fnv(h, &st.st_mtim.tv_sec, sizeof(st.st_mtim.tv_sec));
	h = fnv(h, &st.st_mtim.tv_nsec, sizeof(st.st_mtim.tv_nsec));
	*sum += h;
	if (!S_ISDIR(st.st_mode) || depth > 32)
		return;
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	struct buf p = BUF_INIT;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;	/* ., .., and editors' hidden files */
		buf_reset(&p);
		fs_join(&p, path, e->d_name);
		stamp_tree(p.data, sum, depth + 1);
	}
	closedir(d);
	buf_release(&p);
}

/* What the build reads: site.yaml, content/, referentiels/, themes/. */
static uint64_t stamp_site(const char *site)
{
	static const char *const parts[] = { "site.yaml", "content", "referentiels", "themes" };
	uint64_t sum = 0;
	struct buf p = BUF_INIT;
	for (size_t i = 0; i < 4; i++) {
		buf_reset(&p);
		fs_join(&p, site, parts[i]);
		stamp_tree(p.data, &sum, 0);
	}
	buf_release(&p);
	return sum;
}

static void start_build(struct server *sv)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "carto serve: cannot start a build: %s\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		close(sv->fd);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		fflush(stdout);
		_exit(sv->o->build(sv->o->ctx, sv->out.data));
	}
	sv->child = pid;
	sv->dirty = 0;
}

static void reap(struct server *sv)
{
	int status;
	if (!sv->child || waitpid(sv->child, &status, WNOHANG) != sv->child)
		return;
	sv->child = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		sv->version++;
		printf("carto serve: build %lu ready\n", sv->version);
	} else
		fprintf(stderr, "carto serve: the build failed; the last good site is still served\n");
	fflush(stdout);
	if (sv->dirty)
		start_build(sv);
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void respond(int fd, int code, const char *type, const char *body, size_t len, int head)
{
	static const char *const reasons[] = { "200 OK", "400 Bad Request", "404 Not Found",
		"405 Method Not Allowed", "503 Service Unavailable" };
	const char *reason = code == 200 ? reasons[0] : code == 400 ? reasons[1] : code == 404 ? reasons[2]
	    : code == 405 ? reasons[3] : reasons[4];
	char h[512];
	int n = snprintf(h, sizeof(h), "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
	    reason, type, len);
	if (send_all(fd, h, (size_t)n) == 0 && !head && len)
		send_all(fd, body, len);
}

static const char *type_of(const char *path)
{
	static const char *const t[][2] = {
		{ ".html", "text/html; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" }, { ".json", "application/json" },
		{ ".geojson", "application/geo+json" }, { ".csv", "text/csv; charset=utf-8" },
		{ ".xml", "application/xml" }, { ".svg", "image/svg+xml" }, { ".pdf", "application/pdf" },
		{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ ".ics", "text/calendar; charset=utf-8" }, { ".txt", "text/plain; charset=utf-8" },
		{ ".png", "image/png" }, { ".jpg", "image/jpeg" }, { ".woff2", "font/woff2" },
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(t) / sizeof(*t); i++)
		if (strcmp(dot, t[i][0]) == 0)
			return t[i][1];
	return "application/octet-stream";
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes the path of a request target into out ("/a/b"); refuses what
 * could leave the build. Returns 0 or -1. */
static int clean_path(const char *target, size_t len, struct buf *out)
{
	buf_reset(out);
	if (!len || target[0] != '/')
		return -1;
	for (size_t i = 0; i < len && target[i] != '?' && target[i] != '#'; i++) {
		char c = target[i];
		if (c == '%') {
			int a = i + 2 < len ? hexval(target[i + 1]) : -1, b = a >= 0 ? hexval(target[i + 2]) : -1;
			if (b < 0)
				return -1;
			c = (char)(a * 16 + b);
			i += 2;
		}
		if (c == '\0' || c == '\\')
			return -1;
		buf_putc(out, c);
	}
	/* No "." or ".." segment, wherever it is. */
	for (const char *s = out->data; *s;) {
		const char *e = strchr(s + 1, '/');
		size_t n = e ? (size_t)(e - s - 1) : strlen(s + 1);
		if ((n == 1 && s[1] == '.') || (n == 2 && s[1] == '.' && s[2] == '.'))
			return -1;
		if (!e)
			break;
		s = e;
	}
	return 0;
}

static void not_found(struct server *sv, int fd, int head)
{
	struct buf p = BUF_INIT, body = BUF_INIT;
	fs_join(&p, sv->out.data, "404.html");
	if (fs_read(p.data, 1 << 20, &body) < 0) {
		buf_reset(&body);
		buf_puts(&body, "<!DOCTYPE html><title>Page introuvable</title><p>Page introuvable.</p>");
	}
	respond(fd, 404, "text/html; charset=utf-8", body.data, body.len, head);
	buf_release(&p);
	buf_release(&body);
}

/* Sends a file of the build; HTML pages get the reload script. */
static void send_file(struct server *sv, int fd, const char *rel, int head)
{
	struct buf p = BUF_INIT, body = BUF_INIT;
	buf_puts(&p, sv->out.data);
	buf_puts(&p, rel);
	struct stat st;
	if (stat(p.data, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (p.data[p.len - 1] != '/')
			buf_putc(&p, '/');
		buf_puts(&p, "index.html");
	}
	if (stat(p.data, &st) < 0 || !S_ISREG(st.st_mode) || fs_read(p.data, (size_t)st.st_size + 1, &body) < 0) {
		not_found(sv, fd, head);
	} else {
		const char *type = type_of(p.data);
		if (strncmp(type, "text/html", 9) == 0) {
			/* Before the last </body>, or at the end. */
			char *at = NULL;
			for (char *q = body.data; (q = strstr(q, "</body>")); q++)
				at = q;
			size_t off = at ? (size_t)(at - body.data) : body.len;
			struct buf page = BUF_INIT;
			buf_add(&page, body.data, off);
			buf_puts(&page, reload_script);
			buf_add(&page, body.data + off, body.len - off);
			respond(fd, 200, type, page.data, page.len, head);
			buf_release(&page);
		} else
			respond(fd, 200, type, body.data, body.len, head);
	}
	buf_release(&p);
	buf_release(&body);
}

static void handle(struct server *sv, int fd)
{
	char req[8192];
	size_t n = 0;
	/* The request line and headers, within two seconds. */
	req[0] = '\0';
	while (n < sizeof(req) - 1 && !strstr(req, "\r\n\r\n")) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 2000) <= 0)
			return;
		ssize_t r = read(fd, req + n, sizeof(req) - 1 - n);
		if (r <= 0)
			return;
		n += (size_t)r;
		req[n] = '\0';
	}
	char *sp1 = strchr(req, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2) {
		respond(fd, 400, "text/plain; charset=utf-8", "bad request\n", 12, 0);
		return;
	}
	int head = (size_t)(sp1 - req) == 4 && strncmp(req, "HEAD", 4) == 0;
	if (!head && !((size_t)(sp1 - req) == 3 && strncmp(req, "GET", 3) == 0)) {
		respond(fd, 405, "text/plain; charset=utf-8", "GET or HEAD only\n", 17, 0);
		return;
	}
	struct buf path = BUF_INIT;
	if (clean_path(sp1 + 1, (size_t)(sp2 - sp1 - 1), &path) < 0) {
		not_found(sv, fd, head);
	} else if (strcmp(path.data, VERSION_PATH) == 0) {
		char v[32];
		int k = snprintf(v, sizeof(v), "%lu", sv->version);
		respond(fd, 200, "text/plain; charset=utf-8", v, (size_t)k, head);
	} else if (!sv->version) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "<!DOCTYPE html><html lang=\"fr\"><title>Construction en cours</title>"
		    "<p>Le site est en cours de construction ; la page se recharge quand il est prêt.</p>");
		buf_puts(&b, reload_script);
		respond(fd, 503, "text/html; charset=utf-8", b.data, b.len, head);
		buf_release(&b);
	} else
		send_file(sv, fd, path.data, head);
	buf_release(&path);
}

static int listen_on(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* never another interface */
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int serve_run(const struct serve_opts *o)
{
	struct server sv = { .o = o, .out = BUF_INIT };
	sv.fd = listen_on(o->port);
	if (sv.fd < 0) {
		fprintf(stderr, "carto serve: cannot listen on 127.0.0.1:%d: %s\n", o->port, strerror(errno));
		return 1;
	}
	snprintf(sv.dir, sizeof(sv.dir), "/tmp/carto-serve-XXXXXX");
	if (!mkdtemp(sv.dir)) {
		fprintf(stderr, "carto serve: cannot make a folder in /tmp: %s\n", strerror(errno));
		close(sv.fd);
		return 1;
	}
	fs_join(&sv.out, sv.dir, "site");
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf("carto serve: http://127.0.0.1:%d/ (Ctrl-C to stop); rebuilds when %s changes\n", o->port, o->site);
	fflush(stdout);
	sv.stamp = stamp_site(o->site);
	start_build(&sv);
	struct timespec last;
	clock_gettime(CLOCK_MONOTONIC, &last);
	while (!stopping) {
		struct pollfd p = { sv.fd, POLLIN, 0 };
		if (poll(&p, 1, 250) > 0 && (p.revents & POLLIN)) {
			int c = accept(sv.fd, NULL, NULL);
			if (c >= 0) {
				handle(&sv, c);
				close(c);
			}
		}
		reap(&sv);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - last.tv_sec >= 1) {
			last = now;
			uint64_t st = stamp_site(o->site);
			if (st != sv.stamp) {
				sv.stamp = st;
				printf("carto serve: change seen, rebuilding\n");
				fflush(stdout);
				if (sv.child)
					sv.dirty = 1;
				else
					start_build(&sv);
			}
		}
	}
	if (sv.child) {
		kill(sv.child, SIGTERM);
		waitpid(sv.child, NULL, 0);
	}
	close(sv.fd);
	fs_rmtree(sv.dir);
	buf_release(&sv.out);
	printf("carto serve: stopped\n");
	return 0;
}
