package dev.floe.raft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one line an operator sees for a failed start names the file and what is wrong with it. */
class ProblemsTest {
    @TempDir
    Path dir;

    @Test
    void aFileSystemFailureNamesTheFileAndTheReason() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        IOException underAFile = failure(() -> Files.createDirectories(file.resolve("data")));
        IOException missing = failure(() -> Files.readString(dir.resolve("absent")));

        assertThat(missing.getMessage()).isEqualTo(dir.resolve("absent").toString()); // what the JDK alone says
        assertThat(Problems.describe(missing)).isEqualTo(dir.resolve("absent") + ": no such file or directory");
        assertThat(Problems.describe(underAFile)).startsWith(file.toString()).contains(": ");
        assertThat(Problems.describe(new IOException("disk full"))).isEqualTo("disk full");
        assertThat(Problems.describe(new IllegalStateException())).isEqualTo("java.lang.IllegalStateException");
    }

    private interface Io {
        void run() throws IOException;
    }

    private static IOException failure(Io io) {
        try {
            io.run();
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("expected an IOException");
    }
}
