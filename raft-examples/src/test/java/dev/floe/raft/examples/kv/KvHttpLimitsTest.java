package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP port's connection limits and timeouts (KvHttpLimits), on a one-node raft-kv. */
class KvHttpLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final KvHttpLimits LIMITS = new KvHttpLimits(6, 3, Duration.ofMillis(500), Duration.ofMillis(500),
            Duration.ofMillis(700));
    private static KvTestCluster cluster;
    private static String host;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        cluster = new KvTestCluster(1, KvTestCluster.fastOptions(), id -> KvSecurity.plaintext().withHttpLimits(LIMITS)).startAll();
        cluster.awaitLeader();
        host = cluster.spec.members().get(0).http().host();
        port = cluster.spec.members().get(0).http().port();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    private static RawHttp connect(String from) throws Exception {
        return new RawHttp(host, port, from);
    }

    @Test
    void aSilentConnectionIsClosedAfterTheHeaderTimeout() throws Exception {
        try (RawHttp silent = connect("127.0.0.1")) {
            assertThat(silent.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void headersSentByteByByteAreCutOffAtTheHeaderTimeout() throws Exception {
        try (RawHttp slow = connect("127.0.0.1")) {
            String request = "GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200) + "\r\n\r\n";
            int sent = 0;
            // One byte per 20 ms: the whole request would take 4 s, the header timeout is 0.5 s.
            while (sent < request.length() && slow.send(request.substring(sent, sent + 1))) {
                sent++;
                Thread.sleep(20);
            }
            assertThat(sent).as("bytes accepted before the node closed the connection").isLessThan(request.length());
            assertThat(slow.awaitClosed(WAIT)).isTrue();
        }
    }

    @Test
    void aBodyThatNeverEndsIsCutOffAtTheBodyTimeout() throws Exception {
        try (RawHttp slow = connect("127.0.0.1")) {
            slow.send("PUT /v1/kv/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
            assertThat(slow.awaitClosed(WAIT)).isTrue();
        }
        assertThat(cluster.node("n1").machine().localGet(dev.floe.raft.Bytes.utf8("slow"))).isEmpty();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawHttp idle = connect("127.0.0.1")) {
            idle.send("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n");
            String answer = idle.readUntilClosed(WAIT);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"role\"");
        }
    }

    @Test
    void connectionsBeyondThePerSourceAndTotalLimitsAreRefusedAtAccept() throws Exception {
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) open.add(connect("127.0.0.2"));
            RawHttp fourth = connect("127.0.0.2");
            open.add(fourth);
            assertThat(fourth.awaitClosed(WAIT)).as("a fourth connection from one address").isTrue();
            for (int i = 0; i < 3; i++) open.add(connect("127.0.0.3"));
            RawHttp seventh = connect("127.0.0.4");
            open.add(seventh);
            assertThat(seventh.awaitClosed(WAIT)).as("a seventh connection in all").isTrue();
            // Once the header timeout closes the idle ones, the port serves again.
            KvClient client = new KvClient(List.of(cluster.url("n1")), WAIT);
            assertThat(client.put("after-the-flood", "ok").status()).isEqualTo(200);
        } finally {
            for (RawHttp c : open) c.close();
        }
    }

    @Test
    void anOversizedBodyWithExpectContinueGetsTheJson413WithoutA100() throws Exception {
        try (RawHttp c = connect("127.0.0.1")) {
            c.send("PUT /v1/kv/big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
                    + (KvLimits.MAX_VALUE_BYTES + 1) + "\r\n\r\n");
            String answer = c.readUntil("}", WAIT);
            assertThat(answer).startsWith("HTTP/1.1 413").doesNotContain("100 Continue")
                    .contains("application/json").contains("\"error\":\"value_too_large\"");
        }
    }
}
