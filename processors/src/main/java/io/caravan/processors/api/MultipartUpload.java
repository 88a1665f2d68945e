package io.caravan.processors.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.caravan.processors.support.InvalidInputException;
import org.apache.commons.fileupload2.core.MultipartInput;

/** Finds the {@code file} field of a {@code multipart/form-data} body and streams it (commons-fileupload). */
final class MultipartUpload {

    /** The file field: its bytes as a stream, its file name and its declared type. */
    record Part(InputStream body, String fileName, String contentType) {
    }

    private MultipartUpload() {
    }

    static Part filePart(InputStream body, String contentType) throws IOException {
        String boundary = parameter(contentType, "boundary");
        if (boundary == null) {
            throw new InvalidInputException("multipart/form-data without a boundary");
        }
        MultipartInput input = MultipartInput.builder()
                .setInputStream(body)
                .setBoundary(boundary.getBytes(StandardCharsets.ISO_8859_1))
                .get();
        input.setHeaderCharset(StandardCharsets.UTF_8);
        try {
            boolean more = input.skipPreamble();
            while (more) {
                String headers = input.readHeaders();
                String disposition = header(headers, "content-disposition");
                if ("file".equals(parameter(disposition, "name"))) {
                    return new Part(input.newInputStream(), parameter(disposition, "filename"),
                            header(headers, "content-type"));
                }
                input.discardBodyData();
                more = input.readBoundary();
            }
        } catch (MultipartInput.MalformedStreamException | org.apache.commons.fileupload2.core.FileUploadSizeException e) {
            throw new InvalidInputException("malformed multipart body: " + e.getMessage());
        }
        throw new InvalidInputException("multipart upload without a 'file' field");
    }

    private static String header(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** A parameter of a header value such as {@code form-data; name="file"; filename="a.mp3"}. */
    static String parameter(String value, String name) {
        if (value == null) {
            return null;
        }
        for (String part : value.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = part.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }
}
