/*
 * The preview server. One process, one thread: a poll loop serves up to
 * MAX_CONNS connections at once (one request each, non-blocking, each with
 * a deadline, so a slow or idle client holds no other; when all are taken,
 * the one that has waited longest for its request makes room for a new
 * one), reads the builder's error output and its reports, and reads the watcher: inotify on every folder of site.yaml's folder parts (site.yaml,
 * content/, referentiels/, themes/; a folder created later is watched as
 * soon as it appears), or, when inotify is missing, refused or out of
 * watches (fs.inotify.max_user_watches), or with --poll, a fingerprint of
 * the files every second (path, size and modification time of each, summed
 * so that the order of a directory does not matter). Changes are coalesced:
 * a build starts once the site has been quiet for DEBOUNCE_MS, so an
 * editor's save (a temporary file written, renamed over the old one) makes
 * one rebuild; a change during a build makes one more after it.
 * Builds run in a child process, the builder, which keeps the site loaded
 * between builds (o->refresh reads again what changed) and runs each build
 * in a child of its own (o->build, on a copy of the model: fork's), so a
 * build that fails or crashes leaves the loaded site as it was; the builder
 * reports each build's status and CPU time on a pipe, after which all the
 * build's error output is in the other pipe. A builder that dies (a crash
 * while loading) is one failed build, and the next change starts a new one.
 * Builds publish atomically, so a request always sees one whole build. Requests are mapped to files inside the build only:
 * "." and ".." segments, backslashes and NUL are refused. Start at
 * serve_run.
 */
#define _GNU_SOURCE	/* pipe2, memmem, d_type */
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
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/fs.h"
#include "base/mem.h"

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

/*
 * A connection. Every socket is non-blocking and served by the poll loop, so
 * one client that sends slowly, sends nothing or does not read cannot hold
 * the others: its request must arrive whole within REQUEST_MS, and its
 * response is dropped when it has not moved for SEND_MS. At most MAX_CONNS
 * are open at once. When they all are and another client waits in the
 * listen queue, the one that has waited longest for its request is closed
 * to make room (make_room): a browser's speculative preconnects, a stalled
 * tab or a slowloris would otherwise hold every slot for REQUEST_MS while
 * the page asked waits; a browser opens another connection when it needs
 * one. A connection whose request came whole, or whose response moves, is
 * never closed for that. When every one is sending, the response that has
 * not moved for longest makes room once it has not for STALL_MS: its client
 * stopped reading (40 of them asking a large page and reading nothing held
 * every slot for SEND_MS), while one that reads, however slowly, moves.
 * Until then the next clients wait in the listen queue. A response is its
 * head and small bodies in out, then the rest of a file read in pieces.
 */
/* One user's browser opens a few connections per page; 32 is ample for a
 * preview while bounding the descriptors and memory a flood can take. */
#define MAX_CONNS 32
/* A request is a few hundred bytes: a client that has not sent it whole in
 * 5 s is stalled (or idle: make_room closes it sooner when room is needed). */
#define REQUEST_MS 5000
/* A response that has not moved for 10 s goes to a client that stopped reading. */
#define SEND_MS 10000
/* A response that has not moved for 1 s makes room for a new client when
 * every slot is taken (make_room). */
#define STALL_MS 1000
/* A large file is read and sent this much at a time. */
#define PIECE (64 * 1024)

struct conn {
	int fd;
	int writing;
	char req[8192];
	size_t n;
	struct buf out;		/* what is to be sent next */
	size_t sent;
	int file;		/* file whose [foff, fend) follows out, or -1 */
	off_t foff, fend;
	int64_t deadline;	/* monotonic ms */
};

/* A change is acted on once the site has been quiet this long. */
#define DEBOUNCE_MS 40
#define POLL_MS 1000
/* What is kept of a build's error output for the pages' banner. */
#define LOG_MAX (256 * 1024)
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM \
	| IN_MOVED_TO | IN_DELETE_SELF | IN_EXCL_UNLINK | IN_ONLYDIR)

/* The parts of a site a build reads, in its folder. */
static const char *const parts[] = { "site.yaml", "content", "referentiels", "themes" };

/*
 * The watcher: inotify with the folder of each watch descriptor (dirs[wd],
 * "" for the site's own folder, where only the parts count), or, when fd is
 * -1, the fingerprint of the last poll.
 */
struct watcher {
	int fd;
	char **dirs;
	size_t cap;
	uint64_t stamp;
	int64_t next_poll;	/* monotonic ms */
};

struct server {
	const struct serve_opts *o;
	char dir[64];		/* private folder of the builds */
	struct buf out;		/* dir/site, what is served */
	int fd;
	struct watcher w;
	pid_t builder;		/* the builder process (its group), or 0 */
	int cmd;		/* write end of its orders, or -1 */
	int report;		/* read end of its reports, or -1 */
	int busy;		/* a build is running */
	int err;		/* read end of its error output, or -1 */
	struct buf log;		/* that output (at most LOG_MAX bytes) */
	struct buf errors;	/* the last build's errors when it failed */
	unsigned long version;	/* successful builds */
	unsigned long failures;	/* failed builds */
	int64_t changed;	/* when the first change not built yet was seen (ms), or 0 */
	int64_t quiet;		/* from when that change may start a build (ms) */
	int64_t building;	/* when the change the running build shows was seen, or 0 */
	struct conn *conns;	/* the open connections (see below) */
	size_t nconns;
};

static int64_t now_ms(void);

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (const unsigned char *c = p; n--; c++)
		h = (h ^ *c) * 1099511628211u;
	return h;
}

/* Names a build never reads: hidden files and editors' backups. */
static int ignored(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' || (n && name[n - 1] == '~') || name[0] == '#';
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
		if (ignored(e->d_name))
			continue;	/* ., .., and editors' hidden files */
		buf_reset(&p);
		fs_join(&p, path, e->d_name);
		stamp_tree(p.data, sum, depth + 1);
	}
	closedir(d);
	buf_release(&p);
}

static uint64_t stamp_site(const char *site)
{
	uint64_t sum = 0;
	struct buf p = BUF_INIT;
	for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++) {
		buf_reset(&p);
		fs_join(&p, site, parts[i]);
		stamp_tree(p.data, &sum, 0);
	}
	buf_release(&p);
	return sum;
}

static void watch_stop(struct watcher *w)
{
	if (w->fd >= 0)
		close(w->fd);
	for (size_t i = 0; i < w->cap; i++)
		free(w->dirs[i]);
	free(w->dirs);
	w->dirs = NULL;
	w->cap = 0;
	w->fd = -1;
}

/* Adds a watch on dir (rel "" for the site's folder) and, but for the
 * site's folder, on every folder below it. Returns -1 with errno when
 * inotify refuses one (ENOSPC: out of watches); a folder that vanished
 * meanwhile is no error. */
static int watch_add(struct watcher *w, const char *dir, int below, int depth)
{
	int wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
	if (wd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -1;
	if ((size_t)wd >= w->cap) {
		size_t old = w->cap;
		w->dirs = xgrow(w->dirs, &w->cap, (size_t)wd + 1, sizeof(*w->dirs));
		memset(w->dirs + old, 0, (w->cap - old) * sizeof(*w->dirs));
	}
	free(w->dirs[wd]);
	w->dirs[wd] = xstrdup(below ? dir : "");
	if (!below || depth > 32)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	struct buf p = BUF_INIT;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (ignored(e->d_name))
			continue;
		buf_reset(&p);
		fs_join(&p, dir, e->d_name);
		if ((e->d_type == DT_DIR || e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) &&
		    fs_is_dir(p.data))
			rc = watch_add(w, p.data, 1, depth + 1);
	}
	closedir(d);
	buf_release(&p);
	return rc;
}

/* Watches the site's folder and every folder of its parts. */
static int watch_site(struct watcher *w, const char *site)
{
	if (watch_add(w, site, 0, 0) < 0)
		return -1;
	struct buf p = BUF_INIT;
	int rc = 0;
	for (size_t i = 1; i < sizeof(parts) / sizeof(*parts) && rc == 0; i++) {
		buf_reset(&p);
		fs_join(&p, site, parts[i]);
		if (fs_is_dir(p.data))
			rc = watch_add(w, p.data, 1, 0);
	}
	buf_release(&p);
	return rc;
}

static void watch_poll(struct server *sv, const char *why)
{
	if (why)
		fprintf(stderr, "carto serve: %s: watching by looking at the files every second instead\n", why);
	watch_stop(&sv->w);
	sv->w.stamp = stamp_site(sv->o->site);
	sv->w.next_poll = now_ms() + POLL_MS;
}

static void watch_start(struct server *sv)
{
	sv->w = (struct watcher){ .fd = -1 };
	if (sv->o->poll) {
		watch_poll(sv, NULL);
		return;
	}
	sv->w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (sv->w.fd < 0 || watch_site(&sv->w, sv->o->site) < 0) {
		char why[160];
		snprintf(why, sizeof(why), "inotify cannot watch the site (%s%s)", strerror(errno),
		    errno == ENOSPC ? ": raise fs.inotify.max_user_watches" : "");
		watch_poll(sv, why);
	}
}

/* A change was seen: a build starts once the site is quiet. */
static void changed(struct server *sv)
{
	int64_t now = now_ms();
	if (!sv->changed)
		sv->changed = now;
	sv->quiet = now + DEBOUNCE_MS;
}

/* Reads the pending inotify events. */
static void watch_read(struct server *sv)
{
	struct watcher *w = &sv->w;
	char ev[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	struct buf p = BUF_INIT;
	while (w->fd >= 0 && (n = read(w->fd, ev, sizeof(ev))) > 0) {
		for (char *q = ev; q < ev + n;) {
			const struct inotify_event *e = (const struct inotify_event *)q;
			q += sizeof(*e) + e->len;
			const char *dir = e->wd >= 0 && (size_t)e->wd < w->cap ? w->dirs[e->wd] : NULL;
			if (e->mask & IN_Q_OVERFLOW) {	/* events lost: look at everything again */
				changed(sv);
				if (watch_site(w, sv->o->site) < 0)
					watch_poll(sv, "inotify cannot watch the new folders");
				continue;
			}
			if (e->mask & IN_IGNORED && dir) {
				free(w->dirs[e->wd]);
				w->dirs[e->wd] = NULL;
				continue;
			}
			if (!dir || (e->len && ignored(e->name)))
				continue;
			int part = 0;	/* in the site's folder, only its parts count */
			for (size_t i = 0; !*dir && e->len && i < sizeof(parts) / sizeof(*parts); i++)
				part |= strcmp(e->name, parts[i]) == 0;
			if (!*dir && !part)
				continue;
			changed(sv);
			if (e->len && e->mask & (IN_CREATE | IN_MOVED_TO) && e->mask & IN_ISDIR) {
				buf_reset(&p);
				fs_join(&p, *dir ? dir : sv->o->site, e->name);
				if (watch_add(w, p.data, 1, 0) < 0)
					watch_poll(sv, "inotify cannot watch a new folder (raise fs.inotify.max_user_watches)");
			}
		}
	}
	buf_release(&p);
}

/* What the builder says of each build. */
struct build_report {
	int status;		/* as wait gives it */
	long long cpu_us;	/* the build's CPU time, loading included */
};

static long long cpu_us(const struct rusage *r)
{
	return (long long)(r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1000000 + r->ru_utime.tv_usec +
	    r->ru_stime.tv_usec;
}

/* The builder: waits for an order (a byte on in), brings the loaded site up
 * to date, builds in a child and reports (out). Ends when in closes. */
static void builder_loop(const struct serve_opts *o, int in, int out, const char *site_out)
{
	for (;;) {
		char c;
		ssize_t r = read(in, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			_exit(0);
		struct rusage before, after, ru;
		getrusage(RUSAGE_SELF, &before);
		o->refresh(o->ctx);
		getrusage(RUSAGE_SELF, &after);
		fflush(stdout);
		fflush(stderr);
		struct build_report rep = { 0, cpu_us(&after) - cpu_us(&before) };
		pid_t pid = fork();
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			_exit(o->build(o->ctx, site_out));
		}
		if (pid < 0) {
			fprintf(stderr, "carto serve: cannot start a build: %s\n", strerror(errno));
			rep.status = 1 << 8;
		} else {
			while (wait4(pid, &rep.status, 0, &ru) < 0 && errno == EINTR)
				;
			rep.cpu_us += cpu_us(&ru);
		}
		if (write(out, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
			_exit(1);
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Ends the builder (and the build it runs), if any. */
static void stop_builder(struct server *sv)
{
	close_fd(&sv->cmd);
	close_fd(&sv->report);
	close_fd(&sv->err);
	if (sv->builder) {
		kill(-sv->builder, SIGTERM);
		waitpid(sv->builder, NULL, 0);
	}
	sv->builder = 0;
	sv->busy = 0;
}

static int start_builder(struct server *sv)
{
	int cmd[2], rep[2], err[2];
	fflush(stdout);
	fflush(stderr);
	if (pipe2(cmd, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(rep, O_CLOEXEC) < 0) {
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(cmd[0]);
		close(cmd[1]);
		close(rep[0]);
		close(rep[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);	/* its builds with it: stop_builder ends them all */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(sv->fd);
		for (size_t i = 0; i < sv->nconns; i++)
			close(sv->conns[i].fd);
		if (sv->w.fd >= 0)
			close(sv->w.fd);
		signal(SIGINT, SIG_IGN);	/* Ctrl-C is the server's to handle */
		signal(SIGTERM, SIG_DFL);
		close(cmd[1]);
		close(rep[0]);
		close(err[0]);
		dup2(err[1], 2);
		builder_loop(sv->o, cmd[0], rep[1], sv->out.data);
		_exit(0);
	}
	close(cmd[0]);
	close(rep[1]);
	close(err[1]);
	if (pid < 0) {
		close(cmd[1]);
		close(rep[0]);
		close(err[0]);
		return -1;
	}
	setpgid(pid, pid);	/* either may run first */
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	sv->builder = pid;
	sv->cmd = cmd[1];
	sv->report = rep[0];
	sv->err = err[0];
	return 0;
}

static void start_build(struct server *sv)
{
	if (!sv->builder && start_builder(sv) < 0) {
		fprintf(stderr, "carto serve: cannot start a build: %s\n", strerror(errno));
		return;
	}
	buf_reset(&sv->log);
	if (write(sv->cmd, "b", 1) != 1) {
		fprintf(stderr, "carto serve: cannot start a build: %s\n", strerror(errno));
		stop_builder(sv);
		return;
	}
	sv->busy = 1;
	sv->building = sv->changed;
	sv->changed = 0;
}

/* Passes the builder's error output on to ours, keeping it for the banner. */
static void read_log(struct server *sv)
{
	char b[8192];
	ssize_t n;
	while (sv->err >= 0 && (n = read(sv->err, b, sizeof(b))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			break;
		}
		fwrite(b, 1, (size_t)n, stderr);
		if (sv->log.len < LOG_MAX)
			buf_add(&sv->log, b, (size_t)n < LOG_MAX - sv->log.len ? (size_t)n : LOG_MAX - sv->log.len);
	}
	if (sv->err >= 0) {	/* closed: the builder is ending */
		close(sv->err);
		sv->err = -1;
	}
}

/* The lines of the log that say why the build failed: the errors and
 * carto's own messages, at most 50. */
static void keep_errors(struct server *sv)
{
	buf_reset(&sv->errors);
	size_t n = 0;
	for (char *l = sv->log.data; l && *l && n < 50;) {
		char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		if (memmem(l, len, ": error: ", 9) || strncmp(l, "carto", 5) == 0) {
			buf_add(&sv->errors, l, len);
			buf_putc(&sv->errors, '\n');
			n++;
		}
		l = e ? e + 1 : l + len;
	}
}

static void build_over(struct server *sv, int status, long long cpu)
{
	sv->busy = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		sv->version++;
		buf_reset(&sv->errors);
		printf("carto serve: build %lu ready", sv->version);
		if (sv->building)
			printf(" (%.2f s after the change, %.2f s of CPU)", (double)(now_ms() - sv->building) / 1e3,
			    (double)cpu / 1e6);
		printf("\n");
	} else {
		sv->failures++;
		keep_errors(sv);
		fprintf(stderr, sv->version ? "carto serve: the build failed; the last good site is still served\n"
		    : "carto serve: the build failed; its errors are served until a build succeeds\n");
	}
	fflush(stdout);
}

/* Reads the builder's report of a build; its error output is then whole.
 * A builder that ended (a crash) fails the build; the next starts another. */
static void read_report(struct server *sv)
{
	struct build_report rep;
	ssize_t n;
	while ((n = read(sv->report, &rep, sizeof(rep))) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(rep)) {
		read_log(sv);
		build_over(sv, rep.status, rep.cpu_us);
		return;
	}
	int status = 0;
	read_log(sv);
	close_fd(&sv->cmd);
	close_fd(&sv->report);
	close_fd(&sv->err);
	waitpid(sv->builder, &status, 0);
	sv->builder = 0;
	char why[120];
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "carto serve: the builder stopped (signal %d); the next change starts another\n",
		    WTERMSIG(status));
	else
		snprintf(why, sizeof(why), "carto serve: the builder stopped (status %d); the next change starts another\n",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	fputs(why, stderr);
	if (!sv->busy)	/* between builds: nothing failed yet */
		return;
	if (sv->log.len < LOG_MAX)
		buf_puts(&sv->log, why);
	build_over(sv, status ? status : 1 << 8, 0);
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void respond_head(struct conn *c, int code, const char *type, size_t len,
    const char *location)
{
	static const struct { int code; const char *reason; } r[] = {
		{ 200, "200 OK" }, { 301, "301 Moved Permanently" }, { 400, "400 Bad Request" },
		{ 404, "404 Not Found" }, { 405, "405 Method Not Allowed" },
	};
	const char *reason = "503 Service Unavailable";
	for (size_t i = 0; i < sizeof(r) / sizeof(*r); i++)
		if (r[i].code == code)
			reason = r[i].reason;
	buf_printf(&c->out, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n", reason, type, len);
	if (location)
		buf_printf(&c->out, "Location: %s\r\n", location);
	buf_puts(&c->out, "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n");
}

static void respond(struct conn *c, int code, const char *type, const char *body, size_t len, int head)
{
	respond_head(c, code, type, len, NULL);
	if (!head)
		buf_add(&c->out, body, len);
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

static void not_found(struct server *sv, struct conn *c, int head)
{
	struct buf p = BUF_INIT, body = BUF_INIT;
	fs_join(&p, sv->out.data, "404.html");
	if (fs_read(p.data, 1 << 20, &body) < 0) {
		buf_reset(&body);
		buf_puts(&body, "<!DOCTYPE html><title>Page introuvable</title><p>Page introuvable.</p>");
	}
	respond(c, 404, "text/html; charset=utf-8", body.data, body.len, head);
	buf_release(&p);
	buf_release(&body);
}

/* An HTML page gets the reload script before its last </body> and, when
 * the last build failed, its errors at the top of the page. */
static void send_html(struct server *sv, struct conn *c, const char *path, size_t size, int head)
{
	struct buf body = BUF_INIT, add = BUF_INIT;
	if (fs_read(path, size + 1, &body) < 0) {
		respond(c, 404, "text/plain; charset=utf-8", "not found\n", 10, head);
		return;
	}
	if (sv->errors.len) {
		buf_puts(&add, "<div role=\"alert\" style=\"position:fixed;top:0;left:0;right:0;z-index:99999;"
		    "max-height:50vh;overflow:auto;background:#fff3f3;color:#5a0000;border-bottom:3px solid #b00;"
		    "padding:1em;font:14px/1.4 sans-serif\"><strong>La dernière construction a échoué</strong> : "
		    "ce site est la dernière version construite sans erreur. Corrigez le fichier, la page se "
		    "recharge seule.<pre style=\"white-space:pre-wrap;margin:.5em 0 0\">");
		esc_html(&add, sv->errors.data);
		buf_puts(&add, "</pre></div>\n");
	}
	buf_puts(&add, reload_script);
	char *at = NULL;
	for (char *q = body.data; (q = strstr(q, "</body>")); q++)
		at = q;
	size_t off = at ? (size_t)(at - body.data) : body.len;
	respond_head(c, 200, "text/html; charset=utf-8", body.len + add.len, NULL);
	if (!head) {
		buf_add(&c->out, body.data, off);
		buf_add(&c->out, add.data, add.len);
		buf_add(&c->out, body.data + off, body.len - off);
	}
	buf_release(&body);
	buf_release(&add);
}

/* A preview does not make the documents (build.c, previewed): a link to
 * one gets this page, which says how to have it, instead of a bare 404. */
static int skipped(struct server *sv, struct conn *c, const char *rel, int head)
{
	static const char *const docs[] = { "/pdf/", "/xlsx/", "/data/" };
	int doc = 0;
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++)
		doc |= strncmp(rel, docs[i], strlen(docs[i])) == 0;
	const char *dot = strrchr(rel, '.');
	if (!sv->o->preview || !doc || !dot || strcmp(dot, ".html") == 0)
		return 0;
	struct buf b = BUF_INIT;
	buf_puts(&b, "<!DOCTYPE html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Document non construit"
	    "</title><h1>Document non construit pendant la prévisualisation</h1><p><code>");
	esc_html(&b, rel);
	buf_puts(&b, "</code> n'est pas construit par <code>carto serve</code>, qui ne fait que les pages pour "
	    "les montrer vite : les PDF, les classeurs et les données ouvertes sont faits par "
	    "<code>carto build</code>, ou par <code>carto serve --full</code>.</p></html>\n");
	respond(c, 404, "text/html; charset=utf-8", b.data, b.len, head);
	buf_release(&b);
	return 1;
}

/*
 * Sends a file of the build. A folder asked without its final "/" is
 * redirected to it, so that the page's relative links resolve from the
 * folder. target is the request's raw target (checked: no space or control
 * character).
 */
static void send_file(struct server *sv, struct conn *c, const char *rel,
    const char *target, size_t tlen, int head)
{
	struct buf p = BUF_INIT;
	buf_puts(&p, sv->out.data);
	buf_puts(&p, rel);
	struct stat st;
	if (stat(p.data, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (p.data[p.len - 1] != '/') {
			size_t q = strcspn(target, "?#");
			if (q > tlen)
				q = tlen;
			struct buf loc = BUF_INIT;
			buf_add(&loc, target, q);
			buf_putc(&loc, '/');
			buf_add(&loc, target + q, tlen - q);
			respond_head(c, 301, "text/plain; charset=utf-8", 0, loc.data);
			buf_release(&loc);
			buf_release(&p);
			return;
		}
		buf_puts(&p, "index.html");
	}
	int fd = stat(p.data, &st) == 0 && S_ISREG(st.st_mode) ? open(p.data, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0) {
		if (!skipped(sv, c, rel, head))
			not_found(sv, c, head);
	} else if (strncmp(type_of(p.data), "text/html", 9) == 0)
		send_html(sv, c, p.data, (size_t)st.st_size, head);
	else {
		respond_head(c, 200, type_of(p.data), (size_t)st.st_size, NULL);
		if (!head && st.st_size > 0) {
			c->file = fd;
			c->foff = 0;
			c->fend = st.st_size;
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	buf_release(&p);
}

/* Answers the whole request in c->req. */
static void answer(struct server *sv, struct conn *c)
{
	char *req = c->req;
	char *sp1 = strchr(req, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	int bad = !sp1 || !sp2;
	for (const char *t = sp1 + 1; !bad && t < sp2; t++)
		bad = (unsigned char)*t < 0x21 || *t == 0x7f;
	if (bad) {
		respond(c, 400, "text/plain; charset=utf-8", "bad request\n", 12, 0);
		return;
	}
	int head = (size_t)(sp1 - req) == 4 && strncmp(req, "HEAD", 4) == 0;
	if (!head && !((size_t)(sp1 - req) == 3 && strncmp(req, "GET", 3) == 0)) {
		respond(c, 405, "text/plain; charset=utf-8", "GET or HEAD only\n", 17, 0);
		return;
	}
	struct buf path = BUF_INIT;
	size_t tlen = (size_t)(sp2 - sp1 - 1);
	if (clean_path(sp1 + 1, tlen, &path) < 0) {
		not_found(sv, c, head);
	} else if (strcmp(path.data, VERSION_PATH) == 0) {
		char v[64];
		int k = sv->errors.len ? snprintf(v, sizeof(v), "%lu failed %lu", sv->version, sv->failures)
		    : snprintf(v, sizeof(v), "%lu", sv->version);
		respond(c, 200, "text/plain; charset=utf-8", v, (size_t)k, head);
	} else if (!sv->version) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "<!DOCTYPE html><html lang=\"fr\"><title>Construction en cours</title>"
		    "<p>Le site est en cours de construction ; la page se recharge quand il est prêt.</p>");
		if (sv->errors.len) {
			buf_puts(&b, "<p>La construction a échoué : corrigez le fichier, elle reprend seule.</p><pre>");
			esc_html(&b, sv->errors.data);
			buf_puts(&b, "</pre>");
		}
		buf_puts(&b, reload_script);
		respond(c, 503, "text/html; charset=utf-8", b.data, b.len, head);
		buf_release(&b);
	} else {
		*sp2 = '\0';
		send_file(sv, c, path.data, sp1 + 1, tlen, head);
	}
	buf_release(&path);
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	if (c->file >= 0)
		close(c->file);
	buf_release(&c->out);
	c->fd = -1;
}

/* Reads what the client sent; answers once the headers are whole. Returns
 * -1 when the connection is to be closed. */
static int conn_read(struct server *sv, struct conn *c)
{
	ssize_t r = read(c->fd, c->req + c->n, sizeof(c->req) - 1 - c->n);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0)
		return -1;
	c->n += (size_t)r;
	c->req[c->n] = '\0';
	if (!strstr(c->req, "\r\n\r\n") && c->n < sizeof(c->req) - 1)
		return 0;
	answer(sv, c);
	c->writing = 1;
	c->deadline = now_ms() + SEND_MS;
	return 0;
}

/* Sends what the socket takes now. Returns 1 when all is sent, -1 on error. */
static int conn_write(struct conn *c)
{
	for (;;) {
		if (c->sent == c->out.len && c->file >= 0 && c->foff < c->fend) {
			size_t want = (size_t)(c->fend - c->foff) < PIECE ? (size_t)(c->fend - c->foff) : PIECE;
			buf_reset(&c->out);
			buf_grow(&c->out, want);
			ssize_t r = pread(c->file, c->out.data, want, c->foff);
			if (r <= 0)
				return -1;	/* the file shrank: the length sent is wrong */
			c->out.len = (size_t)r;
			c->out.data[r] = '\0';
			c->foff += r;
			c->sent = 0;
		}
		if (c->sent == c->out.len)
			return 1;
		ssize_t w = send(c->fd, c->out.data + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (w <= 0)
			return -1;
		c->sent += (size_t)w;
		c->deadline = now_ms() + SEND_MS;	/* it moved: more time */
	}
}

/* One turn of the loop over the connections that poll found ready, and the
 * ones past their deadline. */
static void serve_conns(struct server *sv, struct conn *cs, const struct pollfd *p, size_t np)
{
	int64_t now = now_ms();
	for (size_t i = 0; i < np; i++) {
		struct conn *c = &cs[i];
		int rc = 0;
		if (p[i].revents & (POLLERR | POLLHUP | POLLNVAL) && !(p[i].revents & POLLIN))
			rc = -1;
		else if (!c->writing && (p[i].revents & POLLIN))
			rc = conn_read(sv, c);
		if (rc == 0 && c->writing && (p[i].revents & POLLOUT || c->sent == 0))
			rc = conn_write(c);
		if (rc != 0 || c->deadline < now)
			conn_close(c);
	}
}

/*
 * Makes room for a client waiting in the listen queue when all MAX_CONNS
 * slots are taken: closes, among the connections still waiting for their
 * request, the one accepted first (the nearest deadline), which is the
 * least likely to send one. One whose request has come whole since poll is
 * answered instead and the next is taken. Returns 1 when a slot was freed
 * (*nc one less), 0 when every connection is sending a response.
 */
/* The sending connection of cs whose response has not moved for longest,
 * if it has not for STALL_MS at now; else nc. A sending connection's
 * deadline is SEND_MS after its response last moved. */
static size_t stalled(const struct conn *cs, size_t nc, int64_t now)
{
	size_t v = nc;
	for (size_t i = 0; i < nc; i++)
		if (cs[i].writing && cs[i].deadline - SEND_MS <= now - STALL_MS &&
		    (v == nc || cs[i].deadline < cs[v].deadline))
			v = i;
	return v;
}

static int make_room(struct server *sv, struct conn *cs, size_t *nc)
{
	for (;;) {
		size_t v = *nc;
		for (size_t i = 0; i < *nc; i++)
			if (!cs[i].writing && (v == *nc || cs[i].deadline < cs[v].deadline))
				v = i;
		if (v == *nc && (v = stalled(cs, *nc, now_ms())) < *nc) {
			conn_close(&cs[v]);
			cs[v] = cs[--*nc];
			return 1;
		}
		if (v == *nc)
			return 0;
		if (conn_read(sv, &cs[v]) == 0 && cs[v].writing)
			continue;
		conn_close(&cs[v]);
		cs[v] = cs[--*nc];
		return 1;
	}
}

/* Whether a client waits in the listen queue, without accepting it. */
static int is_waiting(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, 0) == 1 && p.revents & POLLIN;
}

/* Accepts the clients waiting in the listen queue into cs, making room for
 * each when every slot is taken. Returns the new number of connections. */
static size_t accept_conns(struct server *sv, struct conn *cs, size_t nc)
{
	for (;;) {
		if (nc == MAX_CONNS && (!is_waiting(sv->fd) || !make_room(sv, cs, &nc)))
			return nc;
		int fd = accept(sv->fd, NULL, NULL);
		if (fd < 0)
			return nc;
		if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
			close(fd);
			continue;
		}
		cs[nc++] = (struct conn){ .fd = fd, .out = BUF_INIT, .file = -1, .deadline = now_ms() + REQUEST_MS };
	}
}

/* Whether make_room could close a connection: one waits for its request,
 * or a response has stalled. */
static int has_room(const struct conn *cs, size_t nc)
{
	for (size_t i = 0; i < nc; i++)
		if (!cs[i].writing)
			return 1;
	return stalled(cs, nc, now_ms()) < nc;
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
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Looks for changes: inotify's events, or a poll when one is due. */
static void watch_turn(struct server *sv, int readable)
{
	if (sv->w.fd >= 0) {
		if (readable)
			watch_read(sv);
		return;
	}
	int64_t now = now_ms();
	if (now < sv->w.next_poll)
		return;
	sv->w.next_poll = now + POLL_MS;
	uint64_t st = stamp_site(sv->o->site);
	if (st != sv->w.stamp) {
		sv->w.stamp = st;
		changed(sv);
	}
}

/* How long poll may sleep: until a quiet change may be built or the next
 * poll of the files, at most 250 ms (the connections' deadlines). */
static int sleep_ms(const struct server *sv)
{
	int64_t now = now_ms(), t = 250;
	if (sv->changed && !sv->busy && sv->quiet - now < t)
		t = sv->quiet - now;
	if (sv->w.fd < 0 && sv->w.next_poll - now < t)
		t = sv->w.next_poll - now;
	return t < 0 ? 0 : (int)t;
}

int serve_run(const struct serve_opts *o)
{
	struct server sv = { .o = o, .out = BUF_INIT, .err = -1, .cmd = -1, .report = -1, .log = BUF_INIT,
		.errors = BUF_INIT };
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
	if (o->preview)
		printf("carto serve: preview: the pages only; the PDFs, workbooks and data files are not built "
		    "(carto serve --full builds them)\n");
	fflush(stdout);
	watch_start(&sv);
	start_build(&sv);
	struct conn cs[MAX_CONNS];
	size_t nc = 0;
	sv.conns = cs;
	while (!stopping) {
		sv.nconns = nc;
		struct pollfd p[MAX_CONNS + 4];
		for (size_t i = 0; i < nc; i++)
			p[i] = (struct pollfd){ cs[i].fd, (short)(cs[i].writing ? POLLOUT : POLLIN), 0 };
		/* When every slot is sending a response, new clients wait in the
		 * listen queue (polling it then would only spin). */
		p[nc] = (struct pollfd){ nc < MAX_CONNS || has_room(cs, nc) ? sv.fd : -1, POLLIN, 0 };
		p[nc + 1] = (struct pollfd){ sv.w.fd, POLLIN, 0 };
		p[nc + 2] = (struct pollfd){ sv.err, POLLIN, 0 };
		p[nc + 3] = (struct pollfd){ sv.report, POLLIN, 0 };
		if (poll(p, nc + 4, sleep_ms(&sv)) < 0 && errno != EINTR)
			break;
		int incoming = p[nc].revents & POLLIN;
		int events = p[nc + 1].revents & POLLIN;
		if (p[nc + 2].revents)
			read_log(&sv);
		if (p[nc + 3].revents && sv.report >= 0)
			read_report(&sv);
		serve_conns(&sv, cs, p, nc);
		size_t k = 0;
		for (size_t i = 0; i < nc; i++)
			if (cs[i].fd >= 0)
				cs[k++] = cs[i];
		nc = k;
		if (incoming)
			nc = accept_conns(&sv, cs, nc);
		sv.nconns = nc;
		watch_turn(&sv, events);
		if (sv.changed && !sv.busy && now_ms() >= sv.quiet) {
			printf("carto serve: change seen, rebuilding\n");
			fflush(stdout);
			start_build(&sv);
		}
	}
	for (size_t i = 0; i < nc; i++)
		conn_close(&cs[i]);
	stop_builder(&sv);
	watch_stop(&sv.w);
	close(sv.fd);
	fs_rmtree(sv.dir);
	buf_release(&sv.out);
	buf_release(&sv.log);
	buf_release(&sv.errors);
	printf("carto serve: stopped\n");
	return 0;
}
