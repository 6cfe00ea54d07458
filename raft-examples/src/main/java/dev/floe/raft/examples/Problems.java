package dev.floe.raft.examples;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One line an operator can act on for a failure: the JDK's file-system exceptions carry only the
 * path as their message ("/var/lib/kv"), which says neither what went wrong nor that it was a file.
 */
public final class Problems {
    private Problems() {
    }

    /** What went wrong with {@code e}, in one line. */
    public static String describe(Throwable e) {
        if (e instanceof FileSystemException fs) {
            String what = fs instanceof NoSuchFileException ? "no such file or directory"
                    : fs instanceof AccessDeniedException ? "permission denied"
                    : fs instanceof FileAlreadyExistsException ? "already exists"
                    : fs instanceof NotDirectoryException ? "not a directory"
                    : fs instanceof DirectoryNotEmptyException ? "directory not empty"
                    : fs.getReason() != null ? fs.getReason() : fs.getClass().getSimpleName();
            String file = fs.getFile() != null ? fs.getFile() : "?";
            return file + (fs.getOtherFile() != null ? " -> " + fs.getOtherFile() : "") + ": " + what;
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
