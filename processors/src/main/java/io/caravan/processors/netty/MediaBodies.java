package io.caravan.processors.netty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.processors.serving.Source;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedNioFile;

/** The bodies of media responses: a file region sent zero-copy, a relayed URL, or chunks read from a copy. */
public final class MediaBodies {

    /** Bytes read from a local file per chunk written to the socket, where zero-copy does not apply. */
    private static final int LOCAL_CHUNK = 64 * 1024;
    /** Bytes read from a remote node (S3) per chunk written to the socket. */
    private static final int REMOTE_CHUNK = 256 * 1024;

    private MediaBodies() {
    }

    /** A response sending {@code length} bytes from {@code offset} of a local copy with sendfile. */
    public static FileRegionResponse fileRegion(HttpResponseStatus status, Path path, FileRecord file, long offset, long length)
            throws IOException {
        return new FileRegionResponse(status, openChannel(path, file), offset, length);
    }

    /** The chunks of {@code length} bytes from {@code offset} of the copy {@code source} names (a local file or the node's stream). */
    public static ChunkedInput<ByteBuf> chunks(Source source, FileRecord file, long offset, long length) throws IOException {
        if (source instanceof Source.LocalFile local) {
            return new ChunkedNioFile(openChannel(local.path(), file), offset, length, LOCAL_CHUNK);
        }
        InputStream in = source.node().read(file.blob(), offset, length);
        return new FullChunkStream(in, length, REMOTE_CHUNK);
    }

    /** The local file, checked against the catalogue's size. */
    private static FileChannel openChannel(Path path, FileRecord file) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        if (ch.size() != file.size()) {
            ch.close();
            throw new IOException("size on disk " + ch.size() + " differs from the catalogue's " + file.size());
        }
        return ch;
    }
}
