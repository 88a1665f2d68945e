package io.caravan.processors.files;

import java.util.Map;

/**
 * What an upload says about the file it sends: its name and declared content type (each may be null), the
 * group asked for (null: the placement policy chooses), metadata (checked by {@code FileMeta}), the content it
 * claims to be ({@code ?sha256=&size=}, null when not claimed), the declared length ({@code -1}: none,
 * chunked or multipart) and whether an empty body stores an empty file.
 */
public record UploadRequest(String name, String contentType, String group, Map<String, String> meta,
                            ContentClaim claim, long declaredLength, boolean allowEmpty) {

    public UploadRequest {
        meta = Map.copyOf(meta);
    }

    /** The same request with the name the file will have. */
    public UploadRequest named(String cleanName) {
        return new UploadRequest(cleanName, contentType, group, meta, claim, declaredLength, allowEmpty);
    }

    /** The same request, the name and content type taken from a multipart file field where the request had none. */
    public UploadRequest withPart(String partName, String partContentType) {
        return new UploadRequest(name != null ? name : partName, partContentType, group, meta, claim, -1, allowEmpty);
    }
}
