package dev.floe.raft.examples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Adjusts logback levels at start-up, per sub-command (the base configuration is logback.xml). */
final class LogLevels {
    private LogLevels() {
    }

    /** Sets {@code logger}'s level, when logback is the slf4j backend (it is in raft-kv.jar). */
    static void set(String logger, String level) {
        if (LoggerFactory.getLogger(logger) instanceof Logger l) l.setLevel(Level.toLevel(level));
    }
}
