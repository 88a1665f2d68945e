package io.caravan.processors.http;

/** Names of the HTTP headers, query parameters and exchange properties Caravan reads or sets, in one place. */
public final class CaravanHeaders {

    /** Request: the API key, as {@code Bearer <key>}. */
    public static final String AUTHORIZATION = "Authorization";

    /** Request: the original file name (percent-encoding allowed for non-ASCII names). */
    public static final String FILE_NAME = "X-File-Name";

    /** Request: {@code X-Meta-<key>: <value>} headers set a file's metadata at upload (values percent-encoded UTF-8). */
    public static final String META_PREFIX = "X-Meta-";

    /** Query parameter of an upload: the content's SHA-256 (hex); with {@link #SIZE_PARAM} and no body, an instant upload. */
    public static final String SHA256_PARAM = "sha256";

    /** Query parameter of an upload: the content's length in bytes, with {@link #SHA256_PARAM}. */
    public static final String SIZE_PARAM = "size";

    /** Query parameter: the original file name; wins over {@link #FILE_NAME}. */
    public static final String NAME_PARAM = "name";

    /** Query parameter: {@code true} to store an empty body as a zero-length file (else an empty upload is 400). */
    public static final String ALLOW_EMPTY_PARAM = "allowEmpty";

    /** Query parameter: the storage group an upload must go to. */
    public static final String GROUP_PARAM = "group";

    /** Camel header netty-http fills with the request URI. */
    public static final String HTTP_URI = "CamelHttpUri";

    /** Camel header netty-http fills with the request method. */
    public static final String HTTP_METHOD = "CamelHttpMethod";

    /** Exchange property: the file id the route works on, once parsed from the path. */
    public static final String FILE_ID = "caravan.fileId";

    private CaravanHeaders() {
    }
}
