package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The address book of a configuration: for each member, where the other members reach it
 * ({@code raft}, unknown in the CONFIG entries written by versions whose builder took client
 * addresses only; still decoded) and where it serves clients. Immutable. It travels in the
 * {@code context} of each CONFIG entry ({@link MembershipCodec}) so every member learns the
 * addresses together with the configuration that needs them.
 */
record MembershipBook(Map<NodeId, Address> addresses) {

    /** One member's addresses. */
    record Address(Optional<Endpoint> raft, Endpoint client) {
    }

    static final MembershipBook EMPTY = new MembershipBook(Map.of());

    MembershipBook {
        addresses = Collections.unmodifiableMap(new TreeMap<>(addresses));
    }

    static MembershipBook of(Iterable<Member> members) {
        Map<NodeId, Address> m = new TreeMap<>();
        for (Member member : members) m.put(member.id(), new Address(Optional.of(member.raft()), member.client()));
        return new MembershipBook(m);
    }

    Optional<Address> get(NodeId id) {
        return Optional.ofNullable(addresses.get(id));
    }

    MembershipBook with(Member member) {
        Map<NodeId, Address> m = new TreeMap<>(addresses);
        m.put(member.id(), new Address(Optional.of(member.raft()), member.client()));
        return new MembershipBook(m);
    }

    /**
     * The book for {@code config}: each member's address from {@code newer} when it has one,
     * otherwise from this book (a configuration restored from a snapshot carries no addresses, and
     * an outgoing voter of a joint configuration may be missing from the target's book).
     */
    MembershipBook merge(MembershipBook newer, ClusterConfig config) {
        Map<NodeId, Address> m = new TreeMap<>();
        for (NodeId id : config.allMembers()) {
            Address a = newer.addresses.getOrDefault(id, addresses.get(id));
            if (a != null) m.put(id, a);
        }
        return new MembershipBook(m);
    }

    /** This book plus {@code other}'s entries for ids it lacks. */
    MembershipBook union(MembershipBook other) {
        Map<NodeId, Address> m = new TreeMap<>(other.addresses);
        m.putAll(addresses);
        return new MembershipBook(m);
    }

    /** Client endpoints by id, for redirects and status. */
    Map<NodeId, Endpoint> clients() {
        Map<NodeId, Endpoint> m = new LinkedHashMap<>();
        addresses.forEach((id, a) -> m.put(id, a.client()));
        return Collections.unmodifiableMap(m);
    }

    /** The id other than {@code self} that already uses {@code endpoint} as a raft or client address. */
    Optional<NodeId> usedBy(Endpoint endpoint, NodeId self) {
        for (Map.Entry<NodeId, Address> e : addresses.entrySet()) {
            if (e.getKey().equals(self)) continue;
            Address a = e.getValue();
            if (a.client().equals(endpoint) || a.raft().filter(endpoint::equals).isPresent()) return Optional.of(e.getKey());
        }
        return Optional.empty();
    }
}
