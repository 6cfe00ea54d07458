package dev.floe.raft.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Loopback ports for tests that open real sockets: the one port source of every module's tests
 * (raft-core's test jar). The operating system may hand the same ephemeral port to two
 * {@code bind(0)} calls once the first socket is closed, so this remembers every port it gave out
 * in this JVM and never gives one twice; a cluster's members therefore never share an address.
 */
public final class FreePorts {
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    /** {@return a loopback port that is free now and was not given out before in this JVM} */
    public static synchronized int next() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (GIVEN.add(port)) return port;
        }
        throw new IllegalStateException("no fresh loopback port after 1000 attempts");
    }
}
