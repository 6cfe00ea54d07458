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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The secured quick start of docs/security.md end to end: certificates from scripts/make-certs.sh,
 * an access file, three {@code raft-kv.jar node} processes with mutual TLS between them and HTTPS
 * plus bearer tokens on the API.
 */
class KvSecureClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private final Map<String, Process> processes = new LinkedHashMap<>();

    @AfterEach
    void killAll() throws InterruptedException {
        processes.values().forEach(Process::destroyForcibly);
        for (Process p : processes.values()) p.waitFor();
    }

    @Test
    @SuppressWarnings("unchecked")
    void threeNodesWithScriptMadeCertificatesReplicateOverTlsAndCheckTokens() throws Exception {
        Path root = Files.createTempDirectory("raft-kv-secure-it-");
        SecureKv secure = SecureKv.create(Files.createDirectories(root.resolve("certs")), "n1", "n2", "n3");
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            members.add(Member.parse("n" + i + "=127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next()));
        }
        ClusterSpec spec = new ClusterSpec(members);
        List<String> urls = new ArrayList<>();
        for (Member m : members) {
            start(root, spec, m.id().value(), secure.options(m.id().value()));
            urls.add("https://" + m.http());
        }
        KvClient writer = secure.client(urls, WAIT, Optional.of(SecureKv.WRITE_TOKEN));
        KvClient reader = secure.client(urls, WAIT, Optional.of(SecureKv.READ_TOKEN));
        KvClient anonymous = secure.client(urls, WAIT, Optional.empty());
        // Three JVMs warming up TLS on a loaded machine can take a while: wait for an agreed leader first.
        KvClient quick = secure.client(urls, Duration.ofSeconds(2), Optional.of(SecureKv.READ_TOKEN));
        KvTestCluster.await(STARTUP, "a leader all nodes agree on", () -> {
            Object first = null;
            for (String url : urls) {
                Object leader;
                try {
                    leader = quick.status(url).get("leader");
                } catch (IOException e) {
                    return Optional.empty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                if (!(leader instanceof String) || (first != null && !first.equals(leader))) return Optional.empty();
                first = leader;
            }
            return Optional.of(first);
        });

        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            KvClient.Answer a = writer.put("secure/" + i, "value-" + i);
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            written.put("secure/" + i, "value-" + i);
        }
        long commit = ((Number) reader.send("GET", "/v1/status", "").json().get("commitIndex")).longValue();
        for (String url : urls) {
            KvTestCluster.await(WAIT, url + " to apply " + commit, () -> applied(reader, url) >= commit ? Optional.of(true) : Optional.empty());
            for (Map.Entry<String, String> e : written.entrySet()) {
                assertThat(reader.get(url, e.getKey(), "stale")).as(url + " " + e.getKey()).contains(e.getValue());
            }
        }
        KvClient.Answer removal = anonymous.send("DELETE", "/v1/members/n3", "");
        assertThat(removal.status()).as(removal.body()).isEqualTo(401);
        assertThat(writer.send("DELETE", "/v1/members/n3", "").status()).isEqualTo(403);
        assertThat((List<?>) reader.send("GET", "/v1/status", "").json().get("members")).hasSize(3);

        // The operator views ask the other members over HTTPS with the node's own certificate.
        // Each view asks its peers with a 1 s budget, as a page polling every second would: the first
        // HTTPS handshakes of a cold JVM on a loaded machine can take longer, so look again until then.
        for (String url : urls) {
            Map<String, Object> view = KvTestCluster.await(WAIT, url + " /v1/cluster with every member reachable",
                    () -> clusterView(reader, url).filter(v -> ((List<Map<String, Object>>) v.get("members")).stream()
                            .allMatch(m -> Boolean.TRUE.equals(m.get("reachable")))));
            assertThat((List<Map<String, Object>>) view.get("members")).as(url + " /v1/cluster: " + view)
                    .hasSize(3).allSatisfy(m -> assertThat(m).containsEntry("reachable", true));
            KvTestCluster.await(WAIT, url + " ready", () -> ready(anonymous, url) ? Optional.of(true) : Optional.empty());
        }
    }

    private static boolean ready(KvClient client, String url) {
        try {
            return client.sendTo(url, "GET", "/health/ready", "").status() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static long applied(KvClient client, String url) {
        try {
            return ((Number) client.status(url).get("appliedIndex")).longValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void start(Path root, ClusterSpec spec, String id, List<String> security) throws IOException {
        String jar = System.getProperty("raftkv.jar", "target/raft-kv.jar");
        assertThat(new File(jar)).as("the shaded jar (run `mvn package` first)").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", jar, "node", "--id", id,
                "--data-dir", root.resolve(id).toString(), "--cluster", spec.toString()));
        command.addAll(security);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(root.resolve(id + ".log").toFile()).start();
        processes.put(id, p);
    }

    @SuppressWarnings("unchecked")
    private static Optional<Map<String, Object>> clusterView(KvClient client, String url) {
        try {
            return Optional.of((Map<String, Object>) (Map<?, ?>) client.sendTo(url, "GET", "/v1/cluster", "").json());
        } catch (java.io.IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
