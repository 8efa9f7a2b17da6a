import GRDB

extension SQLiteArchiveStore {
    /// The schema's history. Shipped migrations never change; new ones are appended.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-archive") { db in
            try db.execute(sql: """
                CREATE TABLE message (
                    id INTEGER PRIMARY KEY,
                    msgid TEXT NOT NULL UNIQUE,
                    seq INTEGER NOT NULL,
                    action TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    tolist TEXT NOT NULL,
                    roomid TEXT,
                    conversation TEXT,
                    msgtime INTEGER NOT NULL,
                    msgtype TEXT NOT NULL,
                    body BLOB NOT NULL,
                    text BLOB NOT NULL,
                    recall_target TEXT,
                    recalled_by TEXT,
                    archived_at INTEGER NOT NULL,
                    leaf_index INTEGER NOT NULL UNIQUE,
                    file_ext TEXT,
                    has_media INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX message_msgtype ON message(msgtype);
                CREATE INDEX message_roomid ON message(roomid) WHERE roomid IS NOT NULL;
                CREATE INDEX message_file_ext ON message(file_ext) WHERE file_ext IS NOT NULL;

                -- Search index: keyed hashes of unigrams and bigrams (TextKit), and of who took part
                -- (sender, recipients, group, conversation); no text, no content.
                CREATE VIRTUAL TABLE message_fts USING fts5(uni, bi, who, content='', columnsize=0);
                CREATE INDEX message_seq ON message(seq);
                CREATE INDEX message_time ON message(msgtime);
                CREATE INDEX message_conversation_time ON message(conversation, msgtime);
                CREATE INDEX message_sender_time ON message(sender, msgtime);
                CREATE INDEX message_recall_target ON message(recall_target) WHERE recall_target IS NOT NULL;

                CREATE TABLE conversation (
                    id TEXT NOT NULL PRIMARY KEY,
                    roomid TEXT,
                    party_a TEXT,
                    party_b TEXT,
                    first_msgtime INTEGER NOT NULL,
                    last_msgtime INTEGER NOT NULL,
                    message_count INTEGER NOT NULL
                );

                CREATE TABLE source_cursor (
                    source TEXT NOT NULL PRIMARY KEY,
                    seq INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );

                CREATE TABLE seq_gap (
                    source TEXT NOT NULL,
                    after_seq INTEGER NOT NULL,
                    before_seq INTEGER NOT NULL,
                    detected_at INTEGER NOT NULL,
                    PRIMARY KEY (source, after_seq)
                );

                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source TEXT NOT NULL,
                    seq INTEGER,
                    msgid TEXT,
                    kind TEXT NOT NULL,
                    reason_code TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    payload_sha256 TEXT NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_tried INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 1,
                    resolved_at INTEGER,
                    UNIQUE (source, payload_sha256)
                );

                CREATE TABLE media (
                    sha256 TEXT NOT NULL PRIMARY KEY,
                    size INTEGER NOT NULL,
                    stored_at INTEGER NOT NULL
                );

                CREATE TABLE message_media (
                    msgid TEXT NOT NULL REFERENCES message(msgid),
                    sdkfileid TEXT NOT NULL,
                    md5 TEXT,
                    expected_size INTEGER,
                    status TEXT NOT NULL DEFAULT 'pending',
                    sha256 TEXT REFERENCES media(sha256),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    error TEXT,
                    leaf_index INTEGER UNIQUE,
                    PRIMARY KEY (msgid, sdkfileid)
                );
                CREATE INDEX message_media_status ON message_media(status);

                CREATE TABLE department (
                    id INTEGER NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    parent_id INTEGER,
                    leaders TEXT NOT NULL
                );

                CREATE TABLE party (
                    id TEXT NOT NULL PRIMARY KEY,
                    kind TEXT NOT NULL,
                    name TEXT NOT NULL,
                    department_ids TEXT NOT NULL,
                    corp_name TEXT,
                    status INTEGER
                );

                CREATE TABLE room (
                    id TEXT NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    creator TEXT NOT NULL,
                    members TEXT NOT NULL
                );

                CREATE TABLE archive_meta (
                    key TEXT NOT NULL PRIMARY KEY,
                    value TEXT NOT NULL
                );

                CREATE TABLE data_key (
                    id INTEGER NOT NULL PRIMARY KEY,
                    wrapped BLOB NOT NULL,
                    master_fingerprint TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    active INTEGER NOT NULL
                );

                CREATE TABLE ledger_leaf (
                    idx INTEGER NOT NULL PRIMARY KEY,
                    kind TEXT NOT NULL,
                    ref TEXT NOT NULL,
                    hash BLOB NOT NULL
                );

                CREATE TABLE ledger_node (
                    level INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    hash BLOB NOT NULL,
                    PRIMARY KEY (level, idx)
                ) WITHOUT ROWID;

                CREATE TABLE checkpoint (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    origin TEXT NOT NULL,
                    tree_size INTEGER NOT NULL,
                    root BLOB NOT NULL,
                    time_ms INTEGER NOT NULL,
                    signature BLOB NOT NULL,
                    key_id TEXT NOT NULL,
                    tsa_token BLOB
                );

                CREATE TABLE consent (
                    userid TEXT NOT NULL,
                    external_userid TEXT NOT NULL,
                    agreed INTEGER NOT NULL,
                    changed_at INTEGER,
                    PRIMARY KEY (userid, external_userid)
                );
                """)
        }
        return migrator
    }
}
