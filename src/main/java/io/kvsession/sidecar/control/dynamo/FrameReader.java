package io.kvsession.sidecar.control.dynamo;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * Cuts a TCP byte stream into length-prefixed frames, however the reads split or coalesce them: a fixed-size prefix
 * that says how long the body is, then the body. Fed from a socket's handler on its event loop; never blocks.
 * A prefix announcing an impossible or oversized body is a broken stream: the reader reports it once and ignores
 * everything after it, since the frame boundaries are lost.
 */
final class FrameReader implements Handler<Buffer> {

    private final int prefixLength;
    private final ToLongFunction<Buffer> bodyLength;
    private final long maxBody;
    private final BiConsumer<Buffer, Buffer> frames;
    private final Consumer<String> broken;
    private Buffer pending = Buffer.buffer();
    private Buffer prefix;
    private int expectedBody;
    private boolean stopped;

    /**
     * @param bodyLength the body length a prefix announces, or a negative number when the prefix is invalid
     * @param frames receives each frame's prefix and body, in order
     * @param broken receives the reason once when the stream cannot be framed
     */
    FrameReader(int prefixLength, ToLongFunction<Buffer> bodyLength, long maxBody, BiConsumer<Buffer, Buffer> frames,
            Consumer<String> broken) {
        this.prefixLength = prefixLength;
        this.bodyLength = bodyLength;
        this.maxBody = maxBody;
        this.frames = frames;
        this.broken = broken;
    }

    @Override
    public void handle(Buffer chunk) {
        if (stopped) {
            return;
        }
        pending.appendBuffer(chunk);
        int offset = 0;
        while (!stopped) {
            if (prefix == null) {
                if (pending.length() - offset < prefixLength) {
                    break;
                }
                prefix = pending.getBuffer(offset, offset + prefixLength);
                offset += prefixLength;
                long announced = bodyLength.applyAsLong(prefix);
                if (announced < 0 || announced > maxBody) {
                    stop();
                    broken.accept("a frame announces " + (announced < 0 ? "an invalid length" : announced
                            + " bytes, more than the " + maxBody + " allowed"));
                    return;
                }
                expectedBody = (int) announced;
            }
            if (pending.length() - offset < expectedBody) {
                break;
            }
            Buffer body = pending.getBuffer(offset, offset + expectedBody);
            offset += expectedBody;
            Buffer complete = prefix;
            prefix = null;
            frames.accept(complete, body);
        }
        if (!stopped) {
            pending = offset == pending.length() ? Buffer.buffer() : pending.getBuffer(offset, pending.length());
        }
    }

    /** Ignores all further input, e.g. once the frames' consumer has what it needs or gave up. */
    void stop() {
        stopped = true;
        pending = Buffer.buffer();
    }
}
