package dev.floe.raft.examples.kv;

import dev.floe.raft.testkit.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** raft-kv.jar's {@code demo} and {@code node} as a newcomer runs them: exit codes and what they print. */
class KvCommandLineIT {
    private record Run(int exit, String output) {
    }

    private static Run run(String... args) throws IOException, InterruptedException {
        String jar = System.getProperty("raftkv.jar", "target/raft-kv.jar");
        assertThat(new File(jar)).as("the shaded jar (run `mvn package` first)").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("raft-kv-cli-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) p.destroyForcibly().waitFor();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        assertThat(exited).as("exited within 60 s:\n" + output).isTrue();
        return new Run(p.exitValue(), output);
    }

    @Test
    void demoNarratesAndFindsNoLostWrite() throws Exception {
        int base = freeDemoBasePort();
        Run r = run("demo", "--base-port", Integer.toString(base), "--exit-after-narration");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("http://127.0.0.1:" + base, "new leader:", "No acknowledged write was lost");
    }

    /**
     * A base port whose three HTTP ports and three raft ports (1000 below) are free now, chosen
     * below Linux's ephemeral range (32768+) so outgoing connections cannot take them meanwhile.
     */
    private static int freeDemoBasePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 11_000 + ThreadLocalRandom.current().nextInt(20_000);
            if (allFree(base - 1000, base - 999, base - 998, base, base + 1, base + 2)) return base;
        }
        throw new AssertionError("no free port range for the demo");
    }

    private static boolean allFree(int... ports) {
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (java.io.IOException e) {
                return false;
            }
        }
        return true;
    }

    @Test
    void badArgumentsAndATakenPortFailClearly() throws Exception {
        Run unknownId = run("node", "--id", "n9", "--data-dir", "x", "--cluster", "n1=127.0.0.1:7001:8001");
        assertThat(unknownId.exit()).isEqualTo(2);
        assertThat(unknownId.output()).contains("--id n9 is not one of the --cluster members");
        Run malformed = run("node", "--id", "n1", "--data-dir", "x", "--cluster", "n1=127.0.0.1:7001");
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.output()).contains("expected n1=host:raftPort:httpPort");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Path dir = Files.createTempDirectory("raft-kv-cli-");
            Run busy = run("node", "--id", "n1", "--data-dir", dir.toString(), "--cluster",
                    "n1=127.0.0.1:" + FreePorts.next() + ":" + taken.getLocalPort());
            assertThat(busy.exit()).as(busy.output()).isEqualTo(1);
            assertThat(busy.output()).contains("cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLine() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Path dir = Files.createTempDirectory("raft-kv-cli-");
            // The Raft server starts (and logs), then the HTTP port is taken: exit 1, after a few log lines.
            Run r = run("node", "--log-format", "json", "--log-level", "dev.floe.raft.server=DEBUG", "--id", "n1",
                    "--data-dir", dir.toString(), "--cluster", "n1=127.0.0.1:" + FreePorts.next() + ":" + taken.getLocalPort());
            assertThat(r.exit()).as(r.output()).isEqualTo(1);
            List<String> json = r.output().lines().filter(l -> l.startsWith("{")).toList();
            assertThat(json).as(r.output()).isNotEmpty();
            for (String line : json) {
                @SuppressWarnings("unchecked")
                java.util.Map<String, Object> event = (java.util.Map<String, Object>) Json.parse(line);
                assertThat(event).containsKeys("timestamp", "level", "loggerName", "formattedMessage");
            }
            assertThat(json).anyMatch(l -> l.contains("\"level\":\"INFO\"") && l.contains("n1 closing"));
        }
        Run badLevel = run("node", "--log-level", "dev.floe=LOUD", "--id", "n1", "--data-dir", "x", "--cluster", "n1=127.0.0.1:1:2");
        assertThat(badLevel.exit()).isEqualTo(2);
        assertThat(badLevel.output()).contains("--log-level expects LOGGER=LEVEL");
    }
}
