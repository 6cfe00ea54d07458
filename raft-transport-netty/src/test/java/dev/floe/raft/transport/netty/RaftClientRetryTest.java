package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.transport.netty.internal.ClientFrames;
import dev.floe.raft.transport.proto.ClientSubmit;
import dev.floe.raft.transport.proto.Frame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client's retry contract, against a scripted member: same client id and sequence on every attempt. */
class RaftClientRetryTest {

    @Test
    void aRetryCarriesTheSameClientIdAndSequenceNumberAndTheLowestOutstandingOne() throws Exception {
        try (FakeMember member = new FakeMember();
             RaftClient client = RaftClient.builder("c").clientId("session-1").members(List.of(member.endpoint())).build()) {
            CompletableFuture<Bytes> first = client.submit(Bytes.utf8("first"));
            CompletableFuture<Bytes> second = client.submit(Bytes.utf8("second"));
            member.accept();

            Frame handshake = member.read();
            assertThat(handshake.getClientHandshake().getClientId()).isEqualTo("session-1");
            assertThat(handshake.getClientHandshake().getClusterId()).isEqualTo("c");
            ClientSubmit a = member.read().getClientSubmit();
            ClientSubmit b = member.read().getClientSubmit();
            assertThat(a.getSequence()).isEqualTo(1);
            assertThat(b.getSequence()).isEqualTo(2);
            assertThat(a.getLowestOutstandingSequence()).isEqualTo(1);
            assertThat(b.getLowestOutstandingSequence()).isEqualTo(1);

            member.write(ClientFrames.ok(a.getRequestId(), Bytes.utf8("one")));
            assertThat(first.get(5, TimeUnit.SECONDS).toUtf8()).isEqualTo("one");
            member.write(ClientFrames.outcomeUnknown(b.getRequestId(), "timed out on the member"));
            ClientSubmit retry = member.read().getClientSubmit();
            assertThat(retry.getClientId()).isEqualTo("session-1");
            assertThat(retry.getSequence()).isEqualTo(2);
            // Sequence 1 is answered: the member may forget its response (thesis §6.3).
            assertThat(retry.getLowestOutstandingSequence()).isEqualTo(2);
            assertThat(retry.getRequestId()).isNotEqualTo(b.getRequestId());
            assertThat(retry.getCommand().toStringUtf8()).isEqualTo("second");

            member.write(ClientFrames.ok(retry.getRequestId(), Bytes.utf8("done")));
            assertThat(second.get(5, TimeUnit.SECONDS).toUtf8()).isEqualTo("done");
        }
    }

    @Test
    void aTimedOutAttemptIsRetriedAndALateAnswerToItIsIgnored() throws Exception {
        try (FakeMember member = new FakeMember();
             RaftClient client = RaftClient.builder("c").members(List.of(member.endpoint()))
                     .requestTimeout(Duration.ofMillis(200)).build()) {
            CompletableFuture<Bytes> result = client.submit(Bytes.utf8("x"));
            member.accept();
            member.read(); // handshake
            ClientSubmit first = member.read().getClientSubmit();
            // No answer: after the timeout the client tries the next member, which is this one again.
            ClientSubmit retry = member.read().getClientSubmit();
            assertThat(retry.getSequence()).isEqualTo(first.getSequence());

            member.write(ClientFrames.ok(first.getRequestId(), Bytes.utf8("late")));
            member.write(ClientFrames.ok(retry.getRequestId(), Bytes.utf8("retry")));
            assertThat(result.get(5, TimeUnit.SECONDS).toUtf8()).isEqualTo("retry");
        }
    }

    @Test
    void outcomeUnknownSurfacesOnlyWhenTheRetryBudgetIsSpent() throws Exception {
        try (FakeMember member = new FakeMember();
             RaftClient client = RaftClient.builder("c").members(List.of(member.endpoint())).retryBudget(2).build()) {
            CompletableFuture<Bytes> result = client.submit(Bytes.utf8("x"));
            member.accept();
            member.read(); // handshake
            for (int attempt = 1; attempt <= 3; attempt++) {
                assertThat(result).as("after %d unknown outcomes", attempt - 1).isNotDone();
                ClientSubmit s = member.read().getClientSubmit();
                assertThat(s.getSequence()).isEqualTo(1);
                member.write(ClientFrames.outcomeUnknown(s.getRequestId(), "unknown #" + attempt));
            }
            assertThat(result)
                    .failsWithin(5, TimeUnit.SECONDS)
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(OutcomeUnknownException.class)
                    .withMessageContaining("after 3 attempts")
                    .withMessageContaining("unknown #3");
        }
    }
}
