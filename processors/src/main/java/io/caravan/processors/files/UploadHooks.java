package io.caravan.processors.files;

/**
 * What an upload asks before it stores anything, and before it commits: integrators answer through the
 * {@code direct:before-upload} and {@code direct:before-commit} routes (docs/extending.md). A hook refuses by
 * throwing; the upload then stores nothing and uses up no id ({@link #beforeUpload}) or removes the bytes it
 * wrote ({@link #beforeCommit}).
 */
public interface UploadHooks {

    /** No hooks: every upload goes ahead. */
    UploadHooks NONE = new UploadHooks() {
        @Override
        public void beforeUpload(UploadRequest request) {
        }

        @Override
        public void beforeCommit(UploadRequest request, Written written) {
        }
    };

    /** Before a byte of the body is read (and before {@code 100 Continue}). */
    void beforeUpload(UploadRequest request);

    /** After the bytes are on a node and hashed, before the catalogue commit. */
    void beforeCommit(UploadRequest request, Written written);

    /**
     * The bytes an upload wrote: the file's id and name, the node and group, the size, the SHA-256 and the
     * media type sniffed from the first bytes ({@link ContentSniffer}; null when unknown).
     */
    record Written(String id, String name, String node, String group, long size, String sha256, String detectedType) {
    }
}
