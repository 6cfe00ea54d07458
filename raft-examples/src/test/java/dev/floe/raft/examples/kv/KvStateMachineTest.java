package dev.floe.raft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The state machine, its binary encodings, the JSON helper and the cluster spec, without a cluster. */
class KvStateMachineTest {
    private static KvResult apply(KvStateMachine m, long index, KvCommand c) {
        return KvResult.decode(m.apply(index, c.encode()));
    }

    @Test
    void putCompareAndSetDeleteAndTheirResults() {
        KvStateMachine m = new KvStateMachine();
        Bytes k = Bytes.utf8("k");
        assertThat(apply(m, 1, new KvCommand.Put(k, Bytes.utf8("a")))).isEqualTo(new KvResult.Written(1));
        assertThat(apply(m, 2, new KvCommand.PutIf(k, Bytes.utf8("x"), Bytes.utf8("b"))))
                .isEqualTo(new KvResult.CompareFailed(2, Optional.of(Bytes.utf8("a"))));
        assertThat(apply(m, 3, new KvCommand.PutIf(k, Bytes.utf8("a"), Bytes.utf8("b")))).isEqualTo(new KvResult.Written(3));
        assertThat(KvStateMachine.decodeLookup(m.read(k))).contains(Bytes.utf8("b"));
        assertThat(apply(m, 4, new KvCommand.Delete(k))).isEqualTo(new KvResult.Deleted(4, true));
        assertThat(apply(m, 5, new KvCommand.Delete(k))).isEqualTo(new KvResult.Deleted(5, false));
        assertThat(apply(m, 6, new KvCommand.PutIf(k, Bytes.utf8("a"), Bytes.utf8("c"))))
                .isEqualTo(new KvResult.CompareFailed(6, Optional.empty()));
        assertThat(KvStateMachine.decodeLookup(m.read(k))).isEmpty();
    }

    @Test
    void anUndecodableCommandIsRejectedWithoutChangingState() {
        KvStateMachine m = new KvStateMachine();
        for (byte[] bad : List.of(new byte[] {9}, new byte[] {1, 5, 'a'}, new byte[0], new byte[] {3, 0})) {
            assertThat(KvResult.decode(m.apply(7, Bytes.wrap(bad)))).isInstanceOf(KvResult.Rejected.class);
        }
        assertThat(m.size()).isZero();
    }

    @Test
    void encodingIsCompact() {
        assertThat(new KvCommand.Put(Bytes.utf8("key"), Bytes.utf8("value")).encode().size()).isEqualTo(1 + 1 + 3 + 1 + 5);
        assertThat(new KvResult.Written(100).encode().size()).isEqualTo(2);
    }

    @Test
    void snapshotRestoresTheWholeMap() throws Exception {
        KvStateMachine m = new KvStateMachine();
        for (int i = 0; i < 200; i++) m.apply(i + 1, new KvCommand.Put(Bytes.utf8("k" + i), Bytes.utf8("v".repeat(i))).encode());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeSnapshot(out);
        KvStateMachine copy = new KvStateMachine();
        copy.apply(1, new KvCommand.Put(Bytes.utf8("gone"), Bytes.utf8("x")).encode());
        copy.restoreSnapshot(new ByteArrayInputStream(out.toByteArray()));
        assertThat(copy.size()).isEqualTo(200);
        assertThat(copy.localGet(Bytes.utf8("k42"))).contains(Bytes.utf8("v".repeat(42)));
        assertThat(copy.localGet(Bytes.utf8("gone"))).isEmpty();
    }

    @Test
    void jsonRoundTripsAndRefusesMalformedText() {
        String text = Json.write(Json.obj("s", "a\"b\\\n\u0001é", "n", 5L, "b", true, "z", Optional.empty(), "l", List.of(1L, "x")));
        assertThat(text).isEqualTo("{\"s\":\"a\\\"b\\\\\\n\\u0001é\",\"n\":5,\"b\":true,\"z\":null,\"l\":[1,\"x\"]}");
        assertThat(Json.parse(text)).isEqualTo(Map.of("s", "a\"b\\\n\u0001é", "n", 5L, "b", true, "z", Optional.empty(), "l", List.of(1L, "x")));
        assertThat(Json.parse(" {\"u\": \"\\u00e9\", \"d\": -1.5e2} ")).isEqualTo(Map.of("u", "é", "d", -150.0));
        for (String bad : List.of("", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "tru", "01", "\"\\x\"", "{\"a\":1,\"a\":2}", "1 2", "[".repeat(40))) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void clusterSpecParsesAndExplainsMistakes() {
        ClusterSpec spec = ClusterSpec.parse("n1=127.0.0.1:7001:8001,n2=[::1]:7002:8002");
        assertThat(spec.members().get(1).raft().host()).isEqualTo("::1");
        assertThat(spec.members().get(0).http().port()).isEqualTo(8001);
        for (String bad : List.of("", "n1", "n1=h:7001", "n1=h:x:8001", "n1=h:7001:70000", "n1=h:1:2,n1=h:3:4",
                "n1=h:1:2,n2=h:1:3", "bad id=h:1:2", "n1=h:5:5")) {
            assertThatThrownBy(() -> ClusterSpec.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
