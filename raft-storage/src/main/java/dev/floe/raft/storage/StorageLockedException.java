package dev.floe.raft.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Another process, or another open store in this JVM, already uses the storage directory. */
public final class StorageLockedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param lockFile the directory's lock file
     * @param holder   who holds the lock, as far as known
     */
    public StorageLockedException(Path lockFile, String holder) {
        super(lockFile.getParent() + " is already in use by " + holder + " (lock file " + lockFile.getFileName()
                + "); two nodes must never share a storage directory");
    }
}
