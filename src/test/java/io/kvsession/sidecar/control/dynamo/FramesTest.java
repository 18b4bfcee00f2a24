package io.kvsession.sidecar.control.dynamo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The request-plane byte layouts against arrays built by hand from upstream's codec.rs and two_part.rs. */
class FramesTest {

    @Test
    void aRequestFrameIsPathHeadersAndPayloadEachBehindItsBigEndianLength() {
        JsonObject headers = new JsonObject().put("x-endpoint-path", "1a/session_control").put("request-id", "r1");
        String headersJson = "{\"x-endpoint-path\":\"1a/session_control\",\"request-id\":\"r1\"}";
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(0x00);
        expected.write(18);
        expected.writeBytes("1a/session_control".getBytes(StandardCharsets.UTF_8));
        expected.write(0x00);
        expected.write(headersJson.length());
        expected.writeBytes(headersJson.getBytes(StandardCharsets.UTF_8));
        expected.writeBytes(new byte[] { 0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c' });

        Buffer frame = Frames.request("1a/session_control", headers, Buffer.buffer("abc"));

        assertArrayEquals(expected.toByteArray(), frame.getBytes());
    }

    @Test
    void aTwoPartMessageIsTwoU64LengthsAZeroChecksumThenTheParts() {
        byte[] expected = {
            0, 0, 0, 0, 0, 0, 0, 1, // header_len
            0, 0, 0, 0, 0, 0, 0, 2, // body_len
            0, 0, 0, 0, 0, 0, 0, 0, // checksum: 0, as release builds send it
            'h', 'b', 'd' };

        assertArrayEquals(expected, Frames.twoPart(Buffer.buffer("h"), Buffer.buffer("bd")).getBytes());
    }

    @Test
    void aControlWordIsAHeaderOnlyJsonString() {
        byte[] bytes = Frames.control("stop").getBytes();

        assertEquals(6, bytes[7]);
        assertEquals(0, bytes[15]);
        assertEquals("\"stop\"", new String(bytes, 24, 6, StandardCharsets.US_ASCII));
        assertEquals(30, bytes.length);
    }

    @Test
    void oversizedRequestsAreRefusedBeforeTheyLeave() {
        assertThrows(IllegalArgumentException.class, () -> Frames.request("p", new JsonObject(),
                Buffer.buffer(new byte[Frames.MAX_MESSAGE_BYTES + 1])));
    }

    @Test
    void twoPartMessagesAreReadWhateverTheChunking() {
        byte[] stream = concat(
                twoPart("{\"subject\":\"s\",\"stream_type\":\"response\"}", ""),
                twoPart("{\"error\":null}", ""),
                twoPart("", "{\"data\":{\"data\":{\"status\":\"ok\"}},\"complete_final\":false}"),
                twoPart("", ""),
                twoPart("", "{\"complete_final\":true}"),
                twoPart("\"sentinel\"", ""));
        List<String> expected = List.of(
                "{\"subject\":\"s\",\"stream_type\":\"response\"}|", "{\"error\":null}|",
                "|{\"data\":{\"data\":{\"status\":\"ok\"}},\"complete_final\":false}", "|",
                "|{\"complete_final\":true}", "\"sentinel\"|");

        assertEquals(expected, readTwoPart(stream, stream.length), "coalesced into one read");
        assertEquals(expected, readTwoPart(stream, 1), "one byte per read");
        for (int split = 1; split < stream.length; split++) {
            List<String> got = new ArrayList<>();
            FrameReader reader = Frames.twoPartMessages((h, b) -> got.add(h + "|" + b), broken -> got.add("BROKEN"),
                    Frames.MAX_MESSAGE_BYTES);
            reader.handle(Buffer.buffer(Arrays.copyOfRange(stream, 0, split)));
            reader.handle(Buffer.buffer(Arrays.copyOfRange(stream, split, stream.length)));
            assertEquals(expected, got, "split after byte " + split);
        }
    }

    @Test
    void acknowledgementsAreReadWhateverTheChunking() {
        byte[] stream = concat(new byte[] { 0, 0, 0, 0 }, new byte[] { 0, 0, 0, 5, 'n', 'o', 'p', 'e', '!' },
                new byte[] { 0, 0, 0, 0 });
        for (int chunk = 1; chunk <= stream.length; chunk++) {
            List<String> got = new ArrayList<>();
            FrameReader reader = Frames.acknowledgements(ack -> got.add("[" + ack + "]"), broken -> got.add("BROKEN"));
            feed(reader, stream, chunk);
            assertEquals(List.of("[]", "[nope!]", "[]"), got, "chunks of " + chunk);
        }
    }

    @Test
    void aLengthThatCannotBeRightBreaksTheStreamOnce() {
        byte[] highBit = concat(new byte[] { (byte) 0x80, 0, 0, 0, 0, 0, 0, 0 }, new byte[16], new byte[8]);
        List<String> got = new ArrayList<>();
        FrameReader reader = Frames.twoPartMessages((h, b) -> got.add("frame"), got::add, Frames.MAX_MESSAGE_BYTES);
        reader.handle(Buffer.buffer(highBit));
        reader.handle(Buffer.buffer(twoPart("{}", "")));
        assertEquals(1, got.size());
        assertEquals("a frame announces an invalid length", got.get(0));

        List<String> acks = new ArrayList<>();
        Frames.acknowledgements(ack -> acks.add("ack"), acks::add)
                .handle(Buffer.buffer(new byte[] { (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff }));
        assertEquals(1, acks.size());
        assertEquals("a frame announces 4294967295 bytes, more than the 33554432 allowed", acks.get(0));
    }

    private static List<String> readTwoPart(byte[] stream, int chunk) {
        List<String> got = new ArrayList<>();
        feed(Frames.twoPartMessages((h, b) -> got.add(h + "|" + b), broken -> got.add("BROKEN"),
                Frames.MAX_MESSAGE_BYTES), stream, chunk);
        return got;
    }

    private static void feed(FrameReader reader, byte[] stream, int chunk) {
        for (int from = 0; from < stream.length; from += chunk) {
            reader.handle(Buffer.buffer(Arrays.copyOfRange(stream, from, Math.min(stream.length,
                    from + chunk))));
        }
    }

    /**
     * A two-part message laid out by hand: u64 header_len, u64 body_len, u64 checksum, header, body. The checksum is
     * not 0, as a debug build of a worker would send it; readers ignore it.
     */
    static byte[] twoPart(String header, String body) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(24 + h.length + b.length);
        out.putLong(h.length).putLong(b.length).putLong(0x1234_5678_9abc_def0L).put(h).put(b);
        return out.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
