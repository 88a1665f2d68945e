-- Derived files (posters, thumbnails, renditions): a stored file made from another one, of a kind. At most
-- one stored file per source and kind: storing a kind again replaces the earlier one.
CREATE TABLE derived (
    file_id   VARCHAR(64) PRIMARY KEY,
    source_id VARCHAR(64) NOT NULL,
    kind      VARCHAR(32) NOT NULL
);
CREATE INDEX derived_source ON derived (source_id, kind);
