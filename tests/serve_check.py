#!/usr/bin/env python3
# carto serve, end to end: builds the site, serves it on 127.0.0.1 only,
# refuses paths that try to leave the build, rebuilds when a file changes
# (the version the pages poll moves on), keeps the last good site when a
# build fails, and removes its folder when stopped. Prints ok/FAIL lines.
import http.client, os, re, signal, socket, subprocess, sys, time

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
    # Listening on loopback only: /proc/net/tcp lists the socket as 127.0.0.1.
    listen = [l.split() for l in open("/proc/net/tcp").read().splitlines()[1:]]
    mine = [l[1] for l in listen if l[3] == "0A" and int(l[1].split(":")[1], 16) == port]
    report(mine == ["0100007F:%04X" % port], "loopback-only", mine)
    # A change rebuilds, and the pages' version moves on.
    page = os.path.join(site, "content", "pages", "index.md")
    text = open(page).read()
    open(page, "w").write(re.sub(r'titre: "[^"]*"', 'titre: "Accueil modifié pendant serve"', text, count=1))
    ok = wait_for(lambda: get("/__carto/version")[2] == b"2", 120)
    report(ok and "Accueil modifié pendant serve" in get("/")[2].decode(), "rebuild-on-change", open(log).read()[-300:])
    # A broken file: the build fails, the last good site stays.
    yml = os.path.join(site, "site.yaml")
    good = open(yml).read()
    open(yml, "w").write(good + "\n  - [unclosed\n")
    ok = wait_for(lambda: "the build failed" in open(log).read(), 120)
    s, _, b = get("/")
    report(ok and s == 200 and get("/__carto/version")[2] == b"2" and "Accueil modifié pendant serve" in b.decode(),
           "failed-build-keeps-site", open(log).read()[-300:])
    open(yml, "w").write(good)
    ok = wait_for(lambda: get("/__carto/version")[2] == b"3", 120)
    report(ok, "recovers-after-fix")
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
sys.exit(1 if failed else 0)
