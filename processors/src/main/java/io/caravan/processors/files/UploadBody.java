package io.caravan.processors.files;

import java.io.IOException;
import java.io.InputStream;

/**
 * The body of an upload, opened only once the {@code before-upload} hook has let it through: the raw body, or
 * the file field of a {@code multipart/form-data} body, whose headers name the file and its type.
 */
@FunctionalInterface
public interface UploadBody {

    /** Opens the body (this is where its first bytes are read, and {@code 100 Continue} goes out). */
    Opened open() throws IOException;

    /**
     * An opened body: the bytes of the file and, for a form's file field, the name and type its headers give
     * ({@code form} false: the request's own name and type stand).
     */
    record Opened(InputStream in, boolean form, String name, String contentType) {

        public static Opened raw(InputStream in) {
            return new Opened(in, false, null, null);
        }
    }
}
