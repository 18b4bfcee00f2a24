package io.kvsession.sidecar.control.dynamo;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The byte layouts of Dynamo's TCP request plane, all big-endian (ai-dynamo/dynamo {@code lib/runtime/src/pipeline/
 * network/codec.rs} and {@code codec/two_part.rs}):
 * <ul>
 * <li>request, on the pooled request connection: {@code u16 path_len | path | u16 headers_len | headers (JSON
 * object of strings) | u32 payload_len | payload};</li>
 * <li>acknowledgement, one per request in order: {@code u32 len | bytes}, empty when the request was accepted;</li>
 * <li>two-part message, the request payload and every frame of the call-home stream: {@code u64 header_len |
 * u64 body_len | u64 checksum | header | body}. The checksum is an xxh3 of header and body that only debug builds
 * compute and check, and only when it is not 0; release builds send 0, and so do we.</li>
 * </ul>
 */
final class Frames {

    /** The largest message either side accepts ({@code DYN_TCP_MAX_MESSAGE_SIZE}'s default). */
    static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

    private static final int TWO_PART_PREFIX = 24;

    private Frames() {
    }

    /** A request frame; the path is checked by {@link Transport}, the sizes here. */
    static Buffer request(String path, JsonObject headers, Buffer payload) {
        byte[] pathBytes = path.getBytes(StandardCharsets.UTF_8);
        Buffer headerBytes = headers.toBuffer();
        if (headerBytes.length() > 0xFFFF) {
            throw new IllegalArgumentException("request headers of " + headerBytes.length() + " bytes exceed 65535");
        }
        if (payload.length() > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("a request of " + payload.length() + " bytes exceeds the request "
                    + "plane's limit of " + MAX_MESSAGE_BYTES);
        }
        return Buffer.buffer(2 + pathBytes.length + 2 + headerBytes.length() + 4 + payload.length())
                .appendUnsignedShort(pathBytes.length)
                .appendBytes(pathBytes)
                .appendUnsignedShort(headerBytes.length())
                .appendBuffer(headerBytes)
                .appendUnsignedInt(payload.length())
                .appendBuffer(payload);
    }

    /** A two-part message; either part may be empty. */
    static Buffer twoPart(Buffer header, Buffer body) {
        return Buffer.buffer(TWO_PART_PREFIX + header.length() + body.length())
                .appendLong(header.length())
                .appendLong(body.length())
                .appendLong(0)
                .appendBuffer(header)
                .appendBuffer(body);
    }

    /** A header-only two-part message carrying a control word such as {@code "stop"} (a JSON string). */
    static Buffer control(String word) {
        return twoPart(Buffer.buffer("\"" + word + "\""), Buffer.buffer());
    }

    /** Reads acknowledgements, handing each one's bytes on. */
    static FrameReader acknowledgements(Consumer<Buffer> acks, Consumer<String> broken) {
        return new FrameReader(4, prefix -> prefix.getUnsignedInt(0), MAX_MESSAGE_BYTES,
                (prefix, body) -> acks.accept(body), broken);
    }

    /**
     * Reads two-part messages of at most {@code maxBytes}, handing each one's header and body on (either may be
     * empty); a longer one is broken.
     */
    static FrameReader twoPartMessages(BiConsumer<Buffer, Buffer> messages, Consumer<String> broken, long maxBytes) {
        return new FrameReader(TWO_PART_PREFIX, Frames::twoPartLength, maxBytes,
                (prefix, rest) -> {
                    int headerLength = (int) prefix.getLong(0);
                    messages.accept(rest.getBuffer(0, headerLength), rest.getBuffer(headerLength, rest.length()));
                }, broken);
    }

    /** Header plus body length; negative when either u64 does not fit a signed long or their sum overflows. */
    private static long twoPartLength(Buffer prefix) {
        long header = prefix.getLong(0);
        long body = prefix.getLong(8);
        if (header < 0 || body < 0 || header > Long.MAX_VALUE - body) {
            return -1;
        }
        return header + body;
    }
}
