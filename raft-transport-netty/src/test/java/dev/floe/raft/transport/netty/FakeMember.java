package dev.floe.raft.transport.netty;

import dev.floe.raft.Endpoint;
import dev.floe.raft.transport.proto.Frame;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A scripted member for client tests: accepts one connection on a plain blocking socket, and lets
 * the test read the client's frames and write responses by hand.
 */
final class FakeMember implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private Socket socket;
    private DataInputStream in;
    private DataOutputStream out;

    FakeMember() throws IOException {
        server.setSoTimeout(10_000);
    }

    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", server.getLocalPort());
    }

    /** Waits (10 s at most) for the client to connect. */
    void accept() throws IOException {
        socket = server.accept();
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    Frame read() throws IOException {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return Frame.parseFrom(body);
    }

    void write(Frame frame) throws IOException {
        byte[] body = frame.toByteArray();
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) socket.close();
        server.close();
    }
}
