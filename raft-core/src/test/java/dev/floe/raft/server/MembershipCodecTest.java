package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The address book carried in CONFIG entries: round trip, empty context, refused garbage, merging. */
class MembershipCodecTest {
    private static final Member A = Member.voter(NodeId.of("a"), Endpoint.parse("10.0.0.1:7001"), Endpoint.parse("10.0.0.1:8080"));
    private static final Member B = Member.learner(NodeId.of("b-2.x"), Endpoint.parse("[::1]:7002"), Endpoint.parse("host.example:65535"));

    @Test
    void addressBookRoundTripsThroughTheConfigContext() {
        MembershipBook book = MembershipBook.of(List.of(A, B))
                .union(new MembershipBook(Map.of(NodeId.of("legacy"),
                        new MembershipBook.Address(Optional.empty(), Endpoint.parse("c.example:1"))))); // written by the old client-only builder
        MembershipBook decoded = MembershipCodec.decode(MembershipCodec.encode(book));
        assertThat(decoded).isEqualTo(book);
        assertThat(decoded.get(NodeId.of("legacy")).orElseThrow().raft()).isEmpty();
        assertThat(decoded.get(B.id()).orElseThrow().raft()).contains(Endpoint.parse("[::1]:7002"));
    }

    @Test
    void emptyContextIsAnEmptyBook() {
        assertThat(MembershipCodec.decode(Bytes.EMPTY)).isEqualTo(MembershipBook.EMPTY);
        assertThat(MembershipCodec.decode(MembershipCodec.encode(MembershipBook.EMPTY))).isEqualTo(MembershipBook.EMPTY);
    }

    @Test
    void garbageIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> MembershipCodec.decode(Bytes.wrap(new byte[] {9})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format 9");
        Bytes good = MembershipCodec.encode(MembershipBook.of(List.of(A)));
        byte[] truncated = java.util.Arrays.copyOf(good.toByteArray(), good.size() - 1);
        assertThatThrownBy(() -> MembershipCodec.decode(Bytes.wrap(truncated)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        byte[] trailing = java.util.Arrays.copyOf(good.toByteArray(), good.size() + 1);
        assertThatThrownBy(() -> MembershipCodec.decode(Bytes.wrap(trailing)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    }

    @Test
    void mergeKeepsKnownAddressesForMembersTheNewBookLacksAndDropsNonMembers() {
        MembershipBook old = MembershipBook.of(List.of(A, B));
        Member c = Member.voter(NodeId.of("c"), Endpoint.parse("10.0.0.3:7001"), Endpoint.parse("10.0.0.3:8080"));
        // A joint configuration's book may only name the incoming members; outgoing 'b' keeps its address.
        ClusterConfig joint = new ClusterConfig(new java.util.TreeSet<>(List.of(A.id(), c.id())),
                new java.util.TreeSet<>(List.of(A.id(), B.id())), new java.util.TreeSet<>());
        MembershipBook merged = old.merge(MembershipBook.of(List.of(A, c)), joint);
        assertThat(merged.addresses().keySet()).containsExactlyInAnyOrder(A.id(), B.id(), c.id());
        MembershipBook after = merged.merge(MembershipBook.EMPTY, ClusterConfig.ofVoters(List.of(A.id(), c.id())));
        assertThat(after.addresses().keySet()).containsExactlyInAnyOrder(A.id(), c.id());
        assertThat(after.usedBy(Endpoint.parse("10.0.0.3:8080"), A.id())).contains(c.id());
        assertThat(after.usedBy(Endpoint.parse("10.0.0.3:8080"), c.id())).isEqualTo(Optional.empty());
    }
}
