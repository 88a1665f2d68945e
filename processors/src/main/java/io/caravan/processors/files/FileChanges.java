package io.caravan.processors.files;

import java.util.Map;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.catalogue.MetaStore;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.NotFoundException;

/**
 * Changes to stored files (bean {@code fileChanges}), each committed with its event: a delete
 * ({@code caravan.file.deleted}: reads answer 404 at once and every node's replicator removes its copy)
 * and metadata changes ({@code caravan.file.meta-changed}).
 */
public class FileChanges {

    private final FileStore files;
    private final MetaStore meta;

    public FileChanges(FileStore files, MetaStore meta) {
        this.files = files;
        this.meta = meta;
    }

    /** Marks the stored file {@code id} deleted and queues its event, and so the files derived from it. */
    public void delete(String id) {
        FileRecord file = files.findStored(id).orElseThrow(() -> NotFoundException.file(id));
        if (!files.markDeleted(id, CloudEvents.fileEvent(CloudEvents.FILE_DELETED, file, null),
                derived -> CloudEvents.fileEvent(CloudEvents.FILE_DELETED, derived, null))) {
            throw NotFoundException.file(id);
        }
    }

    /**
     * Applies {@code changes} to the metadata of the stored file {@code id} (a {@code null} value removes the
     * key) and queues the event; the file's whole metadata afterwards.
     */
    public Map<String, String> updateMeta(String id, Map<String, String> changes) {
        try {
            return meta.update(id, changes, (file, updated) -> CloudEvents.fileEvent(CloudEvents.META_CHANGED, file, null, updated))
                    .orElseThrow(() -> NotFoundException.file(id));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }
}
