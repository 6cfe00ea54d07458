package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.OutcomeUnknownException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link RaftClient} against three servers whose client endpoints are on real sockets. */
class RaftClientTest {

    @Test
    void aClientThatKnowsOnlyAFollowerIsRedirectedToTheLeader() throws Exception {
        try (SocketCluster<IndexedMachine> cluster = IndexedMachine.cluster()) {
            NodeId leader = cluster.awaitLeader().id();
            Endpoint follower = cluster.clientEndpoint(cluster.anyFollower(cluster.server(leader)).id());
            try (RaftClient client = RaftClient.builder(SocketCluster.CLUSTER).members(List.of(follower)).build()) {
                long index = IndexedMachine.index(client.submit(Bytes.utf8("via follower")).get(10, TimeUnit.SECONDS));
                assertThat(cluster.machine(leader).applied.get(index).toUtf8()).isEqualTo("via follower");
                assertThat(client.read(Bytes.utf8("count")).get(10, TimeUnit.SECONDS).toUtf8()).isNotEmpty();
            }
        }
    }

    /**
     * A read carries its consistency to the member: with the leader gone and no new one yet (the
     * other follower stopped too), a follower answers a STALE read from what it has applied, while a
     * LINEARIZABLE or LEASE read cannot be confirmed and is not answered.
     */
    @Test
    void aReadCarriesItsConsistencyToTheMember() throws Exception {
        try (SocketCluster<IndexedMachine> cluster = IndexedMachine.cluster()) {
            NodeId leader = cluster.awaitLeader().id();
            NodeId follower = cluster.anyFollower(cluster.server(leader)).id();
            Endpoint followerEndpoint = cluster.clientEndpoint(follower);
            try (RaftClient client = RaftClient.builder(SocketCluster.CLUSTER).members(List.of(followerEndpoint)).build()) {
                for (int i = 0; i < 3; i++) client.submit(Bytes.utf8("w" + i)).get(10, TimeUnit.SECONDS);
                assertThat(client.read(Bytes.utf8("count"), dev.floe.raft.ReadConsistency.LEASE).get(10, TimeUnit.SECONDS).toUtf8())
                        .isEqualTo(Integer.toString(cluster.machine(leader).applied.size()));
            }
            Await.until("the follower to apply the writes", Duration.ofSeconds(10), () -> cluster.machine(follower).applied.size() >= 3);
            for (NodeId other : List.copyOf(cluster.running().stream().map(s -> s.id()).toList())) {
                if (!other.equals(follower)) cluster.stop(other);
            }
            try (RaftClient alone = RaftClient.builder(SocketCluster.CLUSTER).members(List.of(followerEndpoint))
                    .retryBudget(0).requestTimeout(Duration.ofSeconds(1)).build()) {
                String stale = alone.read(Bytes.utf8("count"), dev.floe.raft.ReadConsistency.STALE).get(10, TimeUnit.SECONDS).toUtf8();
                assertThat(stale).isEqualTo(Integer.toString(cluster.machine(follower).applied.size()));
                for (dev.floe.raft.ReadConsistency confirmed : List.of(dev.floe.raft.ReadConsistency.LINEARIZABLE, dev.floe.raft.ReadConsistency.LEASE)) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> alone.read(Bytes.utf8("count"), confirmed).get(10, TimeUnit.SECONDS))
                            .as(confirmed.name()).isInstanceOf(ExecutionException.class);
                }
            }
        }
    }

    /**
     * A closed loop of 32 outstanding writes while the leader closes: every acknowledged command is
     * applied by the survivors at exactly the index its acknowledgement names, and — the client
     * retrying with the same (client id, sequence) into the server's sessions — none twice.
     */
    @Test
    void keepsWritingAcrossALeaderCloseAndEveryAcknowledgedWriteIsAppliedAsAcknowledged() throws Exception {
        try (SocketCluster<IndexedMachine> cluster = IndexedMachine.cluster();
             RaftClient client = RaftClient.builder(SocketCluster.CLUSTER)
                     .members(cluster.clientEndpoints())
                     .requestTimeout(Duration.ofSeconds(3))
                     .build()) {
            NodeId first = cluster.awaitLeader().id();
            Map<String, Long> acknowledged = new ConcurrentHashMap<>();
            AtomicInteger failures = new AtomicInteger();
            Semaphore permits = new Semaphore(32);
            AtomicInteger counter = new AtomicInteger();
            Runnable writeOne = () -> {
                String command = "w-" + counter.incrementAndGet();
                client.submit(Bytes.utf8(command)).whenComplete((result, error) -> {
                    if (error == null) {
                        acknowledged.put(command, IndexedMachine.index(result));
                    } else {
                        failures.incrementAndGet();
                    }
                    permits.release();
                });
            };
            CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
                long stopAt = Long.MAX_VALUE;
                while (System.nanoTime() < stopAt) {
                    permits.acquireUninterruptibly();
                    writeOne.run();
                    if (stopAt == Long.MAX_VALUE && acknowledged.size() >= 1500) stopAt = System.nanoTime();
                }
                permits.acquireUninterruptibly(32);
            });
            Await.until("300 writes acknowledged by the first leader", Duration.ofSeconds(10), () -> acknowledged.size() >= 300);
            cluster.stop(first);
            NodeId second = cluster.awaitLeader().id();
            loop.get(30, TimeUnit.SECONDS);

            assertThat(second).isNotEqualTo(first);
            assertThat(failures.get()).as("requests that failed despite retries").isZero();
            for (NodeId survivor : cluster.runningIds()) {
                IndexedMachine machine = cluster.machine(survivor);
                long highest = acknowledged.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                Await.until(survivor + " applies up to " + highest, Duration.ofSeconds(10),
                        () -> !machine.applied.isEmpty() && machine.applied.lastKey() >= highest);
                acknowledged.forEach((command, index) ->
                        assertThat(machine.applied.get(index)).as("entry %d on %s", index, survivor).isEqualTo(Bytes.utf8(command)));
            }
            Map<Bytes, Integer> copies = new HashMap<>();
            cluster.machine(second).applied.values().forEach(c -> copies.merge(c, 1, Integer::sum));
            long duplicates = copies.values().stream().filter(n -> n > 1).count();
            assertThat(duplicates).as("commands applied more than once (exactly-once sessions, thesis §6.3)").isZero();
        }
    }

    @Test
    void failsFastWithBackpressureWhenTheOutstandingBoundIsReached() throws Exception {
        // Nothing listens there: requests stay outstanding while the client retries the connection.
        Endpoint nowhere = new Endpoint("127.0.0.1", 1);
        try (RaftClient client = RaftClient.builder("c").members(List.of(nowhere)).maxOutstanding(2).build()) {
            CompletableFuture<Bytes> a = client.submit(Bytes.utf8("a"));
            CompletableFuture<Bytes> b = client.submit(Bytes.utf8("b"));
            CompletableFuture<Bytes> c = client.submit(Bytes.utf8("c"));

            assertThat(c).isCompletedExceptionally();
            assertThat(c.handle((r, e) -> e).get()).isInstanceOf(BackpressureException.class);
            assertThat(a).isNotDone();
            assertThat(b).isNotDone();
            assertThat(client.outstanding()).isEqualTo(2);
        }
    }

    @Test
    void anUnreachableClusterEndsTheRequestWhenTheRetryBudgetIsSpent() {
        Endpoint nowhere = new Endpoint("127.0.0.1", 1);
        try (RaftClient client = RaftClient.builder("c").members(List.of(nowhere)).retryBudget(2).build()) {
            assertThat(client.submit(Bytes.utf8("a")))
                    .failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(RaftClientException.class)
                    .withMessageContaining("cannot reach 127.0.0.1:1");
        }
    }

    @Test
    void aCommandInFlightWhenTheClientClosesEndsAsOutcomeUnknownAndNoThreadIsLeft() throws Exception {
        try (SocketCluster<IndexedMachine> cluster = IndexedMachine.cluster()) {
            cluster.awaitLeader();
            RaftClient client = RaftClient.builder(SocketCluster.CLUSTER).members(cluster.clientEndpoints()).build();
            client.submit(Bytes.utf8("warm")).get(10, TimeUnit.SECONDS);
            List<CompletableFuture<Bytes>> inFlight = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) inFlight.add(client.submit(Bytes.utf8("late-" + i)));
            client.close();

            for (CompletableFuture<Bytes> f : inFlight) {
                assertThat(f).isDone();
                Throwable error = f.handle((r, e) -> e).get();
                if (error != null) assertThat(error).isInstanceOfAny(OutcomeUnknownException.class, RaftClientException.class);
            }
            assertThat(client.submit(Bytes.utf8("after")).handle((r, e) -> e).get()).isInstanceOf(RaftClientException.class);
            Await.until("no client thread left", Duration.ofSeconds(5), () -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("floe-client-") && !t.getName().startsWith("floe-client-endpoint")));
        }
        Await.until("no endpoint thread left", Duration.ofSeconds(5), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("floe-client-endpoint")));
    }
}
