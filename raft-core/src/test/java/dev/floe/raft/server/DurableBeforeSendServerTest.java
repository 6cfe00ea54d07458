package dev.floe.raft.server;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.LocalCluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Endpoint;
import dev.floe.raft.HardState;
import dev.floe.raft.HardStateStore;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.VoteRequest;
import dev.floe.raft.message.VoteResponse;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime sends nothing that promises more than its disk holds (Raft paper Figure 2: persist
 * before responding; etcd/raft README: no message before the latest HardState is durable). Each
 * server's hard state store blocks its saves until the test opens it, and its transport records,
 * for every message sent, the hard state that was durable at that moment.
 */
@ExtendWith(NoFloeThreadsLeft.class)
class DurableBeforeSendServerTest {
    private final LocalNetwork network = new LocalNetwork();
    private final List<RaftServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        for (RaftServer s : servers) s.close();
    }

    /** A store whose saves wait until {@link #open()}; {@link #durable()} is what a crash would leave. */
    static final class GatedHardStateStore implements HardStateStore {
        private final CountDownLatch gate = new CountDownLatch(1);
        private volatile HardState durable = HardState.INITIAL;
        private volatile int saveAttempts;

        @Override
        public HardState load() {
            return durable;
        }

        @Override
        public void save(HardState state) throws IOException {
            saveAttempts++;
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while saving", e);
            }
            durable = state;
        }

        void open() {
            gate.countDown();
        }

        HardState durable() {
            return durable;
        }

        int saveAttempts() {
            return saveAttempts;
        }
    }

    /** A message as it left, with the hard state durable at that moment. */
    record Sent(Message message, HardState durable) {
    }

    /** Records what a server sends, then hands it on to the network. */
    static final class RecordingTransport implements Transport {
        private final Transport delegate;
        private final GatedHardStateStore store;
        final List<Sent> sent = new CopyOnWriteArrayList<>();

        RecordingTransport(Transport delegate, GatedHardStateStore store) {
            this.delegate = delegate;
            this.store = store;
        }

        @Override
        public void start(NodeId self, Consumer<Message> inbound) throws java.io.IOException {
            delegate.start(self, inbound);
        }

        @Override
        public void send(Message message) {
            sent.add(new Sent(message, store.durable()));
            delegate.send(message);
        }

        @Override
        public void addPeer(NodeId peer, Endpoint endpoint) {
            delegate.addPeer(peer, endpoint);
        }

        @Override
        public void removePeer(NodeId peer) {
            delegate.removePeer(peer);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private static Member member(int i, boolean voter) {
        return new Member(NodeId.of("n" + i), new Endpoint("raft-n" + i + ".example", 7000 + i),
                new Endpoint("client-n" + i + ".example", 9000 + i), voter);
    }

    private RaftServer start(Member self, List<Member> members, HardStateStore store, Transport transport) throws IOException {
        RaftServer server = RaftServer.builder()
                .id(self.id())
                .members(members)
                .stateMachine(new RecordingStateMachine())
                .transport(transport)
                .storage(new MemoryLogStorage(), store)
                .options(LocalCluster.FAST)
                .build();
        server.start();
        servers.add(server);
        return server;
    }

    private static boolean isPreVote(Message m) {
        return (m instanceof VoteResponse v && v.preVote()) || (m instanceof VoteRequest r && r.preVote());
    }

    /**
     * Every message carries a term that was durable when it left, and every vote grant a durable
     * vote. Pre-votes are exempt: they name a term the sender proposes, not one it is in (thesis §9.6).
     */
    private static void assertNothingOutranTheDisk(List<Sent> sent) {
        for (Sent s : sent) {
            if (isPreVote(s.message())) continue;
            assertThat(s.message().term()).as("term of %s vs durable %s", s.message(), s.durable())
                    .isLessThanOrEqualTo(s.durable().term());
            if (s.message() instanceof VoteResponse v && v.granted() && !v.preVote()) {
                assertThat(s.durable()).as("vote grant %s", v).isEqualTo(new HardState(v.term(), Optional.of(v.to())));
            }
        }
    }

    @Test
    void singleVoterSendsNothingOfItsNewTermToItsLearnerBeforeTheTermIsDurable() throws Exception {
        List<Member> members = List.of(member(1, true), member(2, false));
        GatedHardStateStore n1Store = new GatedHardStateStore();
        RecordingTransport n1Net = new RecordingTransport(network.transport(NodeId.of("n1")), n1Store);
        RaftServer n1 = start(members.get(0), members, n1Store, n1Net);
        GatedHardStateStore n2Store = new GatedHardStateStore();
        n2Store.open();
        RaftServer n2 = start(members.get(1), members, n2Store, network.transport(NodeId.of("n2")));

        // The core wins at once (one voter) and hands out its term, its no-op and appends to n2.
        Await.until(Duration.ofSeconds(10), "n1 to try to save its first term", () -> n1Store.saveAttempts() > 0);
        Await.until(Duration.ofSeconds(10), "n1 to lead in its core", () -> n1.status().isLeader());
        // (An answer to the learner's term probe may leave: it carries the term before, 0.)
        assertThat(n1Net.sent).as("nothing of term 1 leaves while term 1 is not durable").noneMatch(s -> s.message().term() >= 1);

        n1Store.open();
        Await.until(Duration.ofSeconds(10), "n2 to follow n1", () -> n2.status().leader().equals(Optional.of(n1.id())));
        assertThat(n1Net.sent).isNotEmpty();
        assertNothingOutranTheDisk(n1Net.sent);
    }

    @Test
    void voteIsGrantedOnlyAfterItIsDurable_Figure2() throws Exception {
        List<Member> members = List.of(member(1, true), member(2, true));
        List<GatedHardStateStore> stores = List.of(new GatedHardStateStore(), new GatedHardStateStore());
        List<RecordingTransport> nets = new ArrayList<>();
        List<RaftServer> two = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            nets.add(new RecordingTransport(network.transport(members.get(i).id()), stores.get(i)));
            two.add(start(members.get(i), members, stores.get(i), nets.get(i)));
        }
        // One of them wins its pre-vote and campaigns while nothing can be saved: with two voters,
        // nobody can win, and no real vote request or grant may leave.
        Await.until(Duration.ofSeconds(10), "a candidate trying to save its term", () ->
                stores.get(0).saveAttempts() + stores.get(1).saveAttempts() > 0);
        for (RecordingTransport net : nets) {
            assertThat(net.sent).as("only pre-votes, which bind nothing, before a term is durable")
                    .allMatch(s -> isPreVote(s.message()));
        }
        stores.forEach(GatedHardStateStore::open);
        Await.until(Duration.ofSeconds(10), "a leader", () -> two.stream().anyMatch(s -> s.status().isLeader()));
        RaftServer leader = two.stream().filter(s -> s.status().isLeader()).findFirst().orElseThrow();
        int follower = leader == two.get(0) ? 1 : 0;
        assertThat(nets.get(follower).sent).as("the follower granted its vote")
                .anyMatch(s -> s.message() instanceof VoteResponse v && v.granted() && !v.preVote());
        nets.forEach(n -> assertNothingOutranTheDisk(n.sent));
    }
}
