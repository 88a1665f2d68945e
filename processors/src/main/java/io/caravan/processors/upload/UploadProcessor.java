package io.caravan.processors.upload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import io.caravan.connectors.storage.CountingInputStream;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StoredObject;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.FileRecord;
import io.caravan.processors.http.CaravanException;
import io.caravan.processors.http.CaravanHeaders;
import io.caravan.processors.http.FileRequests;
import io.caravan.processors.http.RequestBodyStream;
import io.caravan.processors.id.IdAllocator;
import io.caravan.processors.replicate.CloudEvents;
import io.caravan.processors.replicate.VerifyingInputStream;
import io.caravan.processors.stream.MediaTypes;
import io.caravan.processors.tracker.Placement;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores an upload (bean {@code upload}): allocates the id, streams the body to the chosen node
 * while hashing it, then records the file, its first replica and its event in one transaction.
 * Anything that fails before that commit leaves nothing behind.
 */
public class UploadProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(UploadProcessor.class);
    private static final int MAX_NAME = 255;

    private final IdAllocator ids;
    private final Placement placement;
    private final Catalogue catalogue;

    public UploadProcessor(IdAllocator ids, Placement placement, Catalogue catalogue) {
        this.ids = ids;
        this.placement = placement;
        this.catalogue = catalogue;
    }

    /** Stores the request body; returns the new file's JSON view. */
    public Map<String, Object> store(Exchange exchange) throws IOException {
        String contentType = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
        String name = FileRequests.queryParam(exchange, CaravanHeaders.NAME_PARAM, null);
        if (name == null) {
            name = headerName(exchange.getIn().getHeader(CaravanHeaders.FILE_NAME, String.class));
        }
        String group = exchange.getIn().getHeader(CaravanHeaders.GROUP_PARAM, String.class);
        boolean allowEmpty = "true".equalsIgnoreCase(exchange.getIn().getHeader(CaravanHeaders.ALLOW_EMPTY_PARAM, String.class));
        // bodies are streamed by StreamingUploadDecoder; anything else arrived aggregated (and is empty)
        Object raw = exchange.getIn().getBody();
        InputStream body = raw instanceof RequestBodyStream stream ? stream
                : new ByteArrayInputStream(Objects.requireNonNullElse(exchange.getIn().getBody(byte[].class), new byte[0]));
        if (contentType != null && contentType.toLowerCase().startsWith("multipart/form-data")) {
            MultipartUpload.Part part = MultipartUpload.filePart(body, contentType);
            return store(part.body(), name != null ? name : part.fileName(), part.contentType(), group, -1, allowEmpty);
        }
        long declared = exchange.getIn().getHeader(Exchange.CONTENT_LENGTH, -1L, Long.class);
        return store(body, name, contentType, group, declared, allowEmpty);
    }

    private Map<String, Object> store(InputStream body, String rawName, String contentType, String group,
                                      long declaredLength, boolean allowEmpty) throws IOException {
        String name = cleanName(rawName);
        ClientBody client = new ClientBody(body);
        PushbackInputStream in = new PushbackInputStream(client, 1);
        int first = in.read();
        if (first < 0 && !allowEmpty) {
            throw CaravanException.badRequest("empty upload: the body has no bytes (add ?allowEmpty=true to store an empty file)");
        }
        if (first >= 0) {
            in.unread(first);
        }
        MessageDigest sha = VerifyingInputStream.sha256();
        CountingInputStream counted = new CountingInputStream(new DigestInputStream(in, sha));
        Set<String> failed = new HashSet<>();
        StorageNode node;
        String id;
        long size;
        while (true) {
            node = placement.choose(group, failed);
            id = ids.newFileId(name);
            try {
                size = node.write(id, counted);
                break;
            } catch (IOException e) {
                deleteQuietly(node, id);
                if (client.failed) {
                    throw e; // the client went away: nothing to retry
                }
                if (counted.count() > 0) {
                    // part of the body is gone: it cannot be sent again to another node
                    throw new CaravanException(503, "storage node " + node.name() + " failed during the upload: "
                            + e.getMessage(), e);
                }
                LOG.warn("storage node {} failed before the upload started, trying another: {}", node.name(), e.getMessage());
                failed.add(node.name());
            }
        }
        if (declaredLength >= 0 && size != declaredLength) {
            node.delete(id);
            throw CaravanException.badRequest("body has " + size + " bytes, Content-Length said " + declaredLength);
        }
        FileRecord file = new FileRecord(id, name, size, HexFormat.of().formatHex(sha.digest()),
                MediaTypes.forUpload(contentType, name), node.group(), FileRecord.STORED,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        try {
            StoredObject stored = node.stat(id);
            catalogue.insertStored(file, node.name(), stored == null ? null : stored.lastModified(),
                    CloudEvents.fileEvent(CloudEvents.FILE_STORED, file, node.name()));
        } catch (IOException | RuntimeException e) {
            node.delete(id);
            throw e;
        }
        LOG.debug("stored {} ({} bytes) on {}", id, size, node.name());
        return file.toJson();
    }

    /** The request body, remembering whether reading it failed (the client's fault, not a node's). */
    private static final class ClientBody extends java.io.FilterInputStream {
        boolean failed;

        ClientBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }

    private static void deleteQuietly(StorageNode node, String id) {
        try {
            node.delete(id);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not remove {} from {}: {}", id, node.name(), e.getMessage());
        }
    }

    /** The base name, without path or control characters, at most 255 characters; "file" when empty. */
    static String cleanName(String raw) {
        if (raw == null) {
            return "file";
        }
        String s = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().filter(cp -> !Character.isISOControl(cp)).forEach(sb::appendCodePoint);
        String clean = sb.toString().trim();
        if (clean.isEmpty() || clean.equals(".") || clean.equals("..")) {
            return "file";
        }
        return clean.length() > MAX_NAME ? clean.substring(0, MAX_NAME) : clean;
    }

    /** The {@code X-File-Name} header, percent-decoded ({@code +} stays a plus: this is not a query). */
    private static String headerName(String value) {
        if (value == null) {
            return null;
        }
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw CaravanException.badRequest("badly encoded file name");
        }
    }

}
