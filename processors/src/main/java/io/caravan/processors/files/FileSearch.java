package io.caravan.processors.files;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.caravan.connectors.catalogue.FileQuery;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.MetaStore;
import io.caravan.processors.support.InvalidInputException;

/**
 * The file search (bean {@code fileSearch}): stored files, newest first, whose name or metadata contain a
 * text (case and accents ignored), of a content type prefix, in a group; a page at a time, each page
 * naming the cursor of the next.
 */
public class FileSearch {

    /** Most files on one page. */
    public static final int MAX_LIMIT = 500;

    /** One page: the files with their metadata, and the cursor of the following page (null on the last one). */
    public record Page(List<FileRecord> files, Map<String, Map<String, String>> meta, String next) {
    }

    private final MetaStore meta;

    public FileSearch(MetaStore meta) {
        this.meta = meta;
    }

    /**
     * @param text   in the name or metadata (null: any)
     * @param type   content type prefix (null: any)
     * @param group  the group (null: any)
     * @param limit  files per page, 1 to {@value #MAX_LIMIT}
     * @param cursor the {@code next} of the previous page, or null for the first
     * @param derived whether files derived from others (posters, renditions, HLS) are listed too
     */
    public Page search(String text, String type, String group, int limit, String cursor, boolean derived) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit must be between 1 and " + MAX_LIMIT);
        }
        Instant before = null;
        String beforeId = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8).split(" ", 2);
                before = Instant.parse(parts[0]);
                beforeId = parts[1];
            } catch (RuntimeException e) {
                throw new InvalidInputException("bad cursor: pass back the 'next' of the previous page");
            }
        }
        // one more than asked tells whether there is a next page
        List<FileRecord> page = meta.search(new FileQuery(text, type, group, before, beforeId, limit + 1, derived));
        List<FileRecord> files = page.subList(0, Math.min(limit, page.size()));
        String next = null;
        if (page.size() > limit) {
            FileRecord last = files.get(files.size() - 1);
            next = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((last.created() + " " + last.id()).getBytes(StandardCharsets.UTF_8));
        }
        return new Page(List.copyOf(files), meta.of(files.stream().map(FileRecord::id).toList()), next);
    }
}
