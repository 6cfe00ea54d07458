package dev.floe.raft.server;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.LocalCluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.ServerClosedException;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryHardStateStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RaftServer#health()} and {@link RaftServer.Builder#onFatal}: a server that cannot write says so and stops. */
@ExtendWith(NoFloeThreadsLeft.class)
class RaftServerHealthTest {
    private static final NodeId N1 = NodeId.of("n1");
    private final DiskFullLogStorage log = new DiskFullLogStorage();
    private final CompletableFuture<ServerHealth> fatal = new CompletableFuture<>();
    private final RaftServer server = RaftServer.builder()
            .id(N1)
            .members(List.of(Member.voter(N1, new Endpoint("n1.example", 7001), new Endpoint("n1.example", 9001))))
            .stateMachine(new RecordingStateMachine())
            .storage(log, new MemoryHardStateStore())
            .transport(new LocalNetwork().transport(N1))
            .options(LocalCluster.FAST)
            .onFatal(fatal::complete)
            .build();

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void reportsNewRunningAndStoppedWithoutCauseAfterClose() throws Exception {
        assertThat(server.health().state()).isEqualTo(ServerHealth.State.NEW);
        server.start();
        assertThat(server.health().state()).isEqualTo(ServerHealth.State.RUNNING);
        assertThat(server.health().isServing()).isTrue();
        server.close();
        assertThat(server.health().state()).isEqualTo(ServerHealth.State.STOPPED);
        assertThat(server.health().isFailed()).isFalse();
        assertThat(fatal).isNotDone(); // a close asked for is not fatal
    }

    @Test
    void aFullDiskStopsTheServerWithTheCauseAndCallsOnFatalOnceClosed() throws Exception {
        server.start();
        Await.until(Duration.ofSeconds(10), "n1 to lead", () -> server.status().isLeader());
        server.submit(Bytes.utf8("fits")).get(5, TimeUnit.SECONDS);

        log.fill();
        CompletableFuture<Bytes> lost = server.submit(Bytes.utf8("does not fit"));

        ServerHealth reported = fatal.get(10, TimeUnit.SECONDS);
        assertThat(reported.state()).isEqualTo(ServerHealth.State.STOPPED);
        assertThat(reported.cause()).get().extracting(Throwable::getMessage).asString().contains(DiskFullLogStorage.NO_SPACE);
        assertThat(reported.problem()).get().asString().contains("could not be made durable").contains(DiskFullLogStorage.NO_SPACE);
        assertThat(server.health()).isEqualTo(reported);
        assertThat(server.status().running()).isFalse(); // the hook runs after the server closed
        // The command's fate is unknown to its caller; new requests are refused, naming the cause.
        assertThat(lost).failsWithin(Duration.ofSeconds(5));
        assertThat(server.submit(Bytes.utf8("after")))
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(ServerClosedException.class)
                .withMessageContaining(DiskFullLogStorage.NO_SPACE);
    }
}
