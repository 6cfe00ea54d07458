package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.TimeoutNow;
import dev.floe.raft.transport.netty.internal.Handshakes;
import dev.floe.raft.transport.netty.internal.MessageFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node raft-kv with TLS and an access file, certificates from scripts/make-certs.sh: who may
 * call what, and that refused calls change nothing; raft ports speak TLS only.
 */
class KvAccessControlTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static SecureKv secure;
    private static KvTestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        secure = SecureKv.create(dir, "n1", "n2", "n3", "alice");
        cluster = new KvTestCluster(3, KvTestCluster.fastOptions(), secure::security).startAll();
        cluster.awaitLeader();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    private static KvClient.Answer call(Optional<String> token, String method, String path, String body) throws Exception {
        String leader = cluster.url(cluster.awaitLeader().id().value());
        return secure.client(List.of(leader), WAIT, token).send(method, path, body);
    }

    @Test
    void adminCallsWithoutTheAdminRoleAreRefusedAndChangeNothing() throws Exception {
        KvNode leader = cluster.awaitLeader();
        KvNode follower = cluster.follower();
        long term = leader.server().status().term();
        long snapshotIndex = leader.server().status().snapshotIndex();
        String newMember = "{\"id\":\"n9\",\"raft\":\"127.0.0.1:1\",\"http\":\"127.0.0.1:2\",\"voter\":false}";
        List<String[]> adminCalls = List.of(
                new String[] {"DELETE", "/v1/members/" + follower.id().value(), ""},
                new String[] {"POST", "/v1/members", newMember},
                new String[] {"POST", "/v1/leader?to=" + follower.id().value(), ""},
                new String[] {"POST", "/v1/snapshot", ""});
        for (String[] c : adminCalls) {
            assertRefused(call(Optional.empty(), c[0], c[1], c[2]), 401, "unauthenticated");
            assertRefused(call(Optional.of("not-a-token-at-all-0000"), c[0], c[1], c[2]), 401, "unauthenticated");
            assertRefused(call(Optional.of(SecureKv.READ_TOKEN), c[0], c[1], c[2]), 403, "forbidden");
            assertRefused(call(Optional.of(SecureKv.WRITE_TOKEN), c[0], c[1], c[2]), 403, "forbidden");
        }
        assertRefused(call(Optional.of(SecureKv.READ_TOKEN), "PUT", "/v1/kv/k", "v"), 403, "forbidden");
        assertRefused(call(Optional.empty(), "PUT", "/v1/kv/k", "v"), 401, "unauthenticated");
        assertRefused(call(Optional.empty(), "GET", "/v1/kv/k", ""), 401, "unauthenticated");
        assertRefused(call(Optional.empty(), "GET", "/v1/status", ""), 401, "unauthenticated");

        // Nothing changed: same leader and term, three voters, no snapshot, no key.
        assertThat(cluster.awaitLeader()).isSameAs(leader);
        assertThat(leader.server().status().term()).isEqualTo(term);
        assertThat(leader.server().status().config().allMembers()).hasSize(3);
        assertThat(leader.server().status().snapshotIndex()).isEqualTo(snapshotIndex);
        assertThat(call(Optional.of(SecureKv.READ_TOKEN), "GET", "/v1/kv/k", "").status()).isEqualTo(404);

        // The roles that may do it can.
        assertThat(call(Optional.of(SecureKv.WRITE_TOKEN), "PUT", "/v1/kv/k", "v").status()).isEqualTo(200);
        assertThat(call(Optional.of(SecureKv.READ_TOKEN), "GET", "/v1/kv/k", "").body()).isEqualTo("v");
        KvClient.Answer snapshot = call(Optional.of(SecureKv.ADMIN_TOKEN), "POST", "/v1/snapshot", "");
        assertThat(snapshot.status()).as(snapshot.body()).isEqualTo(200);
    }

    @Test
    void aClientCertificateListedInTheAccessFileAuthenticatesWithItsRole() throws Exception {
        HttpClient alice = HttpClient.newBuilder().sslContext(clientCertificateContext("alice")).build();
        String leader = cluster.url(cluster.awaitLeader().id().value());
        HttpResponse<String> put = alice.send(HttpRequest.newBuilder(URI.create(leader + "/v1/kv/by-alice"))
                .PUT(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        HttpResponse<String> snapshot = alice.send(HttpRequest.newBuilder(URI.create(leader + "/v1/snapshot"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(snapshot.statusCode()).isEqualTo(403);
        assertThat(snapshot.body()).contains("\"forbidden\"").contains("cert:alice has role write");
    }

    @Test
    void forgedAppendRequestAndTimeoutNowOverPlaintextChangeNothing() throws Exception {
        KvNode leader = cluster.awaitLeader();
        KvNode victim = cluster.follower();
        long term = leader.server().status().term();
        long last = victim.server().status().lastLogIndex();
        NodeId claimed = leader.id();
        List<dev.floe.raft.message.Message> forged = List.of(
                new AppendRequest(claimed, victim.id(), term, last, term,
                        List.of(new Entry(term, last + 1, EntryType.COMMAND, new KvCommand.Put(Bytes.utf8("forged"), Bytes.utf8("x")).encode())),
                        last + 1),
                new TimeoutNow(claimed, victim.id(), term));
        for (dev.floe.raft.message.Message m : forged) {
            try (Socket s = new Socket(victim.member().raft().host(), victim.member().raft().port())) {
                s.setSoTimeout((int) WAIT.toMillis());
                OutputStream out = s.getOutputStream();
                byte[] handshake = Handshakes.frame("secured", claimed, victim.id()).toByteArray();
                out.write(java.nio.ByteBuffer.allocate(4 + handshake.length).putInt(handshake.length).put(handshake).array());
                out.write(bytes(m));
                out.flush();
                InputStream in = s.getInputStream();
                // The node answers plaintext with, at most, a TLS alert, then closes (or resets).
                try {
                    while (in.read() >= 0) {
                        // drain until closed
                    }
                } catch (java.net.SocketException reset) {
                    // closed with a reset: refused all the same
                }
            }
        }
        assertThat(cluster.awaitLeader()).isSameAs(leader);
        assertThat(leader.server().status().term()).isEqualTo(term);
        assertThat(call(Optional.of(SecureKv.READ_TOKEN), "GET", "/v1/kv/forged?consistency=stale", "").status()).isEqualTo(404);
        assertThat(victim.machine().localGet(Bytes.utf8("forged"))).isEmpty();
    }

    private static byte[] bytes(dev.floe.raft.message.Message m) throws Exception {
        ByteBuf buf = MessageFrames.encode(UnpooledByteBufAllocator.DEFAULT, m, 1 << 20);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static void assertRefused(KvClient.Answer a, int status, String error) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.json().get("error")).isEqualTo(error);
    }

    /** Trusts the CA and presents {@code id}'s certificate, made by the script (PEM, PKCS#8 EC key). */
    private static SSLContext clientCertificateContext(String id) throws Exception {
        String pem = Files.readString(dir.resolve(id + ".key")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        Certificate cert;
        try (InputStream in = Files.newInputStream(dir.resolve(id + ".crt"))) {
            cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(id, key, new char[0], new Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }

}
