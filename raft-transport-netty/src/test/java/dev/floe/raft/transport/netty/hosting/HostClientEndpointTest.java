package dev.floe.raft.transport.netty.hosting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftHost;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.testkit.FreePorts;
import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.transport.netty.RaftClient;
import dev.floe.raft.transport.netty.RaftClientEndpoint;
import dev.floe.raft.transport.netty.RaftClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One client endpoint per host serves every group of the host (docs/client-protocol.md, "Many
 * groups"): a client names its group in the handshake, its requests reach that group only, and
 * redirects lead to that group's leader.
 */
class HostClientEndpointTest {
    private static final GroupId G1 = GroupId.of("g1");
    private static final GroupId G2 = GroupId.of("g2");

    @Test
    void eachClientReachesOnlyItsGroupThroughTheHostsOneEndpoint() throws Exception {
        List<RaftClientEndpoint> endpoints = new ArrayList<>();
        try (HostCluster cluster = new HostCluster(3)) {
            // Every group advertises its members' host endpoints as their client addresses.
            Map<NodeId, Endpoint> clientAddresses = new LinkedHashMap<>();
            List<Member> members = new ArrayList<>();
            for (Member m : cluster.members) {
                Endpoint client = new Endpoint("127.0.0.1", FreePorts.next());
                clientAddresses.put(m.id(), client);
                members.add(Member.voter(m.id(), m.raft(), client));
            }
            Map<GroupId, Map<NodeId, RecordingStateMachine>> machines = new LinkedHashMap<>();
            for (GroupId group : List.of(G1, G2)) {
                Map<NodeId, RecordingStateMachine> byHost = new LinkedHashMap<>();
                for (RaftHost host : cluster.hosts.values()) {
                    RecordingStateMachine machine = new RecordingStateMachine();
                    host.startGroup(group, members, machine, HostCluster.FAST);
                    byHost.put(host.id(), machine);
                }
                machines.put(group, byHost);
            }
            for (RaftHost host : cluster.hosts.values()) {
                endpoints.add(RaftClientEndpoint.builder("hosts", host, clientAddresses.get(host.id())).build().start());
            }
            RaftServer leader2 = cluster.awaitLeader(G2);
            cluster.awaitLeader(G1);
            // A client of g2 that knows only a host not leading g2 is redirected to g2's leader.
            NodeId notLeading = clientAddresses.keySet().stream().filter(id -> !id.equals(leader2.id())).findFirst().orElseThrow();

            try (RaftClient g1 = client(G1, List.copyOf(clientAddresses.values()));
                 RaftClient g2 = client(G2, List.of(clientAddresses.get(notLeading)))) {
                for (int i = 0; i < 5; i++) {
                    g1.submit(Bytes.utf8("one-" + i)).get(10, TimeUnit.SECONDS);
                    g2.submit(Bytes.utf8("two-" + i)).get(10, TimeUnit.SECONDS);
                }
                assertThat(g2.read(Bytes.utf8("q")).get(10, TimeUnit.SECONDS)).isNotNull();
            }

            for (RaftHost host : cluster.hosts.values()) {
                RecordingStateMachine one = machines.get(G1).get(host.id());
                RecordingStateMachine two = machines.get(G2).get(host.id());
                Await.until(HostCluster.WAIT, "both groups applied on " + host.id(),
                        () -> one.commands().size() >= 5 && two.commands().size() >= 5);
                assertThat(one.commands()).allMatch(c -> c.startsWith("one-"));
                assertThat(two.commands()).allMatch(c -> c.startsWith("two-"));
            }
        } finally {
            endpoints.forEach(RaftClientEndpoint::close);
        }
    }

    @Test
    void aGroupTheHostDoesNotRunRefusesTheHandshakeWithTheReason() throws Exception {
        try (HostCluster cluster = new HostCluster(1)) {
            RaftHost host = cluster.host(1);
            Endpoint address = new Endpoint("127.0.0.1", FreePorts.next());
            host.startGroup(G1, List.of(Member.voter(host.id(), cluster.members.get(0).raft(), address)),
                    new RecordingStateMachine(), HostCluster.FAST);
            try (RaftClientEndpoint endpoint = RaftClientEndpoint.builder("hosts", host, address).build().start();
                 RaftClient stranger = client(GroupId.of("nope"), List.of(address));
                 RaftClient unnamed = RaftClient.builder("hosts").members(List.of(address)).retryBudget(0).build()) {
                assertThatThrownBy(() -> stranger.submit(Bytes.utf8("x")).get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RaftClientException.class)
                        .hasMessageContaining("no group nope on h1");
                // A client that names no group asks for the default group, which this host does not run.
                assertThatThrownBy(() -> unnamed.submit(Bytes.utf8("x")).get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasMessageContaining("no group default on h1");
            }
        }
    }

    private static RaftClient client(GroupId group, List<Endpoint> members) {
        return RaftClient.builder("hosts").group(group).members(members).retryBudget(20)
                .requestTimeout(Duration.ofSeconds(3)).build();
    }
}
