package dev.floe.raft.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A storage directory holds files Floe did not write, so it is not a Floe directory (or not the
 * kind this store expects). Floe never deletes or overwrites such files.
 */
public final class ForeignDirectoryException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param dir        the directory
     * @param unexpected a file in it that Floe did not write
     */
    public ForeignDirectoryException(Path dir, Path unexpected) {
        super(dir + " is not a Floe storage directory: it holds " + unexpected.getFileName()
                + ", which Floe did not write. Point Floe at an empty or missing directory, or at one it created.");
    }
}
