package io.caravan.processors.api;

import static io.caravan.processors.api.Requests.text;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;

import io.caravan.processors.files.ContentClaim;
import io.caravan.processors.files.DerivedFiles;
import io.caravan.processors.files.UploadBody;
import io.caravan.processors.files.UploadRequest;
import io.caravan.processors.files.Uploads;
import io.caravan.processors.metrics.CaravanMetrics;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.netty.HttpResponses;
import io.caravan.processors.netty.RequestBodyStream;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Headers;

/**
 * {@code POST /files} and {@code POST /files/{id}/derived/{kind}} (bean {@code uploadApi}): reads what the request
 * says of the file (name, type, group, metadata, claimed content, length), hands the body (raw, or the {@code file}
 * field of a {@code multipart/form-data} body) to {@link Uploads} or {@link DerivedFiles}, and answers
 * {@code 201 Created} with the file.
 */
public class UploadApi {

    private final Uploads uploads;
    private final DerivedFiles derivedFiles;

    private final CaravanMetrics metrics;

    public UploadApi(Uploads uploads, DerivedFiles derivedFiles, CaravanMetrics metrics) {
        this.metrics = metrics;
        this.uploads = uploads;
        this.derivedFiles = derivedFiles;
    }

    /**
     * @param headers the request headers and query parameters
     * @param body    the body: streamed by the upload decoder, or aggregated by netty-http (then empty: it had no length)
     */
    public FullHttpResponse upload(@Headers Map<String, Object> headers, @Body Object body, CamelContext context) throws IOException {
        String name = Requests.fileName(headers);
        String contentType = text(headers, Exchange.CONTENT_TYPE);
        Map<String, String> meta = Requests.metaHeaders(headers);
        ContentClaim claim = ContentClaim.of(
                Requests.queryParam(text(headers, CaravanHeaders.SHA256_PARAM), CaravanHeaders.SHA256_PARAM),
                Requests.queryParam(text(headers, CaravanHeaders.SIZE_PARAM), CaravanHeaders.SIZE_PARAM));
        boolean allowEmpty = "true".equalsIgnoreCase(text(headers, CaravanHeaders.ALLOW_EMPTY_PARAM));
        boolean form = contentType != null && contentType.toLowerCase().startsWith("multipart/form-data");
        // a form's length is not the file's: the file's is known once it is read
        UploadRequest request = new UploadRequest(name, contentType, text(headers, CaravanHeaders.GROUP_PARAM), meta, claim,
                form ? -1 : declaredLength(text(headers, Exchange.CONTENT_LENGTH)), allowEmpty);
        InputStream in = Requests.bodyStream(body, context);
        UploadBody opened = form
                ? () -> {
                    MultipartUpload.Part part = MultipartUpload.filePart(in, contentType);
                    return new UploadBody.Opened(part.body(), true, part.fileName(), part.contentType());
                }
                : () -> UploadBody.Opened.raw(in);
        Uploads.Stored stored = uploads.store(request, opened);
        metrics.uploaded(stored.file().group(), stored.file().size());
        FullHttpResponse response = HttpResponses.json(201, Views.file(stored.file(), stored.meta()));
        response.headers().set(HttpHeaderNames.LOCATION, "/files/" + stored.file().id());
        return response;
    }

    /**
     * {@code POST /files/{id}/derived/{kind}}: the raw body as the {@code kind} of file {@code id} ({@code ?name=},
     * {@code X-File-Name}, {@code Content-Type} and {@code X-Meta-*} as for an upload); 201 with the derived file.
     */
    public FullHttpResponse derive(@Header(CaravanHeaders.ID) String id, @Header(CaravanHeaders.KIND) String kind,
                                   @Headers Map<String, Object> headers, @Body Object body, CamelContext context) throws IOException {
        String source = Requests.fileId(id);
        UploadRequest request = new UploadRequest(Requests.fileName(headers), text(headers, Exchange.CONTENT_TYPE), null, Requests.metaHeaders(headers),
                null, declaredLength(text(headers, Exchange.CONTENT_LENGTH)), false);
        Uploads.Stored stored = derivedFiles.store(source, kind, request, Requests.bodyStream(body, context));
        metrics.uploaded(stored.file().group(), stored.file().size());
        Map<String, Object> json = Views.file(stored.file(), stored.meta());
        json.put("derivedFrom", source);
        json.put("kind", kind);
        FullHttpResponse response = HttpResponses.json(201, json);
        response.headers().set(HttpHeaderNames.LOCATION, "/files/" + stored.file().id());
        return response;
    }

    private static long declaredLength(String contentLength) {
        if (contentLength == null || contentLength.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("Content-Length must be a number");
        }
    }
}
