-- Live streams (LiveStore): one row per stream name, its state (IDLE until pushed, LIVE, ENDED), the session
-- (counted up at every start: a stream pushed again is a new session), the publishing key's SHA-256 when the
-- stream was created with one, whether it is recorded, and the recording made of its last session.
CREATE TABLE live_streams (
    name            VARCHAR(128)  PRIMARY KEY,
    grp             VARCHAR(64),
    state           VARCHAR(16)   NOT NULL,
    session_no      BIGINT        NOT NULL,
    key_sha256      VARCHAR(64),
    record          BOOLEAN       NOT NULL,
    created         TIMESTAMP     NOT NULL,
    started         TIMESTAMP,
    updated         TIMESTAMP     NOT NULL,
    last_segment_at TIMESTAMP,
    ended           TIMESTAMP,
    segments        INT           NOT NULL,
    playlist        VARCHAR(128),
    recording       VARCHAR(64),
    recording_state VARCHAR(16),
    recording_error VARCHAR(1024)
);
-- The playlists of a stream as last PUT (whole, so a GET never sees part of one), with their target
-- duration, the sum of their segments' durations and whether they carry EXT-X-ENDLIST.
CREATE TABLE live_playlists (
    stream      VARCHAR(128)     NOT NULL,
    name        VARCHAR(128)     NOT NULL,
    body        VARCHAR(1048576) NOT NULL,
    target_ms   BIGINT           NOT NULL,
    window_ms   BIGINT           NOT NULL,
    updated     TIMESTAMP        NOT NULL,
    PRIMARY KEY (stream, name)
);
-- The segments (and init sections) of live streams: each one a stored file (replicated like any), under the
-- name the encoder gave it. removed: DELETEd by the encoder or replaced; expires: served until then; purge:
-- its file is deleted then (null while a recording may still need it).
CREATE TABLE live_files (
    file_id     VARCHAR(64)   PRIMARY KEY,
    stream      VARCHAR(128)  NOT NULL,
    session_no  BIGINT        NOT NULL,
    name        VARCHAR(128)  NOT NULL,
    playlist    VARCHAR(128),
    msn         BIGINT,
    duration_ms BIGINT,
    created     TIMESTAMP     NOT NULL,
    removed     TIMESTAMP,
    expires     TIMESTAMP,
    purge       TIMESTAMP
);
CREATE INDEX live_files_name ON live_files (stream, name);
CREATE INDEX live_files_purge ON live_files (purge);
