package dev.floe.raft.examples.it;

import dev.floe.raft.testkit.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.server.RaftServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README example works as shown, with the default options, including the leader redirect. */
class CounterExampleTest {
    @TempDir
    Path root;

    @Test
    void threeCountersAgreeAfterRedirectedSubmits() throws Exception {
        List<Member> members = new ArrayList<>();
        for (String id : List.of("n1", "n2", "n3")) {
            members.add(Member.voter(NodeId.of(id), new Endpoint("127.0.0.1", FreePorts.next()),
                    new Endpoint("127.0.0.1", FreePorts.next())));
        }
        Map<NodeId, RaftServer> servers = new LinkedHashMap<>();
        try {
            for (Member m : members) servers.put(m.id(), CounterExample.start(m.id(), root.resolve(m.id().value()), members));
            RaftServer any = servers.get(NodeId.of("n1"));
            String total = "";
            for (int i = 1; i <= 10; i++) total = submitFollowingRedirects(any, servers, Bytes.utf8(Integer.toString(i)));
            assertThat(total).isEqualTo("55");
            for (RaftServer s : servers.values()) {
                assertThat(s.read(Bytes.utf8("get")).get(5, TimeUnit.SECONDS).toUtf8()).isEqualTo("55");
            }
            // A follower's refusal names the leader's CLIENT address, never its raft address.
            NodeId leader = servers.values().stream().filter(s -> s.status().isLeader())
                    .findFirst().orElseThrow().id();
            RaftServer follower = servers.values().stream().filter(s -> !s.id().equals(leader)).findFirst().orElseThrow();
            Member leaderMember = members.stream().filter(m -> m.id().equals(leader)).findFirst().orElseThrow();
            assertThatThrownBy(() -> follower.submit(Bytes.utf8("1")).get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NotLeaderException.class)
                    .satisfies(e -> assertThat(((NotLeaderException) e.getCause()).leaderEndpoint())
                            .contains(leaderMember.client()));
        } finally {
            servers.values().forEach(RaftServer::close);
        }
    }

    @Test
    void readmeShowsThisExampleVerbatim() throws Exception {
        String readme = java.nio.file.Files.readString(Path.of("..", "README.md"));
        String source = java.nio.file.Files.readString(
                Path.of("src/test/java/dev/floe/raft/examples/it/CounterExample.java"));
        assertThat(readme).contains("```java\n" + source + "```");
    }

    /** What a client does: submit anywhere, follow NotLeaderException to the named leader, retry. */
    private static String submitFollowingRedirects(RaftServer first, Map<NodeId, RaftServer> servers, Bytes command) {
        NodeId[] target = {first.id()};
        return Await.value(Duration.ofSeconds(15), "a leader to take " + command, () -> {
            try {
                return Optional.of(servers.get(target[0]).submit(command).get(5, TimeUnit.SECONDS).toUtf8());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof NotLeaderException redirect)) throw new AssertionError(e.getCause());
                redirect.leader().ifPresent(leader -> target[0] = leader); // none known: an election is running
                return Optional.empty();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
