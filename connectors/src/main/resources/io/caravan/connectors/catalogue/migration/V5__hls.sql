-- HLS packaging of stored media (HlsStore): one row per source file, its state (PACKAGING, READY, FAILED),
-- the last error and how many tries it took.
CREATE TABLE hls (
    file_id  VARCHAR(64)   PRIMARY KEY,
    state    VARCHAR(16)   NOT NULL,
    error    VARCHAR(1024),
    attempts INT           NOT NULL,
    updated  TIMESTAMP     NOT NULL
);
