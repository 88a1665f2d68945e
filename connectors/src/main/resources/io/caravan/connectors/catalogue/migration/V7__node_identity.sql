-- Disks that know who they are: the cluster's id, made once at the first start; for each node when Caravan
-- wrote its identity (formatted) and, after an operator's format, since when it waits to be refilled.
CREATE TABLE cluster_identity (
    name    VARCHAR(16) PRIMARY KEY,
    id      VARCHAR(64) NOT NULL,
    created TIMESTAMP   NOT NULL
);
ALTER TABLE nodes ADD COLUMN formatted TIMESTAMP;
ALTER TABLE nodes ADD COLUMN refill_since TIMESTAMP;
