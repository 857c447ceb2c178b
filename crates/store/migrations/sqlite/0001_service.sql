-- Goose Pod's service schema. Times are Unix seconds (UTC); lists are JSON text.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    timezone TEXT NOT NULL,
    topics TEXT NOT NULL,
    host_pair TEXT NOT NULL,
    minutes REAL NOT NULL,
    delivery_time TEXT NOT NULL,
    stories_per_day INTEGER NOT NULL,
    feed_token TEXT NOT NULL,
    feed_token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    interval_s INTEGER NOT NULL,
    next_poll_at INTEGER NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_polled_at INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, url)
);
CREATE INDEX sources_due ON sources (next_poll_at);

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    language TEXT,
    published_at INTEGER,
    fingerprint INTEGER NOT NULL,
    article TEXT NOT NULL,
    fetched_at INTEGER NOT NULL
);
CREATE INDEX stories_fetched ON stories (fetched_at);

CREATE TABLE source_items (
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    story_id INTEGER REFERENCES stories (id),
    error TEXT,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, item_key)
);

CREATE TABLE candidates (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    story_id INTEGER NOT NULL REFERENCES stories (id),
    score REAL NOT NULL,
    topics TEXT NOT NULL,
    found_at INTEGER NOT NULL,
    delivered_at INTEGER,
    PRIMARY KEY (user_id, story_id)
);

CREATE TABLE deliveries (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    local_date TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, local_date)
);

CREATE TABLE episodes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_id TEXT NOT NULL UNIQUE,
    story_id INTEGER REFERENCES stories (id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    language TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    duration_s REAL NOT NULL,
    audio_bytes INTEGER NOT NULL,
    media_key TEXT NOT NULL
);
CREATE INDEX episodes_by_user ON episodes (user_id, published_at);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    story_id INTEGER REFERENCES stories (id),
    url TEXT,
    dedupe_key TEXT UNIQUE,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_after INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    stage TEXT,
    error TEXT,
    episode_id INTEGER REFERENCES episodes (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_ready ON jobs (state, run_after);
CREATE INDEX jobs_by_user ON jobs (user_id, created_at);
