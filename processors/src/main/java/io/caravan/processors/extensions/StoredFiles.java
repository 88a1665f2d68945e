package io.caravan.processors.extensions;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;

import io.caravan.processors.serving.Serving;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.NotFoundException;
import org.apache.camel.Header;

/**
 * Stored files for extension routes (bean {@code storedFiles}): a file's bytes as a stream, or the URL this
 * gateway serves it at (signed when signed URLs are on), for tools such as ffmpeg that read by HTTP.
 */
public class StoredFiles {

    private static final long URL_TTL_SECONDS = 6 * 3600;

    private final Serving serving;
    private final String baseUrl;
    private final Clock clock;

    /** @param baseUrl this gateway, such as {@code http://127.0.0.1:8080} */
    public StoredFiles(Serving serving, String baseUrl, Clock clock) {
        this.serving = serving;
        this.baseUrl = baseUrl;
        this.clock = clock;
    }

    /** The bytes of the stored file {@code id} (header {@code CaravanFileId}), from a verified replica. */
    public InputStream open(@Header(CaravanHeaders.EVENT_FILE_ID) String id) throws IOException {
        return serving.open(id);
    }

    /** The URL of the stored file {@code id} on this gateway; not found when it is not (or no longer) stored. */
    public String url(@Header(CaravanHeaders.EVENT_FILE_ID) String id) {
        if (id == null || id.isBlank() || !serving.exists(id)) {
            throw NotFoundException.file(id);
        }
        if (serving.signer().required()) {
            return baseUrl + serving.signer().signedPath(id, URL_TTL_SECONDS, clock.instant());
        }
        return baseUrl + "/files/" + id;
    }
}
