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
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.caravan.connectors.storage.CountingInputStream;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StoredObject;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.FileMeta;
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

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final IdAllocator ids;
    private final Placement placement;
    private final Catalogue catalogue;
    private boolean dedup = true;
    private boolean instantUpload = true;

    public UploadProcessor(IdAllocator ids, Placement placement, Catalogue catalogue) {
        this.ids = ids;
        this.placement = placement;
        this.catalogue = catalogue;
    }

    /** Whether bytes already stored in the group are kept once, the new id sharing them (default true). */
    public void setDedup(boolean dedup) {
        this.dedup = dedup;
    }

    /**
     * Whether {@code POST /files?sha256=&size=} without a body creates a file from content already stored
     * (default true). Anyone with an API key who knows a content's hash can then get an id for it.
     */
    public void setInstantUpload(boolean instantUpload) {
        this.instantUpload = instantUpload;
    }

    /** Stores the request body; returns the new file's JSON view. */
    public Map<String, Object> store(Exchange exchange) throws IOException {
        String contentType = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
        String name = FileRequests.queryParam(exchange, CaravanHeaders.NAME_PARAM, null);
        if (name == null) {
            name = headerName(exchange.getIn().getHeader(CaravanHeaders.FILE_NAME, String.class));
        }
        String group = exchange.getIn().getHeader(CaravanHeaders.GROUP_PARAM, String.class);
        Map<String, String> meta = metaHeaders(exchange);
        Claim claim = Claim.of(FileRequests.queryParam(exchange, CaravanHeaders.SHA256_PARAM, null),
                FileRequests.queryParam(exchange, CaravanHeaders.SIZE_PARAM, null));
        boolean allowEmpty = "true".equalsIgnoreCase(exchange.getIn().getHeader(CaravanHeaders.ALLOW_EMPTY_PARAM, String.class));
        // bodies are streamed by StreamingUploadDecoder; anything else arrived aggregated (and is empty)
        Object raw = exchange.getIn().getBody();
        InputStream body = raw instanceof RequestBodyStream stream ? stream
                : new ByteArrayInputStream(Objects.requireNonNullElse(exchange.getIn().getBody(byte[].class), new byte[0]));
        if (contentType != null && contentType.toLowerCase().startsWith("multipart/form-data")) {
            MultipartUpload.Part part = MultipartUpload.filePart(body, contentType);
            return store(part.body(), name != null ? name : part.fileName(), part.contentType(), group, meta, claim, -1, allowEmpty);
        }
        long declared = exchange.getIn().getHeader(Exchange.CONTENT_LENGTH, -1L, Long.class);
        return store(body, name, contentType, group, meta, claim, declared, allowEmpty);
    }

    /** The content a client says it sends ({@code ?sha256=&size=}): with no body, an instant upload. */
    private record Claim(String sha256, long size) {
        static Claim of(String sha256, String size) {
            if (sha256 == null && size == null) {
                return null;
            }
            if (sha256 == null || !SHA256.matcher(sha256.trim()).matches()) {
                throw CaravanException.badRequest("sha256 must be 64 hex digits (with size, the content's SHA-256)");
            }
            try {
                long n = Long.parseLong(size == null ? "" : size.trim());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return new Claim(sha256.trim().toLowerCase(Locale.ROOT), n);
            } catch (NumberFormatException e) {
                throw CaravanException.badRequest("size must be the content's length in bytes (with sha256)");
            }
        }
    }

    private Map<String, Object> store(InputStream body, String rawName, String contentType, String group,
                                      Map<String, String> meta, Claim claim, long declaredLength, boolean allowEmpty)
            throws IOException {
        String name = cleanName(rawName);
        ClientBody client = new ClientBody(body);
        PushbackInputStream in = new PushbackInputStream(client, 1);
        int first = in.read();
        if (first < 0 && claim != null) {
            return instant(name, contentType, group, meta, claim);
        }
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
        String sha256 = HexFormat.of().formatHex(sha.digest());
        if (claim != null && (!claim.sha256().equals(sha256) || claim.size() != size)) {
            node.delete(id);
            throw CaravanException.badRequest("the body (" + size + " bytes, SHA-256 " + sha256 + ") is not the content ?sha256=&size= announced");
        }
        FileRecord file = new FileRecord(id, name, size, sha256, MediaTypes.forUpload(contentType, name), node.group(),
                FileRecord.STORED, Instant.now().truncatedTo(ChronoUnit.MILLIS), null);
        Optional<Map<String, Object>> shared = dedup
                ? catalogue.sameContent(file.group(), file.sha256(), file.size()).flatMap(same -> share(file, same, meta))
                : Optional.empty();
        if (shared.isPresent()) {
            deleteQuietly(node, id); // the group has these bytes already: the new id uses them
            return shared.get();
        }
        try {
            StoredObject stored = node.stat(id);
            catalogue.insertStored(file, meta, node.name(), stored == null ? null : stored.lastModified(),
                    CloudEvents.fileEvent(CloudEvents.FILE_STORED, file, node.name(), meta));
        } catch (IOException | RuntimeException e) {
            node.delete(id);
            throw e;
        }
        LOG.debug("stored {} ({} bytes) on {}", id, size, node.name());
        return json(file, meta);
    }

    private static Map<String, Object> json(FileRecord file, Map<String, String> meta) {
        Map<String, Object> json = file.toJson();
        json.put("meta", meta);
        return json;
    }

    /**
     * Records {@code file} as sharing the bytes of {@code same} (an earlier stored file with the same content);
     * empty when that content lost its last file meanwhile.
     */
    private Optional<Map<String, Object>> share(FileRecord file, FileRecord same, Map<String, String> meta) {
        FileRecord shared = new FileRecord(file.id(), file.name(), file.size(), file.sha256(), file.contentType(), same.group(),
                FileRecord.STORED, file.created(), same.blob());
        if (!catalogue.insertSharing(shared, meta, CloudEvents.fileEvent(CloudEvents.FILE_STORED, shared, null, meta))) {
            return Optional.empty();
        }
        LOG.debug("stored {} sharing the bytes of {}", shared.id(), shared.blob());
        return Optional.of(json(shared, meta));
    }

    /** {@code POST /files?sha256=&size=} with no body: a new id for content stored already, else 404. */
    private Map<String, Object> instant(String name, String contentType, String group, Map<String, String> meta, Claim claim) {
        if (!instantUpload) {
            throw CaravanException.badRequest("instant upload is off on this server: send the bytes");
        }
        return catalogue.sameContent(group, claim.sha256(), claim.size())
                .flatMap(same -> share(new FileRecord(ids.newFileId(name), name, claim.size(), claim.sha256(),
                        MediaTypes.forUpload(contentType, name), same.group(), FileRecord.STORED,
                        Instant.now().truncatedTo(ChronoUnit.MILLIS), null), same, meta))
                .orElseThrow(() -> CaravanException.notFound("no stored file has this content: upload the bytes"));
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

    /** The {@code X-Meta-<key>: <value>} headers (values percent-decoded as UTF-8), checked by {@link FileMeta}. */
    static Map<String, String> metaHeaders(Exchange exchange) {
        Map<String, String> raw = new TreeMap<>();
        exchange.getIn().getHeaders().forEach((name, value) -> {
            if (name.regionMatches(true, 0, CaravanHeaders.META_PREFIX, 0, CaravanHeaders.META_PREFIX.length()) && value != null) {
                raw.put(name.substring(CaravanHeaders.META_PREFIX.length()), percentDecoded(value.toString(), "metadata value"));
            }
        });
        try {
            return FileMeta.checked(raw);
        } catch (IllegalArgumentException e) {
            throw CaravanException.badRequest(e.getMessage());
        }
    }

    /** The {@code X-File-Name} header, percent-decoded ({@code +} stays a plus: this is not a query). */
    private static String headerName(String value) {
        return value == null ? null : percentDecoded(value, "file name");
    }

    /** A header value percent-decoded as UTF-8 ({@code +} stays a plus: this is not a query). */
    private static String percentDecoded(String value, String what) {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw CaravanException.badRequest("badly encoded " + what);
        }
    }

}
