package io.caravan.processors.support;

/**
 * Names of the HTTP headers, path and query parameters and route headers Caravan reads or sets, in one place.
 * netty-http hands each query parameter and each path parameter ({@code /files/{id}}) to a route as a header
 * of that name; route steps bind them to bean parameters with {@code @Header}.
 */
public final class CaravanHeaders {

    // ---- request headers

    /** Request: the API key, as {@code Bearer <key>}. */
    public static final String AUTHORIZATION = "Authorization";

    /** Request: the original file name (percent-encoding allowed for non-ASCII names). */
    public static final String FILE_NAME = "X-File-Name";

    /** Request: {@code X-Meta-<key>: <value>} headers set a file's metadata at upload (values percent-encoded UTF-8). */
    public static final String META_PREFIX = "X-Meta-";

    /** Request: the origin of a browser player (CORS). */
    public static final String ORIGIN = "Origin";

    /** Request: {@code close} to end the connection after the response. */
    public static final String CONNECTION = "Connection";

    /** Request: the byte ranges a GET asks for (RFC 9110 §14.2). */
    public static final String RANGE = "Range";

    /** Request: send the ranges only if the representation is still this one (an entity tag or a date). */
    public static final String IF_RANGE = "If-Range";

    /** Request: a precondition on the entity tag (412 unless it matches). */
    public static final String IF_MATCH = "If-Match";

    /** Request: a precondition on the entity tag (304 for GET/HEAD when it matches). */
    public static final String IF_NONE_MATCH = "If-None-Match";

    /** Request: a precondition on the modification date (304 for GET/HEAD when not modified since). */
    public static final String IF_MODIFIED_SINCE = "If-Modified-Since";

    /** Request: a precondition on the modification date (412 when modified since). */
    public static final String IF_UNMODIFIED_SINCE = "If-Unmodified-Since";

    // ---- response headers (besides the standard ones Netty names)

    /** Response: tells browsers not to guess a type other than the one Content-Type names. */
    public static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";

    /** Response (CORS): the origin allowed to read the response. */
    public static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";

    /** Response (CORS): the headers a browser player's script may read. */
    public static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";

    /** Response (CORS preflight): the methods allowed. */
    public static final String ALLOW_METHODS = "Access-Control-Allow-Methods";

    /** Response (CORS preflight): the request headers allowed. */
    public static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";

    /** Response (CORS preflight): how long the preflight's answer may be cached, in seconds. */
    public static final String MAX_AGE = "Access-Control-Max-Age";

    /** Response: the request headers the answer depends on. */
    public static final String VARY = "Vary";

    // ---- path parameters

    /** Path parameter: the file id of {@code /files/{id}} and {@code /files/{id}/...}. */
    public static final String ID = "id";

    /** Path parameter: the kind of {@code /files/{id}/derived/{kind}} (e.g. {@code poster}). */
    public static final String KIND = "kind";

    /** Path parameter: the file of a packaged file's HLS ({@code /files/{id}/hls/{file}}: {@code master.m3u8}, …). */
    public static final String HLS_FILE = "file";

    /** Path parameter of {@code /live/{stream}/{file}}: the live stream's name. */
    public static final String LIVE_STREAM = "stream";

    /** Path parameter of {@code /live/{stream}/{file}}: a playlist or segment of the stream's folder. */
    public static final String LIVE_FILE = "file";

    /** Path parameter: the node of {@code /admin/nodes/{name}}. */
    public static final String NODE_NAME = "name";

    /** Query parameter of {@code POST /admin/nodes/{name}/format}: {@code true} to format over another node's or cluster's identity. */
    public static final String FORCE_PARAM = "force";

    // ---- query parameters

    /** Query parameter of an upload: the content's SHA-256 (hex); with {@link #SIZE_PARAM} and no body, an instant upload. */
    public static final String SHA256_PARAM = "sha256";

    /** Query parameter of an upload: the content's length in bytes, with {@link #SHA256_PARAM}. */
    public static final String SIZE_PARAM = "size";

    /** Query parameter: the original file name; wins over {@link #FILE_NAME}. */
    public static final String NAME_PARAM = "name";

    /** Query parameter: {@code true} to store an empty body as a zero-length file (else an empty upload is 400). */
    public static final String ALLOW_EMPTY_PARAM = "allowEmpty";

    /** Query parameter: the storage group an upload must go to, or a search is limited to. */
    public static final String GROUP_PARAM = "group";

    /** Query parameter of a search: text in the name or metadata. */
    public static final String QUERY_PARAM = "q";

    /** Query parameter of a search: a content type prefix. */
    public static final String TYPE_PARAM = "type";

    /** Query parameter of a search: {@code true} to list files derived from others (posters, renditions, HLS) too. */
    public static final String DERIVED_PARAM = "derived";

    /** Query parameter of a search: files per page. */
    public static final String LIMIT_PARAM = "limit";

    /** Query parameter of a search: the {@code next} of the previous page. */
    public static final String CURSOR_PARAM = "cursor";

    /** Query parameter of {@code POST /files/{id}/url}: seconds the signed URL is valid. */
    public static final String TTL_PARAM = "ttl";

    /** Query parameter of a signed URL: when it expires (unix seconds). */
    public static final String EXPIRES_PARAM = "expires";

    /** Query parameter of a signed URL: its signature. */
    public static final String SIG_PARAM = "sig";

    /** Query parameter of a GET a manifest names: read the copy on this node only. */
    public static final String REPLICA_PARAM = "replica";

    // ---- Kafka record headers (structured-mode CloudEvents)

    /** Record header: the event's type, so consumers can filter without parsing the value. */
    public static final String CE_TYPE = "ce_type";

    /** Record header: the value's media type, {@code application/cloudevents+json}. */
    public static final String RECORD_CONTENT_TYPE = "content-type";

    // ---- upload hooks (direct:before-upload, direct:before-commit; docs/extending.md)

    /** Hook header: the file's name, as it will be stored. */
    public static final String HOOK_FILE_NAME = "CaravanFileName";

    /** Hook header: the content type the client declared (absent when it declared none). */
    public static final String HOOK_CONTENT_TYPE = "CaravanContentType";

    /** Hook header: the group the client asked for (absent when placement chooses). */
    public static final String HOOK_GROUP = "CaravanGroup";

    /** Hook header: the body's declared length in bytes (absent for chunked and multipart bodies). */
    public static final String HOOK_DECLARED_SIZE = "CaravanDeclaredSize";

    /** Hook header (before-commit): the id the file will have. */
    public static final String HOOK_FILE_ID = "CaravanFileId";

    /** Hook header (before-commit): the bytes stored. */
    public static final String HOOK_SIZE = "CaravanSize";

    /** Hook header (before-commit): the SHA-256 (hex) of the bytes stored. */
    public static final String HOOK_SHA256 = "CaravanSha256";

    /** Hook header (before-commit): the media type the first bytes show (absent when unknown). */
    public static final String HOOK_DETECTED_TYPE = "CaravanDetectedType";

    /** Set by a hook to refuse the upload: the reason the client reads in the JSON error. */
    public static final String REJECT_REASON = "CaravanRejectReason";

    /** Set by a hook with {@link #REJECT_REASON}: the status, a 4xx (default 403). */
    public static final String REJECT_STATUS = "CaravanRejectStatus";

    // ---- extension event routes (kamelet caravan-events-source, routeConfiguration extension-errors; docs/extending.md)

    /** Exchange property: the event's CloudEvents JSON as it came from Kafka, what a dead letter keeps. */
    public static final String EVENT = "CaravanEvent";

    /** Event header: the CloudEvents {@code id} (the same on every delivery of the event). */
    public static final String EVENT_ID = "CaravanEventId";

    /** Event header: the CloudEvents {@code type}, such as {@code caravan.file.stored}. */
    public static final String EVENT_TYPE = "CaravanEventType";

    /** Event header: the file the event is about (its {@code subject}); the same name as the hooks' {@link #HOOK_FILE_ID}. */
    public static final String EVENT_FILE_ID = HOOK_FILE_ID;

    /** Dead-letter record header: why the event could not be handled (the last failure's message). */
    public static final String DEAD_LETTER_REASON = "CaravanDeadLetterReason";

    /** Dead-letter record header: the extension route that could not handle the event. */
    public static final String DEAD_LETTER_ROUTE = "CaravanDeadLetterRoute";

    /** ffmpeg step header: ffmpeg's arguments, split at spaces; {@code {input}} and {@code {output}} are put in after. */
    public static final String FFMPEG_ARGS = "CaravanFfmpegArgs";

    /** ffmpeg step header: the output file's suffix ({@code jpg}, {@code m4a}), which picks ffmpeg's output format. */
    public static final String FFMPEG_OUTPUT = "CaravanFfmpegOutput";

    /** ffmpeg step header (optional): the input, when not the file {@link #EVENT_FILE_ID} on this gateway. */
    public static final String FFMPEG_INPUT = "CaravanFfmpegInput";

    // ---- route headers

    /** Route header: the storage node a replicator route works for. */
    public static final String NODE = "CaravanNode";

    /** Camel header netty-http fills with the request method. */
    public static final String HTTP_METHOD = "CamelHttpMethod";

    /** Exchange property: the Kafka record exchanges of a polled batch, kept for the commit after it was applied. */
    public static final String RECORDS = "CaravanRecords";

    private CaravanHeaders() {
    }
}
