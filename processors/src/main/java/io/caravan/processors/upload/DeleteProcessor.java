package io.caravan.processors.upload;

import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.FileRecord;
import io.caravan.processors.http.CaravanException;
import io.caravan.processors.http.FileRequests;
import io.caravan.processors.http.HttpResponses;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.caravan.processors.replicate.CloudEvents;
import org.apache.camel.Exchange;

/**
 * Deletes a file (bean {@code delete}): marks it deleted and queues {@code caravan.file.deleted} in one
 * transaction. From then on reads answer 404; every node's replicator removes its copy when the event
 * reaches it.
 */
public class DeleteProcessor {

    private final Catalogue catalogue;

    public DeleteProcessor(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Deletes the file named in the path; answers 204. */
    public HttpResponse delete(Exchange exchange) {
        String id = FileRequests.fileId(exchange);
        FileRecord file = catalogue.find(id).filter(FileRecord::isStored)
                .orElseThrow(() -> CaravanException.notFound("no such file: " + id));
        if (!catalogue.markDeleted(id, CloudEvents.fileEvent(CloudEvents.FILE_DELETED, file, null))) {
            throw CaravanException.notFound("no such file: " + id);
        }
        return HttpResponses.empty(exchange, HttpResponseStatus.NO_CONTENT);
    }
}
