package dev.floe.raft.examples.kv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain socket that writes arbitrary bytes at a node's HTTP or raft port, for limit and probe tests. */
final class RawHttp implements AutoCloseable {
    private final Socket socket = new Socket();

    /** Connects from {@code localHost}, a loopback address (on Linux any 127/8 address plays another source). */
    RawHttp(String host, int port, String localHost) throws IOException {
        socket.bind(new InetSocketAddress(localHost, 0));
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(50);
    }

    /** Writes {@code bytes}; false when the node has closed the connection. */
    boolean send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    boolean send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Whether the node closes the connection within {@code timeout} (what it sent before is discarded). */
    boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            while (System.nanoTime() < deadline) {
                try {
                    if (in.read(sink) < 0) return true;
                } catch (SocketTimeoutException e) {
                    // still open
                }
            }
            return false;
        } catch (SocketException e) {
            return true; // reset
        } catch (IOException e) {
            return true;
        }
    }

    /** Everything the node sends until it closes the connection; fails if it is still open after {@code timeout}. */
    String readUntilClosed(Duration timeout) throws IOException {
        return read(timeout, null);
    }

    /** What the node sends until it contains {@code marker}; fails if that takes longer than {@code timeout}. */
    String readUntil(String marker, Duration timeout) throws IOException {
        return read(timeout, marker);
    }

    private String read(Duration timeout, String marker) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            try {
                int n = in.read(buf);
                if (n < 0) return all.toString(StandardCharsets.ISO_8859_1);
                all.write(buf, 0, n);
                if (marker != null && all.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
                    return all.toString(StandardCharsets.ISO_8859_1);
                }
            } catch (SocketTimeoutException e) {
                // keep reading
            } catch (SocketException e) {
                return all.toString(StandardCharsets.ISO_8859_1); // reset: closed
            }
        }
        throw new AssertionError((marker == null ? "still open" : "no '" + marker + "'") + " after " + timeout
                + "; received: " + all.toString(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
