package io.kvsession.sidecar.rest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import io.kvsession.sidecar.lifecycle.Inputs;

/**
 * Caps a body that declared no length (chunked, or HTTP/2 without Content-Length) at the API's limit while it is
 * read, so that it is refused with a problem as a declared one is by {@link EdgeGuard}. The transport's own bound,
 * {@code quarkus.http.limits.max-body-size}, sits above it and answers with an empty body.
 */
@Provider
public class BodyCap implements ReaderInterceptor {

    /** Thrown while reading a body past the limit; answered 413. */
    public static final class TooLarge extends IOException {
        TooLarge() {
            super("the request body is larger than " + Inputs.MAX_BODY_BYTES + " bytes", null);
        }
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        context.setInputStream(new Capped(context.getInputStream()));
        return context.proceed();
    }

    private static final class Capped extends FilterInputStream {

        private long read;

        Capped(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) throws TooLarge {
            read += n;
            if (read > Inputs.MAX_BODY_BYTES) {
                throw new TooLarge();
            }
        }
    }
}
