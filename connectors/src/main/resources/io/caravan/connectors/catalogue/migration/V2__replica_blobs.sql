-- replicas.file_id holds the key of a blob (the stored bytes, which files with the same content share;
-- files.blob names it), not a file id.
ALTER TABLE replicas RENAME COLUMN file_id TO blob;

-- Every file has its blob and its search text since the release that added them (both were backfilled
-- there and are written with every file since).
ALTER TABLE files ALTER COLUMN blob SET NOT NULL;
ALTER TABLE files ALTER COLUMN search_text SET NOT NULL;
