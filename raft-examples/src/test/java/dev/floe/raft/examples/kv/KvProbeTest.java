package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Endpoint;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The denial-of-service probes of issue 13 against the leader of a live three-node raft-kv (default
 * limits, plaintext as the loopback quick start runs it), from another address (127.0.0.2) while a
 * client keeps writing: 50 connections at a time announcing 16 MiB frames on the raft port, many
 * idle connections on the raft and HTTP ports, and slow-header clients. The leader must keep its
 * leadership and every write must be acknowledged.
 */
class KvProbeTest {
    private static final String ATTACKER = "127.0.0.2";

    @Test
    void probesOnBothPortsDoNotCostTheLeaderItsLeadership() throws Exception {
        try (KvTestCluster cluster = new KvTestCluster(3, KvNode.DEFAULT_OPTIONS).startAll()) {
            KvNode leader = cluster.awaitLeader();
            long term = leader.server().status().term();
            Endpoint raft = leader.member().raft();
            Endpoint http = leader.member().http();
            AtomicBoolean probing = new AtomicBoolean(true);
            AtomicInteger announced = new AtomicInteger();
            ConcurrentLinkedQueue<RawHttp> held = new ConcurrentLinkedQueue<>();
            List<Thread> attackers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                attackers.add(attacker(probing, 4, () -> {
                    // Announce a 16 MiB frame before any handshake, then stream it until the node hangs up.
                    try (RawHttp c = new RawHttp(raft.host(), raft.port(), ATTACKER)) {
                        announced.incrementAndGet();
                        if (!c.send(ByteBuffer.allocate(4).putInt(16 << 20).array())) return;
                        byte[] chunk = new byte[256 * 1024];
                        for (int sent = 0; sent < 16 << 20 && c.send(chunk); sent += chunk.length) {
                            // keep streaming
                        }
                    }
                }));
            }
            attackers.add(attacker(probing, 1, () -> {
                // Idle connections: 300 on each port, never saying anything.
                for (int i = 0; i < 300 && probing.get(); i++) {
                    held.add(new RawHttp(raft.host(), raft.port(), ATTACKER));
                    held.add(new RawHttp(http.host(), http.port(), ATTACKER));
                }
            }));
            for (int i = 0; i < 10; i++) {
                attackers.add(attacker(probing, 1, () -> {
                    // Slow headers: one byte every 100 ms.
                    try (RawHttp c = new RawHttp(http.host(), http.port(), ATTACKER)) {
                        for (char ch : "GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ".toCharArray()) {
                            if (!probing.get() || !c.send(String.valueOf(ch))) return;
                            Thread.sleep(100);
                        }
                    }
                }));
            }
            attackers.forEach(Thread::start);

            KvClient client = new KvClient(List.of(cluster.url("n1"), cluster.url("n2"), cluster.url("n3")), Duration.ofSeconds(10));
            long worstNanos = 0;
            int writes = 0;
            try {
                while (writes < 60) {
                    long start = System.nanoTime();
                    KvClient.Answer a = client.put("probe/" + writes, "v" + writes);
                    worstNanos = Math.max(worstNanos, System.nanoTime() - start);
                    assertThat(a.status()).as(a.body()).isEqualTo(200);
                    writes++;
                }
            } finally {
                probing.set(false);
                for (Thread t : attackers) t.join(10_000);
                for (RawHttp c : held) c.close();
            }
            System.out.printf("KvProbeTest: %d writes acknowledged under %d oversized-frame probes and %d held connections;"
                    + " slowest write %d ms%n", writes, announced.get(), held.size(), worstNanos / 1_000_000);
            assertThat(leader.server().status().term()).as("no election happened").isEqualTo(term);
            assertThat(cluster.awaitLeader()).as("the leader kept its leadership").isSameAs(leader);
            assertThat(announced.get()).as("oversized-frame probes made").isGreaterThanOrEqualTo(50);
        }
    }

    private interface Probe {
        void run() throws Exception;
    }

    /** A thread running {@code probe} {@code rounds} times or until {@code probing} is cleared; refusals and resets are expected. */
    private static Thread attacker(AtomicBoolean probing, int rounds, Probe probe) {
        Thread t = new Thread(() -> {
            for (int i = 0; i < rounds && probing.get(); i++) {
                try {
                    probe.run();
                } catch (Exception e) {
                    // refused or reset by the node: try again
                }
            }
        }, "probe");
        t.setDaemon(true);
        return t;
    }
}
