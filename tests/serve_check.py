#!/usr/bin/env python3
# carto serve, end to end: builds the site, serves it on 127.0.0.1 only,
# refuses paths that try to leave the build, serves a page at once while
# stalled or idle clients take every slot (or soon, while clients that read
# nothing of a large page do), rebuilds when a file changes
# (the version the pages poll moves on), once for an editor's save made of
# several file operations, watches folders created after it started, keeps
# the last good site when a build fails and shows the error in its pages,
# skips the PDFs unless --full, watches by polling with --poll, and removes
# its folder when stopped. The builder keeps the site loaded and reads again
# what changed: organisation files changed, added, renamed, removed, broken
# and mended give the bytes of a fresh build, a file saved twice quickly is
# one rebuild, and 50 saves of a large file leave its memory bounded.
# Prints ok/FAIL lines.
import filecmp, http.client, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

carto, site, log = sys.argv[1], sys.argv[2], sys.argv[3]
failed = 0


def report(ok, name, detail=""):
    global failed
    print(("ok " if ok else "FAIL ") + "serve/" + name + ("" if ok or not detail else "\n  " + str(detail)))
    failed += not ok


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def get(path, method="GET"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path)
    r = c.getresponse()
    return r.status, r.getheader("Content-Type") or "", r.read()


def wait_for(cond, seconds):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if cond():
                return True
        except OSError:
            pass
        time.sleep(0.25)
    return False


def listening():
    """The lines of /proc/net/tcp (split) of the sockets listening on port."""
    lines = (l.split() for l in open("/proc/net/tcp").read().splitlines()[1:])
    return [f for f in lines if f[3] == "0A" and int(f[1].split(":")[1], 16) == port]


def listen_queue():
    """The clients waiting in the server's listen queue (the rx_queue of a
    listening socket), or -1."""
    mine = listening()
    return int(mine[0][4].split(":")[1], 16) if mine else -1


def queue_room():
    """Waits (2 s at most) until the server's listen queue has room. It holds
    17 clients (serve.c's listen(fd, 16)); a connect to a full one waits for
    its SYN resent 1 s later, which a loaded machine that does not run the
    server between a test's connects would add to what the test measures.
    Returns True."""
    wait_for(lambda: listen_queue() < 12, 2)
    return True


def stop(p):
    """Stops carto serve p as Ctrl-C does, killing it after a minute."""
    p.send_signal(signal.SIGINT)
    try:
        p.wait(60)
    except subprocess.TimeoutExpired:
        p.kill()


def timed_home():
    """Asks for / once the listen queue has room: (start, status, body, seconds)."""
    queue_room()
    t0 = time.time()
    try:
        s, _, b = get("/")
    except OSError as e:
        s, b = repr(e), b""
    return t0, s, b, time.time() - t0


def other(args, env, check, where=None, logfile=None):
    """Runs carto serve ARGS on its own port (on the site where, logging to
    logfile) and reports check(), which other.proc and other.log help."""
    global port
    port0, port = port, free_port()
    other.log = logfile or log
    out = open(other.log, "w")
    p = subprocess.Popen([carto, "serve", "--site", where or site, "--port", str(port)] + args, stdout=out,
                         stderr=subprocess.STDOUT, env=dict(os.environ, **env))
    other.proc = p
    try:
        ready = wait_for(lambda: get("/__carto/version")[2] == b"1", 300)
        return ready and check()
    finally:
        stop(p)
        out.close()
        if logfile:	# the main server's port again
            port = port0


# An organisation of the site, for its page and its PDF.
orgs = os.path.join(site, "content", "organismes")
first = open(os.path.join(orgs, sorted(f for f in os.listdir(orgs) if f.endswith(".yaml"))[0])).read()
org = re.search(r"^[ -]*id: *\"?([a-z0-9-]+)", first, re.M).group(1)
port = free_port()
out = open(log, "w")
proc = subprocess.Popen([carto, "serve", "--site", site, "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
try:
    ready = wait_for(lambda: get("/__carto/version")[2] == b"1", 120)
    report(ready, "first-build", open(log).read()[-500:])
    if not ready:
        raise SystemExit(1)
    s, t, b = get("/")
    report(s == 200 and t.startswith("text/html") and b"/__carto/version" in b and b"</html>" in b, "home-with-reload-script", (s, t))
    s, t, b = get("/assets/style.css")
    report(s == 200 and t.startswith("text/css") and b"/__carto/version" not in b, "asset-type", (s, t))
    s, t, _ = get("/", "HEAD")
    report(s == 200, "head", s)
    s, _, _ = get("/", "POST")
    report(s == 405, "post-refused", s)
    bad = ["/../site.yaml", "/%2e%2e/site.yaml", "/assets/..%2f..%2fsite.yaml", "/.%2e/.%2e/etc/passwd",
           "/assets/%00style.css", "/assets\\..\\site.yaml", "/nothing-here/"]
    got = {p: get(p)[0] for p in bad}
    report(all(v == 404 for v in got.values()), "paths-stay-inside", got)
    # A folder asked without its final "/" is redirected to it (its page's
    # relative links resolve from the folder), query string kept.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/organismes?vue=liste")
    r = c.getresponse()
    report(r.status == 301 and r.getheader("Location") == "/organismes/?vue=liste", "folder-redirects-to-slash",
           (r.status, r.getheader("Location")))
    # sec-08: clients that do not read a large page, send nothing, or send
    # one byte at a time do not hold the others; the idle ones are dropped.
    stalled = []
    for _ in range(2):
        x = socket.socket()
        x.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        x.connect(("127.0.0.1", port))
        x.sendall(b"GET /gros/ HTTP/1.1\r\n\r\n")
        stalled.append(x)
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    drip = socket.create_connection(("127.0.0.1", port))
    drip.sendall(b"GE")
    time.sleep(1)
    t0 = time.time()
    try:
        s, _, b = get("/")
        drip.sendall(b"T")
        s2, _, b2 = get("/gros/")
    except OSError as e:
        s = s2 = repr(e)
        b2 = b""
    took = time.time() - t0
    report(s == 200 and s2 == 200 and len(b2) > 4000000 and took < 5, "stalled-clients-hold-no-other", (s, s2, len(b2), took))
    idle[0].settimeout(20)
    t0 = time.time()
    try:
        gone = idle[0].recv(1) == b""
    except OSError:
        gone = True
    report(gone and time.time() - t0 < 15, "idle-client-dropped", time.time() - t0)
    for x in stalled + idle + [drip]:
        x.close()
    # sec-08 too: 40 clients that connect and send nothing (a browser's
    # speculative preconnects, a stalled tab) take every slot; a page asked
    # after them is served at once, not when they time out (REQUEST_MS, 5 s):
    # the ones that have waited longest make room, and a response being sent
    # is not cut for that.
    big = socket.socket()
    big.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)	# stays in the middle of its response
    big.settimeout(10)
    big.connect(("127.0.0.1", port))
    big.sendall(b"GET /gros/ HTTP/1.1\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        d = big.recv(4096)
        if not d:
            break
        head += d
    m = re.search(rb"Content-Length: (\d+)", head)
    length = int(m.group(1)) if m else 0
    got = len(head) - head.find(b"\r\n\r\n") - 4
    idle = [queue_room() and socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
    t0, s, b, took = timed_home()
    report(s == 200 and b.rstrip().endswith(b"</html>") and took < 1, "idle-clients-make-room",
           (s, len(b), "%.2f s" % took))
    # The first ones were closed to make room (EOF), long before their
    # deadline; the last ones are still open.
    idle[0].settimeout(10)
    try:
        gone = idle[0].recv(1) == b""
    except OSError:
        gone = True
    evicted = time.time() - t0
    try:
        idle[-1].recv(1, socket.MSG_DONTWAIT)
        last_open = False	# closed, or answered without a request
    except BlockingIOError:
        last_open = True
    except OSError:
        last_open = False
    report(gone and evicted < 1 and last_open, "idle-clients-oldest-closed",
           (gone, "%.2f s" % evicted, last_open))
    while got < length:
        try:
            d = big.recv(65536)
        except OSError:
            break
        if not d:
            break
        got += len(d)
    report(length > 4000000 and got == length, "response-in-progress-not-cut", (got, length))
    for x in idle + [big]:
        x.close()
    # The same with 40 clients that ask the large page and read nothing:
    # their responses stall and hold every slot; a page asked after them is
    # served once the responses stalled longest make room (1 s), not when
    # they time out (SEND_MS, 10 s).
    readers = []
    for _ in range(40):
        queue_room()
        x = socket.socket()
        x.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        x.settimeout(10)
        x.connect(("127.0.0.1", port))
        x.sendall(b"GET /gros/ HTTP/1.1\r\n\r\n")
        readers.append(x)
    t0, s, b, took = timed_home()
    report(s == 200 and b.rstrip().endswith(b"</html>") and took < 5, "stalled-readers-make-room",
           (s, len(b), "%.2f s" % took))
    for x in readers:
        x.close()
    # Listening on loopback only: /proc/net/tcp lists the socket as 127.0.0.1.
    mine = [l[1] for l in listening()]
    report(mine == ["0100007F:%04X" % port], "loopback-only", mine)
    # A change rebuilds, and the pages' version moves on.
    page = os.path.join(site, "content", "pages", "index.md")
    text = open(page).read()
    open(page, "w").write(re.sub(r'titre: "[^"]*"', 'titre: "Accueil modifié pendant serve"', text, count=1))
    ok = wait_for(lambda: get("/__carto/version")[2] == b"2", 120)
    report(ok and "Accueil modifié pendant serve" in get("/")[2].decode(), "rebuild-on-change", open(log).read()[-300:])
    # An editor's save: a test file created and removed, a backup, the new
    # text written to a temporary file renamed over the page. One rebuild.
    builds = open(log).read().count("change seen, rebuilding")
    d = os.path.join(site, "content", "pages")
    open(os.path.join(d, "4913"), "w").close()
    os.unlink(os.path.join(d, "4913"))
    open(os.path.join(d, "index.md~"), "w").write(text)
    tmp = os.path.join(d, ".index.md.swp")
    open(tmp, "w").write(re.sub(r'titre: "[^"]*"', 'titre: "Accueil sauvé en une fois"', text, count=1))
    os.rename(tmp, page)
    os.unlink(os.path.join(d, "index.md~"))
    ok = wait_for(lambda: get("/__carto/version")[2] == b"3", 120)
    time.sleep(1.5)
    more = open(log).read().count("change seen, rebuilding") - builds
    report(ok and more == 1 and get("/__carto/version")[2] == b"3" and "Accueil sauvé en une fois" in get("/")[2].decode(),
           "one-save-one-rebuild", (ok, more, get("/__carto/version")[2]))
    # A folder made after the start is watched, and so is a file in it.
    nd = os.path.join(site, "content", "pages", "nouveau", "plus-bas")
    os.makedirs(nd)
    ok = wait_for(lambda: get("/__carto/version")[2] == b"4", 120)
    open(os.path.join(nd, "page.md"), "w").write('---\ntitre: "Page d\'un dossier neuf"\n---\n\nBonjour.\n')
    ok = ok and wait_for(lambda: get("/__carto/version")[2] == b"5", 120)
    s, _, b = get("/nouveau/plus-bas/page/")
    report(ok and s == 200 and "dossier neuf" in b.decode(), "new-folder-watched",
           (ok, s, open(log).read()[-300:]))
    # Without --full the documents are not built: the page links its PDF,
    # without a size, and the link says how to have it.
    s, _, b = get("/organismes/%s/" % org)
    pdf = re.search(r'href="([^"]*%s\.pdf)"' % org, b.decode())
    s2, t2, b2 = get("/pdf/organismes/%s.pdf" % org)
    report(s == 200 and pdf and "(PDF)" in b.decode() and s2 == 404 and b"carto serve --full" in b2,
           "preview-skips-pdf", (s, bool(pdf), s2, b2[:200]))
    # A broken file: the build fails, the last good site stays, and its
    # pages say why above their content.
    yml = os.path.join(site, "site.yaml")
    good = open(yml).read()
    open(yml, "w").write(good + "\n  - [unclosed\n")
    ok = wait_for(lambda: get("/__carto/version")[2] == b"5 failed 1", 120)
    s, _, b = get("/")
    b = b.decode()
    report(ok and s == 200 and "Accueil sauvé en une fois" in b and "La dernière construction a échoué" in b
           and re.search(r"site\.yaml:\d+:\d+: error: ", b)
           and "the build failed; the last good site is still served" in open(log).read(),
           "failed-build-keeps-site-and-shows-error", open(log).read()[-300:])
    open(yml, "w").write(good)
    ok = wait_for(lambda: get("/__carto/version")[2] == b"6", 120)
    report(ok and "La dernière construction a échoué" not in get("/")[2].decode(), "recovers-after-fix")

    # The builder reads again only what changed: an organisation renamed in
    # its file, one added, a file renamed, one removed.
    def saved(change, name, want=None):
        v = int(get("/__carto/version")[2].split()[0])
        change()
        ok = wait_for(lambda: get("/__carto/version")[2] == str(v + 1).encode(), 120)
        page = get("/organismes/%s/" % org)[2].decode()
        report(ok and (want is None or want in page), name, (ok, open(log).read()[-300:]))
    path = os.path.join(orgs, sorted(f for f in os.listdir(orgs) if f.endswith(".yaml"))[0])
    saved(lambda: open(path, "w").write(re.sub(r'nom: "[^"]*"', 'nom: "Nom changé pendant serve"', first, count=1)),
          "org-changed", "Nom changé pendant serve")
    extra = os.path.join(orgs, "zz-ajout-pendant-serve.yaml")
    added = re.sub(r"^([ -]*id: *\"?)[a-z0-9-]+", r"\1zz-ajout-pendant-serve", first, count=1, flags=re.M)
    def add():
        open(extra, "w").write(added)
    saved(add, "org-added")
    s, _, b = get("/organismes/zz-ajout-pendant-serve/")
    report(s == 200, "org-added-served", s)
    moved = os.path.join(orgs, "zz-sous-un-autre-nom.yaml")
    saved(lambda: os.rename(extra, moved), "org-file-renamed")
    saved(lambda: os.unlink(moved), "org-removed")
    s, _, b = get("/organismes/zz-ajout-pendant-serve/")
    report(s == 404, "org-removed-not-served", s)
    # A broken organisation file: the build fails, the server stays and
    # says why; mended, the site comes back.
    v = get("/__carto/version")[2].decode()
    open(path, "w").write(first + "\n  - [unclosed\n")
    ok = wait_for(lambda: b"failed" in get("/__carto/version")[2], 120)
    b = get("/")[2].decode()
    report(ok and "La dernière construction a échoué" in b and os.path.basename(path) in b,
           "broken-org-keeps-site", (ok, open(log).read()[-300:]))
    saved(lambda: open(path, "w").write(first), "broken-org-mended")
    # A file saved twice in a row quickly: one rebuild, of the second text.
    builds = open(log).read().count("change seen, rebuilding")
    v = int(get("/__carto/version")[2])
    open(path, "w").write(re.sub(r'nom: "[^"]*"', 'nom: "Premier jet"', first, count=1))
    time.sleep(0.005)
    open(path, "w").write(re.sub(r'nom: "[^"]*"', 'nom: "Second jet"', first, count=1))
    ok = wait_for(lambda: get("/__carto/version")[2] == str(v + 1).encode(), 120)
    time.sleep(1.5)
    more = open(log).read().count("change seen, rebuilding") - builds
    report(ok and more == 1 and get("/__carto/version")[2] == str(v + 1).encode()
           and "Second jet" in get("/organismes/%s/" % org)[2].decode(), "saved-twice-one-rebuild", (ok, more))
    # A builder that dies (killed here, as a crash would) does not take the
    # server with it: the next change starts another, which loads the site.
    def builder():
        kids = open("/proc/%d/task/%d/children" % (proc.pid, proc.pid)).read().split()
        return int(kids[0]) if kids else 0
    dead = builder()
    if dead:
        os.kill(dead, signal.SIGKILL)
    time.sleep(0.5)
    saved(lambda: open(path, "w").write(re.sub(r'nom: "[^"]*"', 'nom: "Après le builder"', first, count=1)),
          "builder-killed-server-goes-on", "Après le builder")
    report(dead and builder() not in (0, dead), "builder-restarted", (dead, builder()))
    # After all that, the site served is the bytes of a fresh build of the
    # same files (a second carto serve, which loads everything).
    served = re.findall(r"published (/tmp/carto-serve-[A-Za-z0-9]+/site)", open(log).read())[-1]
    diff = []
    def same_bytes():
        fresh = re.findall(r"published (/tmp/carto-serve-[A-Za-z0-9]+/site)", open(other.log).read())
        def walk(c, rel=""):
            diff.extend(os.path.join(rel, f) for f in c.left_only + c.right_only + c.funny_files)
            for k, sub in c.subdirs.items():
                walk(sub, os.path.join(rel, k))
        walk(filecmp.dircmp(served, fresh[-1], ignore=[]))
        for dp, _, fs in os.walk(served):	# every file's bytes, not its stat
            for f in fs:
                a = os.path.join(dp, f)
                b = os.path.join(fresh[-1], os.path.relpath(a, served))
                if os.path.isfile(b) and open(a, "rb").read() != open(b, "rb").read():
                    diff.append(os.path.relpath(a, served))
        return not diff
    report(other([], {}, same_bytes, logfile=log + ".fresh"), "incremental-same-bytes-as-fresh", sorted(set(diff))[:10])
finally:
    proc.send_signal(signal.SIGINT)
    try:
        rc = proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = -1
    out.close()
text = open(log).read()
dirs = set(re.findall(r"published (/tmp/carto-serve-[A-Za-z0-9]+)/site", text))
report(rc == 0 and dirs and not any(os.path.exists(d) for d in dirs), "stops-and-cleans", (rc, dirs))


# --full builds the documents too.
def full():
    s, t, b = get("/pdf/organismes/%s.pdf" % org)
    return s == 200 and t == "application/pdf" and b.startswith(b"%PDF")
report(other(["--full"], {}, full), "full-builds-pdf", open(log).read()[-300:])


# Polling instead of inotify (CARTO_SERVE_POLL, as --poll): a change is
# still seen.
def polled():
    open(page, "a").write("\nVu par sondage.\n")
    return wait_for(lambda: get("/__carto/version")[2] == b"2", 120) and "Vu par sondage" in get("/")[2].decode()
report(other([], {"CARTO_SERVE_POLL": "1"}, polled), "polling-sees-change", open(log).read()[-300:])


# Memory: a large organisation file (about 1 MB) saved 50 times over a small
# site; the builder keeps the site loaded, and what each save replaces is
# freed (or the whole site read again), so its memory does not grow with
# the saves. Not timed.
def rss(pid):
    for l in open("/proc/%d/status" % pid):
        if l.startswith("VmRSS:"):
            return int(l.split()[1])
    return 0


def builder_of(pid):
    kids = open("/proc/%d/task/%d/children" % (pid, pid)).read().split()
    return int(kids[0]) if kids else 0


small = tempfile.mkdtemp(prefix="carto-serve-rss-")
try:
    base = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check", "base")
    shutil.copytree(base, os.path.join(small, "site"))
    site = os.path.join(small, "site")
    org_text = open(os.path.join(site, "content", "organismes", "asso-test.yaml")).read()
    big = os.path.join(site, "content", "organismes", "grand.yaml")
    long = " ".join("Objectif %d de l'offre, décrit longuement." % i for i in range(6000))
    def big_text(n):
        t = org_text.replace("id: asso-test", "id: grand").replace("Association Test", "Grande association %d" % n)
        offers = t[t.index("    - id: fle-soir"):t.index("  meta:")]
        many = "".join(offers.replace("id: fle-soir", "id: offre-%d" % k).replace(
            'intitule: "Français – vers A1"', 'intitule: "Offre %d"\n      objectif: "%s"' % (k, long)) for k in range(4))
        return t.replace(offers, many)
    open(big, "w").write(big_text(0))
    def bounded():
        sizes = []
        pid = builder_of(other.proc.pid)
        for n in range(1, 51):
            v = int(get("/__carto/version")[2].split()[0])
            tmp = os.path.join(small, "grand.tmp")	# outside the site: one change, the rename
            open(tmp, "w").write(big_text(n))
            os.rename(tmp, big)
            if not wait_for(lambda: get("/__carto/version")[2] == str(v + 1).encode(), 120):
                bounded.why = ("save", n, open(log).read()[-300:])
                return False
            if n in (5, 50):
                sizes.append(rss(pid))
        bounded.why = (len(open(big).read()), sizes, builder_of(other.proc.pid) == pid)
        # Without freeing, each save would keep its copy: 45 MB and more.
        return builder_of(other.proc.pid) == pid and sizes[1] < sizes[0] + 16 * 1024
    bounded.why = None
    # Under AddressSanitizer, freed memory waits in a quarantine (256 MB)
    # before it is used again: a small one, so that RSS shows the reuse.
    asan = os.environ.get("ASAN_OPTIONS", "")
    ok = other([], {"ASAN_OPTIONS": asan + (":" if asan else "") + "quarantine_size_mb=8"}, bounded, where=site)
    report(ok, "memory-bounded-over-50-saves", bounded.why)
finally:
    shutil.rmtree(small, ignore_errors=True)

# A site broken from the start: there is no last good site to keep, and the
# console does not say there is one; the errors are served.
broken = tempfile.mkdtemp(prefix="carto-serve-broken-")
try:
    shutil.copytree(sys.argv[2], broken, dirs_exist_ok=True)	# site is the memory test's by now
    with open(os.path.join(broken, "site.yaml"), "a") as f:
        f.write("\n  - [unclosed\n")
    port0, port = port, free_port()
    blog = log + ".broken"
    with open(blog, "w") as out:
        p = subprocess.Popen([carto, "serve", "--site", broken, "--port", str(port)], stdout=out,
                             stderr=subprocess.STDOUT)
        try:
            ok = wait_for(lambda: b"failed" in get("/__carto/version")[2], 300)
            b = get("/")[2].decode() if ok else ""
        finally:
            stop(p)
    said = open(blog).read()
    report(ok and re.search(r"site\.yaml:\d+:\d+: error: ", b) and "last good site" not in said
           and "its errors are served until a build succeeds" in said, "first-build-failed-says-no-last-site",
           said[-300:])
    port = port0
finally:
    shutil.rmtree(broken, ignore_errors=True)
sys.exit(1 if failed else 0)
