package dev.floe.raft.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Stored data failed a check that a crash cannot explain: a bad checksum in a closed segment, a
 * missing segment, a damaged hard-state or snapshot file. The storage refuses to start rather than
 * silently drop or skip anything; an operator has to look at {@link #file()} at {@link #offset()}.
 */
public final class StorageCorruptionException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The damaged file. */
    private final Path file;
    /** Where in the file the damage was found. */
    private final long offset;

    /**
     * Creates the exception.
     *
     * @param file    the damaged file
     * @param offset  the byte offset where the damage was found
     * @param problem what is wrong there
     */
    public StorageCorruptionException(Path file, long offset, String problem) {
        super(file + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    private StorageCorruptionException(StorageCorruptionException problem, String advice) {
        super(problem.getMessage() + ". " + advice, problem);
        this.file = problem.file;
        this.offset = problem.offset;
    }

    /**
     * The same damage, with what the operator should do appended to the message.
     *
     * @param advice what the operator should do
     * @return a new exception with this one as its cause
     */
    public StorageCorruptionException withAdvice(String advice) {
        return new StorageCorruptionException(this, advice);
    }

    /** {@return the damaged file} */
    public Path file() {
        return file;
    }

    /** {@return the byte offset in {@link #file()} where the damage was found} */
    public long offset() {
        return offset;
    }
}
