package dev.floe.raft.transport.netty;

import dev.floe.raft.Endpoint;
import dev.floe.raft.transport.proto.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** A plain blocking socket that writes arbitrary bytes at a node, for bad-input tests. */
final class RawClient implements AutoCloseable {
    private final Socket socket = new Socket();

    RawClient(Endpoint endpoint) throws IOException {
        this(endpoint, "127.0.0.1");
    }

    /**
     * Connects from {@code localHost}, a loopback address like {@code 127.0.0.2}: on Linux every
     * 127/8 address is local, so a test can play several remote sources.
     */
    RawClient(Endpoint endpoint, String localHost) throws IOException {
        socket.bind(new InetSocketAddress(localHost, 0));
        socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 5000);
        socket.setSoTimeout(50);
        socket.setTcpNoDelay(true);
    }

    /** The client's own port: what the node's log line names. */
    int localPort() {
        return socket.getLocalPort();
    }

    /** Writes {@code bytes}; false when the node has already closed the connection. */
    boolean send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    boolean sendFrame(Frame frame) {
        return send(framed(frame.toByteArray()));
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Whether the node closes the connection within {@code timeout}. */
    boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[512];
            while (System.nanoTime() < deadline) {
                try {
                    if (in.read(sink) < 0) return true;
                } catch (SocketTimeoutException e) {
                    // Still open; poll again.
                }
            }
            return false;
        } catch (IOException e) {
            return true; // reset by the node
        }
    }

    /** The next frame the node sends, waiting up to {@code timeout}. */
    Frame readFrame(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] length = readFully(4, deadline);
        return Frame.parseFrom(readFully(ByteBuffer.wrap(length).getInt(), deadline));
    }

    private byte[] readFully(int n, long deadline) throws IOException {
        byte[] buf = new byte[n];
        int at = 0;
        InputStream in = socket.getInputStream();
        while (at < n) {
            if (System.nanoTime() > deadline) throw new IOException("timed out reading " + n + " bytes (" + at + " read)");
            try {
                int r = in.read(buf, at, n - at);
                if (r < 0) throw new IOException("connection closed after " + at + " of " + n + " bytes");
                at += r;
            } catch (SocketTimeoutException e) {
                // Nothing yet; poll again until the deadline.
            }
        }
        return buf;
    }

    static byte[] framed(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
