package dev.floe.raft.benchmarks.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JfrTopTest {

    @Test
    void threadsOfEveryMemberAndPoolCountTogether() {
        assertThat(JfrTop.threadGroup("floe-n1-apply")).isEqualTo("floe-n*-apply");
        assertThat(JfrTop.threadGroup("floe-n3-apply")).isEqualTo("floe-n*-apply");
        assertThat(JfrTop.threadGroup("floe-netty-n2-4-2")).isEqualTo("floe-netty-n*");
        assertThat(JfrTop.threadGroup("floe-client-1")).isEqualTo("floe-client");
    }

    @Test
    void generatedProtobufClassesCountAsProtobufNotAsFloe() {
        assertThat(JfrTop.category("dev.floe.raft.transport.proto.ClientSubmit$Builder")).isEqualTo("protobuf encode/decode");
        assertThat(JfrTop.category("com.google.protobuf.CodedOutputStream")).isEqualTo("protobuf encode/decode");
        assertThat(JfrTop.category("dev.floe.raft.server.ConsensusLoop")).isEqualTo("Floe's own code");
        assertThat(JfrTop.category("java.util.TreeMap")).startsWith("collections");
        assertThat(JfrTop.category("java.lang.String")).isEqualTo("other JDK (java.lang)");
    }
}
