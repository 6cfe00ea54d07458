package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * A hand-written encoder and decoder for the client protocol's two hot frames, a submit and an OK
 * response, producing and accepting exactly the bytes of {@code raft.proto}'s generated classes
 * (tests check both directions) without building a protobuf message, builder or copy per request:
 * the client protocol was half of the Java samples at 256 requests in flight (docs/benchmarks.md),
 * as {@link AppendCodec} found for the peer protocol.
 *
 * <p>Encoding writes fields in field-number order and omits proto3 defaults, like protobuf does.
 * Decoding takes only the shape this codec and protobuf write — those fields once each, in any
 * order — and returns {@code null} for anything else (another frame, an unknown or repeated field,
 * malformed bytes, a request the protocol refuses): the caller then parses the frame with the
 * generated classes, which decide, errors included, exactly as before.
 */
public final class ClientCodec {
    /** {@code Frame.client_submit} (65) and {@code Frame.client_response} (67), length-delimited: two-byte tags. */
    private static final int FRAME_SUBMIT = (65 << 3) | 2;
    private static final int FRAME_RESPONSE = (67 << 3) | 2;
    private static final int REQUEST_ID = 1 << 3;
    private static final int CLIENT_ID = (2 << 3) | 2;
    private static final int SEQUENCE = 3 << 3;
    private static final int COMMAND = (4 << 3) | 2;
    private static final int LOWEST_OUTSTANDING = 5 << 3;
    private static final int RESPONSE_OK = (2 << 3) | 2;
    private static final int OK_RESULT = (1 << 3) | 2;

    private ClientCodec() {
    }

    /** A submit read from the wire; {@code command} is a window on the frame's array. */
    public record Submit(long requestId, long sequence, long lowestOutstanding, Bytes command) {
    }

    /** An OK response read from the wire; {@code result} is a window on the frame's array. */
    public record Ok(long requestId, Bytes result) {
    }

    // ------------------------------------------------------------------ encoding

    /**
     * The length-prefixed {@code Frame{client_submit}}; {@code clientId} is the id's UTF-8 bytes.
     *
     * @throws WireException when the frame would exceed {@code maxFrameBytes}
     */
    public static ByteBuf submit(ByteBufAllocator alloc, long requestId, byte[] clientId, long sequence,
                                 long lowestOutstanding, Bytes command, int maxFrameBytes) throws WireException {
        int body = varintField(requestId) + bytesField(clientId.length) + varintField(sequence)
                + bytesField(command.size()) + varintField(lowestOutstanding);
        int frame = 2 + varintSize(body) + body;
        ByteBuf buf = allocate(alloc, frame, maxFrameBytes);
        writeVarint(buf, FRAME_SUBMIT);
        writeVarint(buf, body);
        writeVarintField(buf, REQUEST_ID, requestId);
        if (clientId.length > 0) {
            buf.writeByte(CLIENT_ID);
            writeVarint(buf, clientId.length);
            buf.writeBytes(clientId);
        }
        writeVarintField(buf, SEQUENCE, sequence);
        writeBytesField(buf, COMMAND, command);
        writeVarintField(buf, LOWEST_OUTSTANDING, lowestOutstanding);
        return buf;
    }

    /**
     * The length-prefixed {@code Frame{client_response{request_id, ok{result}}}}.
     *
     * @throws WireException when the frame would exceed {@code maxFrameBytes}
     */
    public static ByteBuf ok(ByteBufAllocator alloc, long requestId, Bytes result, int maxFrameBytes) throws WireException {
        int ok = bytesField(result.size());
        int response = varintField(requestId) + 1 + varintSize(ok) + ok; // ok is set even when empty
        int frame = 2 + varintSize(response) + response;
        ByteBuf buf = allocate(alloc, frame, maxFrameBytes);
        writeVarint(buf, FRAME_RESPONSE);
        writeVarint(buf, response);
        writeVarintField(buf, REQUEST_ID, requestId);
        buf.writeByte(RESPONSE_OK);
        writeVarint(buf, ok);
        writeBytesField(buf, OK_RESULT, result);
        return buf;
    }

    private static ByteBuf allocate(ByteBufAllocator alloc, int frame, int maxFrameBytes) throws WireException {
        if (frame > maxFrameBytes) throw new WireException("frame of " + frame + " bytes exceeds the maximum of " + maxFrameBytes);
        ByteBuf buf = alloc.ioBuffer(WireProtocol.LENGTH_PREFIX_BYTES + frame);
        buf.writeInt(frame);
        return buf;
    }

    /** A varint field with a one-byte tag; proto3 omits zero. */
    private static int varintField(long value) {
        return value == 0 ? 0 : 1 + varintSize(value);
    }

    /** A bytes field with a one-byte tag; proto3 omits an empty one. */
    private static int bytesField(int length) {
        return length == 0 ? 0 : 1 + varintSize(length) + length;
    }

    private static int varintSize(long value) {
        return value == 0 ? 1 : (63 - Long.numberOfLeadingZeros(value)) / 7 + 1;
    }

    private static void writeVarintField(ByteBuf buf, int tag, long value) {
        if (value == 0) return;
        buf.writeByte(tag);
        writeVarint(buf, value);
    }

    private static void writeBytesField(ByteBuf buf, int tag, Bytes value) {
        if (value.isEmpty()) return;
        buf.writeByte(tag);
        writeVarint(buf, value.size());
        buf.writeBytes(value.asReadOnlyByteBuffer());
    }

    private static void writeVarint(ByteBuf buf, long value) {
        while ((value & ~0x7FL) != 0) {
            buf.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        buf.writeByte((int) value);
    }

    // ------------------------------------------------------------------ decoding

    /**
     * The submit in {@code array} (a frame without its length prefix) when it is one the endpoint
     * takes as it is on the connection of {@code clientId} (UTF-8): a non-zero request id, that
     * client id, a sequence from 1 and a lowest outstanding sequence not above it. Otherwise null.
     */
    public static Submit readSubmit(byte[] array, byte[] clientId) {
        try {
            WireReader in = new WireReader(array, 0, array.length);
            if (in.atEnd() || in.tag() != FRAME_SUBMIT) return null;
            int length = in.length();
            if (length != array.length - in.position()) return null; // something follows the body
            long requestId = 0;
            long sequence = 0;
            long lowest = 0;
            Bytes command = Bytes.EMPTY;
            boolean idMatches = false;
            int seen = 0;
            while (!in.atEnd()) {
                int tag = in.tag();
                int bit = 1 << (tag >>> 3);
                if ((seen & bit) != 0) return null;
                seen |= bit;
                switch (tag) {
                    case REQUEST_ID -> requestId = in.varint();
                    case CLIENT_ID -> {
                        int n = in.length();
                        idMatches = Arrays.equals(array, in.position(), in.position() + n, clientId, 0, clientId.length);
                        in.skip(n);
                    }
                    case SEQUENCE -> sequence = in.varint();
                    case COMMAND -> command = in.window(in.length());
                    case LOWEST_OUTSTANDING -> lowest = in.varint();
                    default -> {
                        return null;
                    }
                }
            }
            if (requestId == 0 || !idMatches || sequence == 0 || Long.compareUnsigned(lowest, sequence) > 0) return null;
            return new Submit(requestId, sequence, lowest, command);
        } catch (WireException e) {
            return null;
        }
    }

    /** The OK response in {@code array} (a frame without its length prefix) with a non-zero request id; otherwise null. */
    public static Ok readOk(byte[] array) {
        try {
            WireReader in = new WireReader(array, 0, array.length);
            if (in.atEnd() || in.tag() != FRAME_RESPONSE) return null;
            int length = in.length();
            if (length != array.length - in.position()) return null;
            long requestId = 0;
            Bytes result = null;
            int seen = 0;
            while (!in.atEnd()) {
                int tag = in.tag();
                int bit = 1 << (tag >>> 3);
                if ((seen & bit) != 0) return null;
                seen |= bit;
                if (tag == REQUEST_ID) {
                    requestId = in.varint();
                } else if (tag == RESPONSE_OK) {
                    int outer = in.pushLimit(in.length());
                    result = Bytes.EMPTY;
                    if (!in.atEnd()) {
                        if (in.tag() != OK_RESULT) return null;
                        result = in.window(in.length());
                        if (!in.atEnd()) return null;
                    }
                    in.popLimit(outer);
                } else {
                    return null;
                }
            }
            return requestId == 0 || result == null ? null : new Ok(requestId, result);
        } catch (WireException e) {
            return null;
        }
    }
}
