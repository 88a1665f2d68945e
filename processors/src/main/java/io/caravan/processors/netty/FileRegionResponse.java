package io.caravan.processors.netty;

import java.nio.channels.FileChannel;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A response whose body is a region of a local file, sent zero-copy ({@code sendfile}) by
 * {@link ZeroCopyEncoder}. Owns the file channel until the encoder hands it to a {@code DefaultFileRegion}.
 */
public class FileRegionResponse extends DefaultHttpResponse {

    private final FileChannel file;
    private final long offset;
    private final long length;

    public FileRegionResponse(HttpResponseStatus status, FileChannel file, long offset, long length) {
        super(HttpVersion.HTTP_1_1, status);
        this.file = file;
        this.offset = offset;
        this.length = length;
    }

    FileChannel file() {
        return file;
    }

    long offset() {
        return offset;
    }

    long length() {
        return length;
    }
}
