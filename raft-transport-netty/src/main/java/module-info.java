/**
 * The default {@link dev.floe.raft.Transport} (Netty TCP with protobuf frames), the client endpoint a
 * server offers to applications, and {@link dev.floe.raft.transport.netty.RaftClient}. Only
 * {@code dev.floe.raft.transport.netty} is exported: the wire codecs and handlers in
 * {@code dev.floe.raft.transport.netty.internal} and the generated protobuf classes in
 * {@code dev.floe.raft.transport.proto} are not.
 */
@SuppressWarnings("requires-automatic") // protobuf-java has only an Automatic-Module-Name
module dev.floe.raft.transport.netty {
    requires transitive dev.floe.raft;
    requires transitive org.slf4j; // RateLimitedLog wraps an slf4j Logger
    requires java.naming; // the peer's identity from its certificate's subject (javax.naming.ldap)
    requires com.google.protobuf;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.codec;
    requires io.netty.handler;

    exports dev.floe.raft.transport.netty;
    // Generated messages: protobuf's reflective accessors (toString, equals) reach into them.
    opens dev.floe.raft.transport.proto to com.google.protobuf;
}
