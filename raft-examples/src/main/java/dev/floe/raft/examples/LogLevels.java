package dev.floe.raft.examples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/**
 * Adjusts logback at start-up, per sub-command and from {@code --log-level}/{@code --log-format}
 * (the base configuration is logback.xml, or the file named by {@code -Dlogback.configurationFile}).
 */
final class LogLevels {
    private LogLevels() {
    }

    /** Sets {@code logger}'s level, when logback is the slf4j backend (it is in raft-kv.jar). */
    static void set(String logger, String level) {
        if (LoggerFactory.getLogger(logger) instanceof Logger l) l.setLevel(Level.toLevel(level));
    }

    /** {@code LOGGER=LEVEL}, as {@code --log-level} takes it. */
    static void set(String assignment) {
        int eq = assignment.indexOf('=');
        String level = eq < 0 ? "" : assignment.substring(eq + 1).trim().toUpperCase(java.util.Locale.ROOT);
        if (eq <= 0 || !java.util.Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(level)) {
            throw new IllegalArgumentException("--log-level expects LOGGER=LEVEL with LEVEL one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, not '"
                    + assignment + "'");
        }
        set(assignment.substring(0, eq).trim(), level);
    }

    /** Switches every log line to one JSON object per line (logback-json.xml in the jar). */
    static void json() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return;
        URL config = LogLevels.class.getResource("/logback-json.xml");
        if (config == null) throw new IllegalStateException("logback-json.xml is missing from the jar");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot switch to JSON logs: " + e.getMessage(), e);
        }
    }
}
