package io.caravan.processors.netty;

import java.net.URI;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A response whose body is a byte range of an object at a plain-HTTP URL (a presigned S3 GET), relayed
 * buffer by buffer on the client's event loop by {@link HttpRelay} (through {@link ZeroCopyEncoder}).
 */
public class RelayedResponse extends DefaultHttpResponse {

    private final URI source;
    private final long offset;
    private final long length;

    public RelayedResponse(HttpResponseStatus status, URI source, long offset, long length) {
        super(HttpVersion.HTTP_1_1, status);
        this.source = source;
        this.offset = offset;
        this.length = length;
    }

    URI source() {
        return source;
    }

    long offset() {
        return offset;
    }

    long length() {
        return length;
    }
}
