package dev.floe.raft.examples.kv;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The members of a raft-kv cluster, as given to {@code --cluster}:
 * {@code n1=127.0.0.1:7001:8001,n2=127.0.0.1:7002:8002,...}. Immutable.
 */
public record ClusterSpec(List<Member> members) {
    public ClusterSpec {
        members = List.copyOf(members);
        if (members.isEmpty()) throw new IllegalArgumentException("the cluster has no members");
        Set<NodeId> ids = new HashSet<>();
        Set<Endpoint> addresses = new HashSet<>();
        for (Member m : members) {
            if (!ids.add(m.id())) throw new IllegalArgumentException("member " + m.id() + " is listed twice");
            if (!addresses.add(m.raft()) || !addresses.add(m.http())) {
                throw new IllegalArgumentException("member " + m.id() + " reuses an address of another member");
            }
        }
    }

    /** Parses a comma-separated list of {@link Member#parse members}. */
    public static ClusterSpec parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("--cluster is required, e.g. n1=127.0.0.1:7001:8001,...");
        return new ClusterSpec(java.util.Arrays.stream(text.split(",", -1)).map(String::trim).map(Member::parse).toList());
    }

    /** The member called {@code id}, if listed. */
    public Optional<Member> member(NodeId id) {
        return members.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** Each member's HTTP address: what the Raft server hands out as the leader's client endpoint. */
    public Map<NodeId, Endpoint> httpEndpoints() {
        Map<NodeId, Endpoint> m = new LinkedHashMap<>();
        for (Member member : members) m.put(member.id(), member.http());
        return m;
    }

    @Override
    public String toString() {
        return String.join(",", members.stream().map(Member::toString).toList());
    }
}
