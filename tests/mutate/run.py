#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The mutation check (`make mutate`): do the tests notice a regression?

Each mutant in tests/mutate/mutants.txt is a small fault of the kind a regression makes (a
flipped comparison, a dropped check, a constant where a hash belongs). One at a time, it is
planted in a copy of the tree, the copy is built, and the tests run: the mutant's own
`tests:` first (where its killer is expected), then the unit and BPF tests, then, only if
all of those pass, the end-to-end and interop tests. The first failing test kills it; a
mutant that passes every test survived, and either a test is missing or the mutant is
`equivalent` (no behaviour anyone could observe), which the list says with the reason.
Within a tier the tests that killed most so far (of the same file first) go first; the
order decides how soon a mutant dies, never whether. A namespace test the mutant does not
name kills only if it fails twice in a row. Each test program is built just before it runs.
After each mutant, the file and every file of
the copy's build are put back as they were after the first build, mtimes included (class
Pristine): the next mutant rebuilds only what its own change reaches.
An equivalent mutant runs the tests its `tests:` line names, those that exercise its code
(a kill there shows the claim wrong); --full-equivalent runs every test for it too.

Several copies of the tree (--jobs, 2 unless MUTATE_JOBS says otherwise) take mutants in
turn: most of a namespace test's time is spent waiting, and each copy has its own build,
namespaces and logs, as two runs of `make test` on one machine do.

A mutant names a snippet of source text, not a file and line, so that the list survives
code moving between files: the snippet is looked for in every file under bpf/, include/,
loader/ and cli/ (in the `in:` file first, if given) and must be found exactly once; runs
of whitespace in the snippet match any run of whitespace, so clang-format's rewrapping does
not matter either. A snippet found nowhere or more than once is an error in the list, and
reported as such.

Usage: tests/mutate/run.py [--check] [--no-baseline] [--full-equivalent] [--jobs=N]
                           [--test=T]... [ID...]
  --check            only find every snippet (no build, no test): the list's maintenance
                     check; also names snippets found outside their `in:` file
  --no-baseline      skip the run of the whole suite on the unchanged copies
  --full-equivalent  run every test for the equivalent mutants too
  --jobs=N           N copies of the tree, N mutants at a time (default 2, or MUTATE_JOBS)
  --test=T           run only test T (as tests/run.sh names it, e.g. tests/bpf/forward), to
                     see which mutants one test kills; "survived" then means survived T
  ID...              only these mutants
Environment: BUILD (default ./build) holds the copies, in BUILD/mutate/treeN (their first
builds kept in treeN.pristine), and the logs.
Exit status 0 when every snippet is found once and every mutant not listed as equivalent
is killed; 1 otherwise.
"""
import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MUTANTS = os.path.join(ROOT, "tests", "mutate", "mutants.txt")
SOURCE_DIRS = ("bpf", "include", "loader", "cli")
KEYS = ("in", "find", "replace", "breaks", "tests", "equivalent")
# A test that runs this much longer than on the unchanged tree hangs: it is stopped and
# the mutant counts as killed by it.
TIMEOUT_FACTOR, TIMEOUT_SLACK, TIMEOUT_DEFAULT = 3, 60, 600


class Mutant:
    def __init__(self, ident, line):
        self.id, self.line = ident, line
        self.fields = {}
        self.file = None  # where the snippet is, relative to the tree
        self.span = None  # (start, end) of the snippet in that file
        self.error = None  # the list's fault, if the snippet cannot be placed
        self.moved = False  # found, but not in the `in:` file
        self.verdict = None  # killed, survived, does-not-build
        self.killer = ""
        self.seconds = 0
        self.build_seconds = 0  # of seconds: in make, for the mutant's text

    def get(self, key):
        return self.fields.get(key, "")


def parse_mutants(path):
    """[ID] starts a mutant; then `key: value` lines; # starts a comment line."""
    mutants, current = [], None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.fullmatch(r"\[([A-Za-z0-9_.-]+)\]\s*", line)
            if m:
                current = Mutant(m.group(1), n)
                mutants.append(current)
                continue
            m = re.fullmatch(r"([a-z]+):(?: (.*))?", line)
            if not current or not m or m.group(1) not in KEYS:
                sys.exit("%s:%d: expected [ID] or one of %s: VALUE" % (path, n, ", ".join(KEYS)))
            if m.group(1) in current.fields:
                sys.exit("%s:%d: %s given twice in [%s]" % (path, n, m.group(1), current.id))
            current.fields[m.group(1)] = m.group(2) or ""
    seen = set()
    for mu in mutants:
        if mu.id in seen:
            sys.exit("%s:%d: mutant id %s used twice" % (path, mu.line, mu.id))
        seen.add(mu.id)
        for key in ("find", "replace", "breaks"):
            if key not in mu.fields:
                mu.error = "no '%s:' line" % key
        if mu.get("equivalent") and not mu.get("tests").split():
            mu.error = "an equivalent mutant names the tests that exercise its code ('tests:')"
    return mutants


def snippet_regex(snippet):
    return re.compile(r"\s+".join(re.escape(t) for t in snippet.split()))


def source_files(tree):
    files = []
    for d in SOURCE_DIRS:
        for dirpath, _, names in os.walk(os.path.join(tree, d)):
            for name in sorted(names):
                if name.endswith((".c", ".h")):
                    files.append(os.path.relpath(os.path.join(dirpath, name), tree))
    return sorted(files)


def place(mu, tree, texts):
    """Finds the snippet: once in the `in:` file, else once in the whole tree."""
    if mu.error:
        return
    if not mu.get("find").strip():
        mu.error = "empty snippet"
        return
    rx = snippet_regex(mu.get("find"))
    hits = [(f, m.span()) for f in source_files(tree) for m in rx.finditer(texts[f])]
    hint = mu.get("in")
    in_hint = [h for h in hits if h[0] == hint]
    if len(in_hint) == 1:
        hits = in_hint
    if not hits:
        mu.error = "snippet not found"
    elif len(hits) > 1:
        mu.error = "snippet ambiguous (%d places: %s)" % (
            len(hits), ", ".join(sorted(set(h[0] for h in hits))))
    else:
        mu.file, mu.span = hits[0]
        if hint and mu.file != hint:
            mu.moved = True
        start, end = mu.span
        if texts[mu.file][start:end] == mu.get("replace"):
            mu.error = "replacement is the snippet itself"


def copy_tree(dest):
    """The tracked files (and new, not ignored ones) as they are in the worktree."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    try:
        out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], check=True, capture_output=True).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for dirpath, dirnames, files in os.walk(ROOT):
            dirnames[:] = [d for d in dirnames if d not in ("build", ".git")]
            names += [os.path.relpath(os.path.join(dirpath, f), ROOT) for f in files]
    for name in names:
        src = os.path.join(ROOT, name)
        if not os.path.isfile(src):  # deleted in the worktree, not yet in git
            continue
        os.makedirs(os.path.join(dest, os.path.dirname(name)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, name))


def tree_env(tree):
    """The copy's own build directory, and nothing of a make that runs this script."""
    env = dict(os.environ, BUILD=os.path.join(tree, "build"))
    for name in ("XTUNNEL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(name, None)
    return env


def build(tree, log, goals=("all",)):
    """True if make built the goals; the log says how long it took."""
    t0 = time.time()
    r = subprocess.run(["make", "-s", "-j2"] + list(goals), cwd=tree, env=tree_env(tree),
                       stdout=log, stderr=subprocess.STDOUT)
    log.write("--- built %s: %.1f s\n" % (" ".join(os.path.basename(g) for g in goals),
                                          time.time() - t0))
    log.flush()
    return r.returncode == 0


class DoesNotBuild(Exception):
    pass


def signature(path):
    """What changes whenever a file is written: the ctime cannot be set back by anyone, so
    a file whose signature is the one recorded has not been touched since."""
    st = os.lstat(path)
    return st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns


class Pristine:
    """The copy's build as `make all` left it on the unchanged text, kept beside the copy
    (treeN.pristine), and put back after each mutant: every file of the build that the
    mutant's build or tests wrote, added or removed is made again what it was, with its
    mtime, and the mutated source gets its own mtime back. Make then sees the tree exactly
    as after the first build (`make -q all` checks it each time), so the next mutant
    rebuilds only what its own change reaches, never the previous mutant's outputs for the
    original text again, and no object built from a mutant's text outlives it."""

    def __init__(self, tree):
        self.tree = tree
        self.build = os.path.join(tree, "build")
        self.kept = tree + ".pristine"
        if os.path.exists(self.kept):
            shutil.rmtree(self.kept)
        shutil.copytree(self.build, self.kept, symlinks=True)
        self.files = self.scan()

    def scan(self):
        files = {}
        for dirpath, _, names in os.walk(self.build):
            for name in names:
                path = os.path.join(dirpath, name)
                files[os.path.relpath(path, self.build)] = signature(path)
        return files

    def restore(self, log):
        """Puts the build back; True if make then has nothing to do."""
        now = self.scan()
        put_back = 0
        for rel in now:
            if rel not in self.files:  # a test's log, a package the tests made
                os.unlink(os.path.join(self.build, rel))
        for rel, sig in self.files.items():
            if now.get(rel) == sig:
                continue
            dest, src = os.path.join(self.build, rel), os.path.join(self.kept, rel)
            if rel in now:
                os.unlink(dest)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if os.path.islink(src):
                os.symlink(os.readlink(src), dest)
            else:
                shutil.copy2(src, dest)  # with its mtime
            self.files[rel] = signature(dest)
            put_back += 1
        r = subprocess.run(["make", "-q", "all"], cwd=self.tree, env=tree_env(self.tree),
                           stdout=log, stderr=subprocess.STDOUT)
        log.write("--- build put back: %d files\n" % put_back)
        return r.returncode == 0


class Builder:
    """Builds, for one mutant, the command first, then each test program just before it
    runs (and the test tools before the first namespace test): a mutant the first test
    kills costs the build of that test alone. Never the bench."""

    def __init__(self, tree, log, fast):
        self.tree, self.log, self.fast, self.done = tree, log, fast, set()
        self.seconds = 0.0
        b = os.path.join(tree, "build")
        tools = os.path.join(tree, "tests", "tools")
        self.tools = [os.path.join(b, "tests", "tools", n[:-2])
                      for n in (sorted(os.listdir(tools)) if os.path.isdir(tools) else [])
                      if n.endswith(".c")]
        self.command = [os.path.join(b, "xtunnel")]

    def need(self, goals):
        goals = [g for g in goals if g not in self.done]
        if not goals:
            return
        t0 = time.time()
        built = build(self.tree, self.log, goals)
        self.seconds += time.time() - t0
        if not built:
            raise DoesNotBuild(" ".join(os.path.relpath(g, self.tree) for g in goals))
        self.done.update(goals)

    def for_test(self, test):
        if test in self.fast:
            self.need([os.path.join(self.tree, "build", test)])
        else:
            self.need(self.tools)


def list_tests(tree):
    """The tests in two tiers, unit and BPF, then the rest; named as tests/run.sh names
    them (the Makefile builds tests/unit/X.c and tests/bpf/X.c into build/tests/...)."""
    tiers = []
    for dirs, ext in ((("unit", "bpf"), ".c"), (("e2e", "interop"), ".sh")):
        tier = []
        for d in dirs:
            path = os.path.join(tree, "tests", d)
            names = sorted(os.listdir(path)) if os.path.isdir(path) else []
            tier += ["tests/%s/%s" % (d, n if ext == ".sh" else n[:-len(ext)])
                     for n in names if n.endswith(ext)]
        tiers.append(tier)
    return tiers


def first_failure(path):
    """The first "not ok" line of a test's own log, or ""."""
    try:
        with open(path, errors="replace") as f:
            return next((line.strip() for line in f if line.startswith("not ok")), "")
    except OSError:
        return ""


def stop(p):
    """Stops a test's whole session; SIGTERM first, so that its EXIT trap deletes the
    namespaces it made. tests/run.sh ends at once, the test it ran only once that trap is
    done: wait for the session's last process (at most 30 s), so that no test's cleanup
    overlaps the next test."""
    os.killpg(p.pid, signal.SIGTERM)
    try:
        out = p.communicate(timeout=15)[0]
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        return p.communicate()[0]
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            os.killpg(p.pid, 0)
        except ProcessLookupError:
            return out
        time.sleep(0.1)
    os.killpg(p.pid, signal.SIGKILL)
    return out


def run_test(tree, test, timeout, log):
    """One test through tests/run.sh, which judges it as `make test` does. True: passed.
    A test is stopped at its first failure, which decides the verdict (a shell test's TAP
    lines reach its log as they are written; a C test's when it ends), or after timeout
    seconds, when it hangs."""
    log.write("--- %s\n" % test)
    log.flush()
    # tests/run.sh writes each test's output to a log of its own as it goes.
    own = os.path.join(tree, "build", "test-logs", test.replace("/", "_") + ".log")
    try:
        os.unlink(own)
    except OSError:
        pass
    # A session of its own, so that a test is stopped with everything it started.
    p = subprocess.Popen([os.path.join(tree, "tests", "run.sh"), test], cwd=tree,
                         env=tree_env(tree),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    deadline = time.time() + timeout
    while True:
        try:
            p.wait(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            pass
        first = first_failure(own)
        if first or time.time() > deadline:
            out = stop(p)
            log.write(out + "\n--- %s: stopped %s (%.1f s); its log so far:\n" % (
                test, "at its first failure" if first else "after %d s" % timeout,
                time.time() - deadline + timeout))
            try:
                with open(own, errors="replace") as f:
                    log.write(f.read())
            except OSError:
                pass
            return False, first or "timeout after %d s" % timeout
    out = p.communicate()[0]
    log.write(out + "--- %s: %.1f s\n" % (test, time.time() - deadline + timeout))
    first = next((line.strip() for line in out.splitlines()
                  if line.strip().startswith("not ok")), "")
    # A test that is not there, or ran nothing, has not passed.
    m = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    if not m or m.group(1) == "0":
        return False, first or "no test ran"
    return p.returncode == 0 and m.group(2) == "0", first


def run_tests(tree, tests, timeouts, log, fast, expected, builder, run=None):
    """Runs tests in order up to the first that fails; returns it (and why), or None.
    The unit and BPF tests are deterministic. A namespace test the mutant does not name as
    its expected killer, and that fails, runs again, and kills only if it fails again: a
    test that fails once in a while under load (the machine is shared) must not pass for a
    kill."""
    for t in tests:
        builder.for_test(t)
        ok, why = run_test(tree, t, timeouts.get(t, TIMEOUT_DEFAULT), log)
        if not ok and t not in fast and t not in expected:
            again, _ = run_test(tree, t, timeouts.get(t, TIMEOUT_DEFAULT), log)
            if again:
                log.write("--- %s failed once, then passed: not taken as a kill\n" % t)
                if run:
                    run.say("    note: %s failed once (%s), then passed" % (t, why))
                continue
        if not ok:
            return t, why
    return None


def by_kills(tests, kills, seconds, file):
    """Within a tier, the tests likely to kill soonest go first: those that killed most
    mutants of the same file for each second they take, then most of any file, then the
    quick ones. The order changes how soon a mutant dies, never whether it does."""
    def rate(key, t):
        return kills.get(key, 0) / max(seconds.get(t, 1.0), 0.5)

    return sorted(tests, key=lambda t: (-rate((file, t), t), -rate(t, t), seconds.get(t, 0)))


def fmt_time(seconds):
    return "%d min %02d s" % (seconds // 60, seconds % 60)


class Run:
    """What the workers share: the tests, their times and timeouts, the kills so far, and
    the lock around them and around the output."""

    def __init__(self, fast, slow, full_equivalent):
        self.fast, self.slow, self.full_equivalent = fast, slow, full_equivalent
        self.timeouts, self.seconds, self.kills = {}, {}, {}
        self.lock = threading.Lock()
        self.done = 0

    def say(self, text):
        with self.lock:
            print(text, flush=True)


def baseline_worker(run, tree, queue, log, failures):
    """Runs tests of the queue on an unchanged copy, recording their times: kills mean
    something only if the unchanged tree passes, and a test's time gives its timeout."""
    while True:
        try:
            t = queue.popleft()
        except IndexError:
            return
        t0 = time.time()
        ok, why = run_test(tree, t, TIMEOUT_DEFAULT, log)
        seconds = time.time() - t0
        if not ok and t in run.slow:  # the same rule as for a kill: twice in a row
            run.say("    note: %s failed once on the unchanged tree (%s)" % (t, why))
            t0 = time.time()
            ok, why = run_test(tree, t, TIMEOUT_DEFAULT, log)
            seconds = time.time() - t0
        with run.lock:
            run.seconds[t] = seconds
            run.timeouts[t] = int(TIMEOUT_FACTOR * seconds + TIMEOUT_SLACK)
        if not ok:
            failures.append("%s (%s)" % (t, why))


def mutant_run(run, tree, pristine, work, texts, mu):
    """Plants mu in tree, builds what each test needs just before it runs it, and runs the
    tests until one fails; the tree and its build are put back whatever happens."""
    path = os.path.join(tree, mu.file)
    st = os.stat(path)
    original = texts[mu.file]
    start_off, end_off = mu.span
    named = [t for t in mu.get("tests").split() if t in run.fast + run.slow]
    with open(os.path.join(work, "logs", mu.id + ".log"), "w") as log:
        log.write("mutant %s in %s: %r -> %r\n" % (mu.id, mu.file, original[start_off:end_off],
                                                   mu.get("replace")))
        log.flush()
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(original[:start_off] + mu.get("replace") + original[end_off:])
        builder = Builder(tree, log, run.fast)
        try:
            builder.need(builder.command)
            if mu.get("equivalent") and not run.full_equivalent:
                # The tests that exercise its code: a kill there shows the claim wrong.
                failed = run_tests(tree, named, run.timeouts, log, run.fast, named, builder)
            else:
                with run.lock:
                    rest = by_kills([t for t in run.fast if t not in named], run.kills,
                                    run.seconds, mu.file)
                failed = run_tests(tree, named + rest, run.timeouts, log, run.fast, named,
                                   builder, run)
                if not failed:
                    with run.lock:
                        rest = by_kills([t for t in run.slow if t not in named], run.kills,
                                        run.seconds, mu.file)
                    failed = run_tests(tree, rest, run.timeouts, log, run.fast, named,
                                       builder, run)
            if failed:
                mu.verdict, mu.killer = "killed", "%s  %s" % failed
                with run.lock:
                    for key in (failed[0], (mu.file, failed[0])):
                        run.kills[key] = run.kills.get(key, 0) + 1
            else:
                mu.verdict = "survived"
        except DoesNotBuild as e:
            mu.verdict, mu.killer = "does-not-build", str(e)
        finally:
            mu.build_seconds = builder.seconds
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(original)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
            if not pristine.restore(log):
                # Never seen; should it happen, the build is made whole on the original
                # text again rather than trusted.
                run.say("    note: after %s, make still had work to do on the put back "
                        "build of %s; rebuilt" % (mu.id, tree))
                if not build(tree, log):
                    sys.exit("mutate: %s does not build again after %s" % (tree, mu.id))
                pristine.__init__(tree)


def mutant_worker(run, tree, pristine, work, texts, queue, total, width):
    while True:
        try:
            mu = queue.popleft()
        except IndexError:
            return
        t0 = time.time()
        mutant_run(run, tree, pristine, work, texts, mu)
        mu.seconds = time.time() - t0
        verdict = mu.verdict
        if mu.get("equivalent"):
            verdict = "equivalent, " + ("KILLED: not equivalent" if mu.verdict == "killed"
                                        else mu.verdict)
        with run.lock:
            run.done += 1
            print("[%3d/%d] %-*s %-22s %-16s %4ds  %s" % (
                run.done, total, width, mu.id, mu.file, verdict, mu.seconds,
                mu.killer[:110]), flush=True)


def in_threads(target, args_per_thread):
    threads = [threading.Thread(target=target, args=a) for a in args_per_thread]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main(argv):
    check_only = "--check" in argv
    baseline = "--no-baseline" not in argv
    full_equivalent = "--full-equivalent" in argv
    only = [a for a in argv if not a.startswith("--")]
    only_tests = [a[len("--test="):] for a in argv if a.startswith("--test=")]
    jobs = [a[len("--jobs="):] for a in argv if a.startswith("--jobs=")]
    jobs = int(jobs[-1] if jobs else os.environ.get("MUTATE_JOBS", "2") or "2")
    if jobs < 1:
        sys.exit("mutate: --jobs needs a number of 1 or more")
    start = time.time()
    build_dir = os.path.abspath(os.environ.get("BUILD", os.path.join(ROOT, "build")))
    work = os.path.join(build_dir, "mutate")
    trees = [os.path.join(work, "tree%d" % (w + 1)) for w in range(jobs)]

    mutants = parse_mutants(MUTANTS)
    unknown = [i for i in only if i not in {m.id for m in mutants}]
    if unknown:
        sys.exit("mutate: no mutant %s in %s" % (", ".join(unknown), MUTANTS))
    if only:
        mutants = [m for m in mutants if m.id in only]
    src = ROOT if check_only else trees[0]
    if not check_only:
        for tree in trees:
            copy_tree(tree)
    texts = {}
    for f in source_files(src):
        with open(os.path.join(src, f), encoding="utf-8") as fh:
            texts[f] = fh.read()
    for mu in mutants:
        place(mu, src, texts)
    errors = [m for m in mutants if m.error]
    for mu in errors:
        print("mutant %s (line %d): %s" % (mu.id, mu.line, mu.error))
    if check_only:
        fast, slow = list_tests(ROOT)
        for mu in mutants:
            if mu.moved:
                print("mutant %s (line %d): found in %s, not in its 'in:' %s (a hint only: "
                      "not an error)" % (mu.id, mu.line, mu.file, mu.get("in")))
            for t in mu.get("tests").split():
                if t not in fast + slow:
                    print("mutant %s (line %d): no test %s (a hint only: not an error)"
                          % (mu.id, mu.line, t))
        print("%d mutants, %d list errors" % (len(mutants), len(errors)))
        return 1 if errors else 0

    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    print("mutate: %d copies of the tree in %s, built" % (jobs, work), flush=True)
    logs = [open(os.path.join(work, "logs", "baseline%d.log" % (w + 1)), "w")
            for w in range(jobs)]
    built = [False] * jobs

    def build_copy(w):
        built[w] = build(trees[w], logs[w])

    in_threads(build_copy, [(w,) for w in range(jobs)])
    if not all(built):
        sys.exit("mutate: the unchanged tree does not build (see %s)" % logs[0].name)
    pristines = [Pristine(tree) for tree in trees]
    built_at = time.time()
    fast, slow = list_tests(trees[0])
    if only_tests:
        missing = [t for t in only_tests if t not in fast + slow]
        if missing:
            sys.exit("mutate: no test %s" % ", ".join(missing))
        fast, slow = [t for t in fast if t in only_tests], [t for t in slow if t in only_tests]
    run = Run(fast, slow, full_equivalent)
    # Before any kill is seen, the tests the list names for a file's mutants are the likely
    # killers of its others: counted as kills, they order the first mutants of a run too.
    for mu in mutants:
        if not mu.error and not mu.get("equivalent"):
            for t in mu.get("tests").split():
                for key in (t, (mu.file, t)):
                    run.kills[key] = run.kills.get(key, 0) + 1
    if baseline:
        print("mutate: running every test on the unchanged copies", flush=True)
        # The namespace tests first: the longest are among them, and the copies should
        # finish together.
        queue = collections.deque(slow + fast)
        failures = []
        in_threads(baseline_worker, [(run, trees[w], queue, logs[w], failures)
                                     for w in range(jobs)])
        if failures:
            sys.exit("mutate: failing on the unchanged tree: %s; see %s" % (
                ", ".join(failures), os.path.join(work, "logs")))
    for log in logs:
        log.close()
    baseline_at = time.time()
    runnable = [m for m in mutants if not m.error]
    width = max([len(m.id) for m in mutants] + [10])
    print("mutate: %d mutants, %d at a time (%s)" % (len(runnable), jobs,
                                                    fmt_time(time.time() - start)), flush=True)
    queue = collections.deque(runnable)
    in_threads(mutant_worker, [(run, trees[w], pristines[w], work, texts, queue,
                                len(runnable), width)
                               for w in range(jobs)])

    counted = [m for m in runnable if not m.get("equivalent")]
    killed = [m for m in counted if m.verdict == "killed"]
    survived = [m for m in counted if m.verdict == "survived"]
    unbuilt = [m for m in counted if m.verdict == "does-not-build"]
    equivalent = [m for m in runnable if m.get("equivalent")]
    eq_killed = [m for m in equivalent if m.verdict == "killed"]
    eq_unbuilt = [m for m in equivalent if m.verdict == "does-not-build"]
    with open(os.path.join(work, "results.tsv"), "w") as out:
        out.write("id\tfile\tverdict\tequivalent\tseconds\tkiller\tbuild_seconds\n")
        for m in mutants:
            out.write("%s\t%s\t%s\t%s\t%d\t%s\t%d\n" % (
                m.id, m.file or "", m.verdict or m.error, "yes" if m.get("equivalent") else "",
                m.seconds, m.killer, m.build_seconds))
    print()
    for m in survived:
        print("survived: %s (%s): %s" % (m.id, m.file, m.get("breaks")))
    for m in unbuilt + eq_unbuilt:
        print("does not build: %s (%s): see %s" % (m.id, m.file,
              os.path.join(work, "logs", m.id + ".log")))
    for m in equivalent:
        print("equivalent: %s (%s, %s%s): %s" % (
            m.id, m.file, m.verdict, "" if full_equivalent else " its tests", m.get("equivalent")))
    print("mutants: %d; killed %d, survived %d, does not build %d, equivalent %d (%d of "
          "them killed), list errors %d" % (len(mutants), len(killed), len(survived),
                                            len(unbuilt), len(equivalent), len(eq_killed),
                                            len(errors)))
    scored = len(killed) + len(survived)
    print("score: %d/%d killed = %.1f%%" % (len(killed), scored,
                                             100.0 * len(killed) / scored if scored else 0))
    print("time: %s; logs in %s" % (fmt_time(time.time() - start), os.path.join(work, "logs")))
    mutant_seconds = sum(m.seconds for m in runnable)
    build_seconds = sum(m.build_seconds for m in runnable)
    print("phases: copies built in %s, unchanged run %s, mutants %s (of their %d s in %d "
          "copies, %d s building)" % (
              fmt_time(built_at - start), fmt_time(baseline_at - built_at),
              fmt_time(time.time() - baseline_at), mutant_seconds, jobs, build_seconds))
    return 1 if errors or survived or unbuilt or eq_killed or eq_unbuilt else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
