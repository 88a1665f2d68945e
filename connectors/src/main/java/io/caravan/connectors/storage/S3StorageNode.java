package io.caravan.connectors.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.Item;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import okhttp3.OkHttpClient;

/**
 * A storage node on an S3 bucket (MinIO, S3Proxy, AWS), through the MinIO Java SDK: one bucket per node.
 *
 * <p>S3 makes an object visible only when its upload completes, which gives the atomic write the
 * {@link StorageNode} contract asks for.
 */
public class S3StorageNode implements StorageNode {

    /** Part size for uploads of unknown length (the S3 minimum is 5 MiB). */
    private static final long PART_SIZE = 16L * 1024 * 1024;

    private final String name;
    private final String group;
    private final String bucket;
    private final OkHttpClient http;
    private final MinioClient client;
    /** Once an identity was seen in the bucket, every write checks it is still there (instead of the bucket). */
    private volatile boolean identified;

    public S3StorageNode(String name, String group, String endpoint, String bucket, String accessKey, String secretKey) {
        this.name = name;
        this.group = group;
        this.bucket = bucket;
        this.http = new OkHttpClient.Builder().build();
        this.client = MinioClient.builder()
                .endpoint(endpoint)
                .credentials(accessKey, secretKey)
                .region("us-east-1")
                .httpClient(http)
                .build();
    }

    /** Creates the node's bucket when it does not exist yet. */
    @Override
    public void prepare() throws IOException {
        call(() -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
            return null;
        });
    }

    @Override
    public Optional<String> readIdentity() throws IOException {
        if (!call(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()))) {
            return Optional.empty();
        }
        try (InputStream in = call(() -> client.getObject(GetObjectArgs.builder().bucket(bucket).object(IDENTITY_KEY).build()))) {
            Optional<String> identity = Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            identified = true;
            return identity;
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    @Override
    public void writeIdentity(String identity) throws IOException {
        prepare();
        byte[] bytes = identity.getBytes(StandardCharsets.UTF_8);
        call(() -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(IDENTITY_KEY)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType("application/json").build()));
        identified = true;
    }

    @Override
    public boolean isEmpty() throws IOException {
        if (!call(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()))) {
            return true;
        }
        for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).maxKeys(10).build())) {
            Item item = call(result::get);
            if (!item.isDir() && !item.objectName().startsWith(PROBE_PREFIX) && !item.objectName().equals(IDENTITY_KEY)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public String kind() {
        return "s3";
    }

    /**
     * {@inheritDoc}
     *
     * <p>The SDK reads a whole part of the body before it connects, so the bucket is checked first: an
     * unreachable node fails the write before a byte is taken, and the caller can still try another node.
     */
    @Override
    public long write(String key, InputStream in) throws IOException {
        if (identified) {
            // the identity instead of the bucket, at the same cost: a bucket emptied or swapped since the last
            // heartbeat gets not a byte
            try {
                call(() -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(IDENTITY_KEY).build()));
            } catch (NotFound e) {
                throw new IOException("node " + name + " lost its identity (" + bucket + "/" + IDENTITY_KEY + "): nothing is written to it");
            }
        } else {
            call(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
        }
        CountingInputStream counted = new CountingInputStream(in);
        call(() -> client.putObject(PutObjectArgs.builder()
                .bucket(bucket).object(key)
                .stream(counted, -1, PART_SIZE)
                .build()));
        return counted.count();
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        return call(() -> client.getObject(GetObjectArgs.builder()
                .bucket(bucket).object(key).offset(offset).length(length).build()));
    }

    @Override
    public StoredObject stat(String key) throws IOException {
        try {
            StatObjectResponse r = call(() -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()));
            return new StoredObject(key, r.size(), r.lastModified().toInstant().toEpochMilli());
        } catch (NotFound e) {
            return null;
        }
    }

    @Override
    public void list(Consumer<StoredObject> visitor) throws IOException {
        for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            Item item = call(result::get);
            if (!item.isDir() && !item.objectName().startsWith(PROBE_PREFIX) && !item.objectName().equals(IDENTITY_KEY)) {
                visitor.accept(new StoredObject(item.objectName(), item.size(),
                        item.lastModified() == null ? 0 : item.lastModified().toInstant().toEpochMilli()));
            }
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        boolean existed = size(key) >= 0;
        call(() -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return null;
        });
        return existed;
    }

    @Override
    public long freeSpace() {
        return Long.MAX_VALUE;
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "s3 node " + name + " (" + group + ") bucket " + bucket;
    }

    private interface S3Call<T> {
        T run() throws Exception;
    }

    @Override
    public Optional<URI> directUrl(String key, Duration ttl) throws IOException {
        String url = call(() -> client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET).bucket(bucket).object(key).expiry((int) Math.max(1, ttl.toSeconds())).build()));
        return Optional.of(URI.create(url));
    }

    /** Turns the SDK's many checked exceptions into IOException, keeping "no such key" apart. */
    private static <T> T call(S3Call<T> c) throws IOException {
        try {
            return c.run();
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NotFound".equals(code)) {
                throw new NotFound(e.getMessage());
            }
            throw new IOException("S3 error " + code + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(e.getMessage());
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The object does not exist on the node. */
    static final class NotFound extends IOException {
        NotFound(String message) {
            super(message);
        }
    }
}
