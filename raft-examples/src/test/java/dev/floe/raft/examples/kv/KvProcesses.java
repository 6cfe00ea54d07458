package dev.floe.raft.examples.kv;

import dev.floe.raft.testkit.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code raft-kv.jar node} processes on loopback ports, one data directory each, for the process-level
 * tests (run by failsafe after {@code package} built the jar): start, SIGTERM, SIGKILL, SIGSTOP and
 * SIGCONT by id, and their status over HTTP. {@link #close()} kills whatever still runs.
 */
final class KvProcesses implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    final ClusterSpec spec;
    final Path root;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Path> dirs = new LinkedHashMap<>();
    private final Map<String, String> urls = new LinkedHashMap<>();
    private final List<String> extraArgs;
    private int starts;

    KvProcesses(int size, List<String> extraArgs) throws IOException {
        root = Files.createTempDirectory("raft-kv-faults-");
        this.extraArgs = List.copyOf(extraArgs);
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            members.add(Member.parse("n" + i + "=127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next()));
        }
        spec = new ClusterSpec(members);
        for (Member m : members) {
            dirs.put(m.id().value(), root.resolve(m.id().value()));
            urls.put(m.id().value(), "http://" + m.http());
        }
    }

    KvProcesses startAll() throws IOException {
        for (String id : urls.keySet()) start(id);
        return this;
    }

    List<String> ids() {
        return List.copyOf(urls.keySet());
    }

    String url(String id) {
        return urls.get(id);
    }

    List<String> urls() {
        return List.copyOf(urls.values());
    }

    Path dir(String id) {
        return dirs.get(id);
    }

    Process process(String id) {
        return processes.get(id);
    }

    boolean running(String id) {
        Process p = processes.get(id);
        return p != null && p.isAlive();
    }

    /** Starts node {@code id} on its directory. */
    Process start(String id) throws IOException {
        return start(id, Optional.empty());
    }

    /** Starts node {@code id} with its file size limited to {@code fileSizeKiB} ({@code ulimit -f}): writes beyond fail with EFBIG. */
    Process startWithFileSizeLimit(String id, long fileSizeKiB) throws IOException {
        return start(id, Optional.of(fileSizeKiB));
    }

    private Process start(String id, Optional<Long> fileSizeKiB) throws IOException {
        List<String> command = new ArrayList<>();
        if (fileSizeKiB.isPresent()) {
            // The JVM ignores SIGXFSZ, so a write past the limit fails with an IOException, as on a full disk.
            command.addAll(List.of("bash", "-c", "ulimit -f " + fileSizeKiB.get() + " && exec \"$0\" \"$@\""));
        }
        // C1 only and the serial collector: a node starts in about half the time, which keeps these tests lean.
        command.addAll(List.of(java(), "-Xmx256m", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar(), "node", "--id", id,
                "--data-dir", dirs.get(id).toString(), "--cluster", spec.toString()));
        command.addAll(extraArgs);
        File log = root.resolve(id + "-" + (++starts) + ".log").toFile();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        processes.put(id, p);
        return p;
    }

    /** Runs {@code raft-kv.jar args...} to completion; its exit status. */
    int runTool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-jar", jar()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(root.resolve("tool-" + (++starts) + ".log").toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("raft-kv.jar " + String.join(" ", args) + " finished").isTrue();
        return p.exitValue();
    }

    /** SIGTERM (the node closes cleanly) and wait. */
    void stop(String id) throws InterruptedException {
        Process p = processes.remove(id);
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }

    /** SIGKILL: no shutdown hook runs; the node must recover from its directory. */
    void kill(String id) throws InterruptedException {
        processes.remove(id).destroyForcibly().waitFor();
    }

    void signal(String id, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes.get(id).pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal + " " + id).isTrue();
    }

    /** The text the node wrote to stdout and stderr over all its starts. */
    String output(String id) throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(root)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(id + "-")).sorted().toList()) {
                out.append(Files.readString(f));
            }
        }
        return out.toString();
    }

    Map<?, ?> status(String id) throws IOException, InterruptedException {
        return new KvClient(List.of(url(id)), Duration.ofSeconds(2)).status(url(id));
    }

    long statusField(String id, String field) {
        try {
            return ((Number) status(id).get(field)).longValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Optional<String> health(String id) {
        try {
            return Optional.of(String.valueOf(status(id).get("health")));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The leader every running node named in {@code among} reports, other than {@code not}. */
    String awaitLeader(List<String> among, Optional<String> not) {
        return KvTestCluster.await(WAIT, "a leader " + among + " agree on", () -> {
            Optional<String> agreed = Optional.empty();
            for (String id : among) {
                Object leader;
                try {
                    leader = status(id).get("leader");
                } catch (IOException e) {
                    return Optional.empty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                if (!(leader instanceof String l) || not.equals(Optional.of(l)) || (agreed.isPresent() && !agreed.get().equals(l))) {
                    return Optional.empty();
                }
                agreed = Optional.of(l);
            }
            return agreed;
        });
    }

    String awaitLeader() {
        return awaitLeader(processes.keySet().stream().filter(this::running).toList(), Optional.empty());
    }

    /**
     * No member stuck behind: every running node applies up to the leader's commit index within
     * {@code bound}. Returns how long it took.
     */
    Duration awaitAllCaughtUp(Duration bound) {
        long start = System.nanoTime();
        String leader = awaitLeader();
        long commit = statusField(leader, "commitIndex");
        for (String id : processes.keySet()) {
            if (!running(id)) continue;
            KvTestCluster.await(bound, id + " to apply up to the leader's commit index " + commit + " (not stuck behind)",
                    () -> statusField(id, "appliedIndex") >= commit ? Optional.of(true) : Optional.empty());
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar() {
        String jar = System.getProperty("raftkv.jar", "target/raft-kv.jar");
        assertThat(new File(jar)).as("the shaded jar (run `mvn package` first)").exists();
        return jar;
    }

    @Override
    public void close() {
        for (Process p : processes.values()) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** PUTs {@code count} keys under {@code prefix}; the acknowledged ones go into {@code acknowledged}. */
    static void writeSome(KvClient client, String prefix, int count, Map<String, String> acknowledged) throws Exception {
        for (int i = 0; i < count; i++) {
            String key = prefix + "/" + i;
            String value = prefix + "-value-" + i;
            try {
                KvClient.Answer a = client.put(key, value);
                org.assertj.core.api.Assertions.assertThat(a.status()).as(a.body()).isEqualTo(200);
                acknowledged.put(key, value);
            } catch (KvClient.OutcomeUnknown e) {
                // not acknowledged: it may or may not be applied, so it is not checked
            }
        }
    }
}
