package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The envelope is in every session command of every log on disk: the hand-written encoder must
 * write exactly what the {@code DataOutputStream} encoding of earlier versions wrote, and the
 * decoder read both back.
 */
class SessionEnvelopeTest {
    private static final String[] IDS = {"c", "client-1", "é-client", "\u0000nul", "客户端", "emoji-\uD83D\uDE00", "x".repeat(300)};

    /** The format as written before, with Java's streams. */
    private static byte[] reference(String clientId, long sequence, long lowest, long millis, byte[] command) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(SessionEnvelope.SESSION);
        out.writeUTF(clientId);
        out.writeLong(sequence);
        out.writeLong(lowest);
        out.writeLong(millis);
        out.write(command);
        return bytes.toByteArray();
    }

    @Test
    void sessionEnvelopesAreTheStreamEncodingAndReadBack() throws IOException {
        long[] numbers = {1, 255, 1L << 40, Long.MAX_VALUE, -1};
        for (String id : IDS) {
            for (long n : numbers) {
                byte[] command = ("cmd-" + n).getBytes();
                Bytes envelope = SessionEnvelope.session(id, n, n - 1, n ^ 7, Bytes.wrap(command));
                assertThat(envelope.toByteArray()).isEqualTo(reference(id, n, n - 1, n ^ 7, command));
                assertThat(SessionEnvelope.decode(1, envelope))
                        .isEqualTo(new SessionEnvelope.Session(id, n, n - 1, n ^ 7, Bytes.wrap(command)));
            }
        }
        assertThat(SessionEnvelope.decode(1, SessionEnvelope.session("c", 1, 1, 0, Bytes.EMPTY)))
                .isEqualTo(new SessionEnvelope.Session("c", 1, 1, 0, Bytes.EMPTY));
    }

    @Test
    void plainCommandsKeepTheirBytes() {
        Bytes command = Bytes.utf8("plain");
        assertThat(SessionEnvelope.decode(1, SessionEnvelope.plain(command))).isEqualTo(new SessionEnvelope.Plain(command));
    }

    @Test
    void aTruncatedOrUnknownEnvelopeIsRefused() throws IOException {
        byte[] full = reference("client", 3, 2, 1, new byte[] {9});
        for (int cut = 1; cut < full.length - 1; cut++) {
            Bytes truncated = Bytes.wrap(Arrays.copyOf(full, cut));
            assertThatThrownBy(() -> SessionEnvelope.decode(5, truncated)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("command entry 5");
        }
        assertThatThrownBy(() -> SessionEnvelope.decode(5, Bytes.wrap(new byte[] {7, 1}))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown tag 7");
        assertThatThrownBy(() -> SessionEnvelope.decode(5, Bytes.EMPTY)).isInstanceOf(IllegalStateException.class);
    }
}
