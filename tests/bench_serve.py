#!/usr/bin/env python3
# What an editor waits for with carto serve: the time from a file saved to
# the new version served (the version the pages poll moves on, and the page
# shows the new text), and the CPU time of that build (user and kernel, as
# carto serve prints it). Usage: bench_serve.py CARTO SITE [ARGS...]; SITE
# is a synthetic site of tools/gensite (its first organisation is renamed,
# RUNS times, then put back). Prints a Markdown table row per run and the
# medians.
import http.client, os, re, signal, socket, statistics, subprocess, sys, time

carto, site, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
RUNS = int(os.environ.get("BENCH_SERVE_RUNS", "5"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def get(path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path)
    return c.getresponse().read()


def version():
    try:
        return get("/__carto/version")
    except OSError:
        return b""


port = free_port()
logname = os.path.join(os.environ.get("TMPDIR", "/tmp"), "bench-serve.log")
log = open(logname, "w")
proc = subprocess.Popen([carto, "serve", "--site", site, "--port", str(port)] + extra, stdout=log,
                        stderr=subprocess.STDOUT)
org = os.path.join(site, "content", "organismes", "org-000001.yaml")
text = open(org).read()
name = re.search(r'nom: "([^"]*)"', text).group(1)
times, cpus = [], []
try:
    end = time.time() + 600
    while version() != b"1":
        if time.time() > end or proc.poll() is not None:
            sys.exit("bench_serve: the first build did not come")
        time.sleep(0.1)
    for i in range(RUNS):
        v = int(version())
        new = "%s %d" % (name, i)
        time.sleep(0.5)
        t0 = time.monotonic()
        tmp = org + ".tmp"
        open(tmp, "w").write(text.replace('nom: "%s"' % name, 'nom: "%s"' % new, 1))
        os.rename(tmp, org)	# as editors save
        while version() != str(v + 1).encode():
            time.sleep(0.005)
        took = time.monotonic() - t0
        page = get("/organismes/org-000001/").decode()
        if new not in page:
            sys.exit("bench_serve: the new name is not served")
        times.append(took)
        time.sleep(0.1)
        cpu = re.findall(r"build %d ready \(.*, ([0-9.]+) s of CPU\)" % (v + 1), open(logname).read())
        cpus.append(float(cpu[0]) if cpu else float("nan"))
        print("| save %d | %.2f | %.2f |" % (i + 1, took, cpus[-1]))
    print("| median | %.2f | %.2f |" % (statistics.median(times), statistics.median(cpus)))
finally:
    open(org, "w").write(text)
    proc.send_signal(signal.SIGINT)
    proc.wait(600)	# it removes its folder: tens of thousands of files
    log.close()
