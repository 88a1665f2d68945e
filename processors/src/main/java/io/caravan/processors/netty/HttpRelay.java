package io.caravan.processors.netty;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one {@link RelayedResponse}'s body from its source URL to the client, on the client channel's event
 * loop: the source's read buffers are written on as they are (no copy in the JVM, as a reverse proxy does),
 * and reading pauses while the client's socket is full. The client gets the response headers only once the
 * source has answered the expected range, so an unreachable node still gets a JSON 503; a source that fails
 * later closes the client's connection (a short body, never a wrong one).
 */
final class HttpRelay extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRelay.class);

    /** The relay writing to a client channel right now; other responses for that channel wait for it. */
    static final AttributeKey<HttpRelay> ACTIVE = AttributeKey.valueOf("caravan.relay");

    /** Largest buffer read from the source at once (and the largest chunk the HTTP decoder passes on). */
    private static final int MAX_READ = 256 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final ChannelHandlerContext client;
    private final RelayedResponse response;
    private final ChannelPromise promise;
    private final Writer writer;
    /**
     * A source that sends nothing for this long while the client is ready for more is given up (it is noticed
     * within one to two such periods).
     */
    private final long stallMillis;
    private final ArrayDeque<Object[]> waiting = new ArrayDeque<>();
    private Channel source;
    private boolean headersSent;
    private boolean finished;
    private long received;
    /** When the source last sent bytes or was last asked for more (System.nanoTime). */
    private long quietSince = System.nanoTime();

    /** Writes a message that had to wait for this relay (it may start another relay). */
    interface Writer {
        void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception;
    }

    private HttpRelay(ChannelHandlerContext client, RelayedResponse response, ChannelPromise promise, Writer writer,
                      long stallMillis) {
        this.client = client;
        this.response = response;
        this.promise = promise;
        this.writer = writer;
        this.stallMillis = stallMillis;
    }

    /**
     * Starts relaying {@code response} to the client of {@code ctx} (called on its event loop), giving up on a source
     * silent for {@code stallMillis} while the client is ready.
     */
    static void start(ChannelHandlerContext ctx, RelayedResponse response, ChannelPromise promise, Writer writer,
                      long stallMillis) {
        HttpRelay relay = new HttpRelay(ctx, response, promise, writer, stallMillis);
        ctx.channel().attr(ACTIVE).set(relay);
        relay.connect();
    }

    private void connect() {
        URI uri = response.source();
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        Bootstrap b = new Bootstrap()
                .group(client.channel().eventLoop())
                .channel(client.channel().getClass())  // NIO or epoll, as the server's own channels
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(4096, 65536, MAX_READ))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(4096, 16384, MAX_READ), HttpRelay.this);
                    }
                });
        b.connect(uri.getHost(), port).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                fail("storage node unreachable: " + f.cause().getMessage());
                return;
            }
            source = f.channel();
            if (finished) {
                source.close();
                return;
            }
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target,
                    Unpooled.EMPTY_BUFFER);
            get.headers().set(HttpHeaderNames.HOST, uri.getRawAuthority());
            get.headers().set(HttpHeaderNames.RANGE, "bytes=" + response.offset() + "-" + (response.offset() + response.length() - 1));
            get.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            source.writeAndFlush(get);
            scheduleStallCheck();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (finished) {
                return;
            }
            if (msg instanceof HttpResponse head) {
                String problem = unexpected(head);
                if (problem != null) {
                    fail(problem);
                    return;
                }
                client.write(new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers()));
                headersSent = true;
            }
            if (msg instanceof HttpContent content) {
                ByteBuf bytes = content.content();
                int n = bytes.readableBytes();
                if (received + n > response.length()) {
                    fail("the storage node sent more than the " + response.length() + " bytes asked for");
                    return;
                }
                if (n > 0) {
                    received += n;
                    quietSince = System.nanoTime();
                    client.write(new DefaultHttpContent(bytes.retain()));
                    if (!client.channel().isWritable()) {
                        ctx.channel().config().setAutoRead(false); // until the client drains (clientWritable)
                    }
                }
                if (received == response.length()) {
                    complete();
                } else if (msg instanceof LastHttpContent) {
                    fail("the storage node ended the object after " + received + " of " + response.length() + " bytes");
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!finished) {
            client.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail("the storage node closed the connection after " + received + " of " + response.length() + " bytes");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail("reading from the storage node failed: " + cause.getMessage());
    }

    /** Why the source's answer is not the range asked for, or null. */
    private String unexpected(HttpResponse head) {
        long first = response.offset();
        long last = first + response.length() - 1;
        int status = head.status().code();
        long length = HttpUtil.getContentLength(head, -1L);
        if (status == 206) {
            String range = head.headers().get(HttpHeaderNames.CONTENT_RANGE, "");
            if (range.startsWith("bytes " + first + "-" + last + "/") && (length < 0 || length == response.length())) {
                return null;
            }
            return "the storage node answered the range " + range + " instead of " + first + "-" + last;
        }
        if (status == 200 && first == 0 && length == response.length()) {
            return null; // the whole object, which is the range asked for
        }
        return "the storage node answered " + head.status();
    }

    /** The client's socket drained below its low-water mark, or filled above the high one. */
    void clientWritable(boolean writable) {
        if (source != null && !finished) {
            if (writable && !source.config().isAutoRead()) {
                quietSince = System.nanoTime();
            }
            source.config().setAutoRead(writable);
        }
    }

    /** The client went away: stop reading from the source. */
    void clientClosed() {
        if (!finished) {
            finished = true;
            closeSource();
            promise.tryFailure(new ClosedChannelException());
            dropWaiting(new ClosedChannelException());
        }
    }

    /** {@code msg} was written for the client while this relay runs: it goes out after the body. */
    void enqueue(Object msg, ChannelPromise p) {
        waiting.add(new Object[] {msg, p});
    }

    private void complete() {
        finished = true;
        closeSource();
        client.channel().attr(ACTIVE).set(null);
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, promise);
        writeWaiting();
    }

    private void fail(String reason) {
        if (finished) {
            return;
        }
        finished = true;
        closeSource();
        client.channel().attr(ACTIVE).set(null);
        if (!headersSent) {
            LOG.warn("cannot relay {}: {}", response.source().getRawPath(), reason);
            client.writeAndFlush(unavailable(reason), promise);
            writeWaiting();
        } else {
            // the headers promised more bytes than the client will get: closing tells it so
            LOG.warn("relaying {} stopped: {}", response.source().getRawPath(), reason);
            promise.tryFailure(new IOException(reason));
            dropWaiting(new IOException(reason));
            client.close();
        }
    }

    private void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    /** The responses that waited for this one, in order (a further relay takes over the rest). */
    private void writeWaiting() {
        Object[] next;
        while ((next = waiting.poll()) != null) {
            try {
                writer.write(client, next[0], (ChannelPromise) next[1]);
            } catch (Exception e) {
                ReferenceCountUtil.release(next[0]);
                ((ChannelPromise) next[1]).tryFailure(e);
            }
            HttpRelay other = client.channel().attr(ACTIVE).get();
            if (other != null && other != this) {
                other.waiting.addAll(waiting);
                waiting.clear();
            }
        }
        client.flush();
    }

    private void dropWaiting(Throwable cause) {
        Object[] next;
        while ((next = waiting.poll()) != null) {
            ReferenceCountUtil.release(next[0]);
            ((ChannelPromise) next[1]).tryFailure(cause);
        }
    }

    /** Every {@link #stallMillis}: a source that stayed silent that long while the client was ready is given up. */
    private void scheduleStallCheck() {
        long period = stallMillis;
        client.channel().eventLoop().schedule(() -> {
            if (finished) {
                return;
            }
            boolean waitingForSource = source == null || source.config().isAutoRead();
            if (waitingForSource && System.nanoTime() - quietSince >= TimeUnit.MILLISECONDS.toNanos(period)) {
                fail("no bytes from the storage node for " + period + " ms");
                return;
            }
            scheduleStallCheck();
        }, period, TimeUnit.MILLISECONDS);
    }

    private FullHttpResponse unavailable(String reason) {
        FullHttpResponse r = HttpResponses.error(503, "storage node unavailable: " + reason);
        String connection = response.headers().get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            r.headers().set(HttpHeaderNames.CONNECTION, connection); // Connection: close, as the request asked
        }
        return r;
    }
}
