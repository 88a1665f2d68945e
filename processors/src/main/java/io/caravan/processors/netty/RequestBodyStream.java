package io.caravan.processors.netty;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A request body as an InputStream, fed chunk by chunk by the Netty I/O thread and read by the route.
 *
 * <p>Back-pressure: when more than {@code highWater} bytes wait, socket reads pause ({@code autoRead=false})
 * until the reader has drained below half of it, so a slow disk never makes the body pile up in memory.
 * Closing the stream before the end discards the rest of the body as it arrives.
 */
public class RequestBodyStream extends InputStream {

    private static final Object END = new Object();

    private final Channel channel;
    private final long highWater;
    private final long idleTimeoutMillis;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean ended;
    private volatile boolean continuePending;
    private ByteBuf current;
    private boolean finished;
    private IOException failure;

    /**
     * @param expectsContinue the client sent {@code Expect: 100-continue}: {@code 100 Continue} goes out when the
     *                        body is first read, not before
     */
    public RequestBodyStream(Channel channel, long highWater, long idleTimeoutMillis, boolean expectsContinue) {
        this.channel = channel;
        this.highWater = highWater;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.continuePending = expectsContinue;
    }

    // ---- I/O thread side

    /** Takes over one chunk of the body (the caller's reference is passed on). */
    void offer(ByteBuf chunk) {
        if (closed) {
            chunk.release();
            return;
        }
        queued.addAndGet(chunk.readableBytes());
        queue.add(chunk);
        if (queued.get() > highWater) {
            channel.config().setAutoRead(false);
        }
        if (closed) {
            drain();
        }
    }

    /** The body is complete. */
    void end() {
        ended = true;
        queue.add(END);
    }

    /** The connection failed before the body was complete. */
    void fail(IOException e) {
        queue.add(e);
    }

    /** {@code true} once the whole body arrived from the client. */
    public boolean isComplete() {
        return ended;
    }

    // ---- reader side

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (closed) {
            throw new IOException("stream closed");
        }
        if (continuePending) {
            continuePending = false;
            // from the channel, not a handler context: the response encoder is further down the pipeline
            channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        while (current == null || !current.isReadable()) {
            if (current != null) {
                current.release();
                current = null;
            }
            if (finished) {
                return -1;
            }
            if (failure != null) {
                throw failure;
            }
            Object next;
            try {
                next = queue.poll(idleTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the request body");
            }
            if (next == null) {
                failure = new IOException("request body idle for " + idleTimeoutMillis + " ms");
                throw failure;
            } else if (next == END) {
                finished = true;
            } else if (next instanceof IOException e) {
                failure = e;
            } else {
                current = (ByteBuf) next;
                long left = queued.addAndGet(-current.readableBytes());
                if (left < highWater / 2 && !channel.config().isAutoRead()) {
                    channel.config().setAutoRead(true);
                }
            }
        }
        int n = Math.min(len, current.readableBytes());
        current.readBytes(b, off, n);
        return n;
    }

    /** Releases what is buffered; the rest of the body, if any, is discarded as it arrives. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            current.release();
            current = null;
        }
        drain();
        channel.config().setAutoRead(true);
    }

    private void drain() {
        Object o;
        while ((o = queue.poll()) != null) {
            if (o instanceof ByteBuf buf) {
                buf.release();
            }
        }
    }
}
