import ArchiveStore
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

                CREATE TABLE policy (
                    version INTEGER NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    document BLOB NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    note TEXT
                );

                CREATE TABLE alert (
                    id INTEGER PRIMARY KEY,
                    conversation TEXT,
                    category TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open',
                    assignee TEXT,
                    sender TEXT NOT NULL,
                    first_msgtime INTEGER NOT NULL,
                    last_msgtime INTEGER NOT NULL,
                    hit_count INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX alert_status ON alert(status, id);
                CREATE INDEX alert_group ON alert(conversation, category, last_msgtime);

                CREATE TABLE risk_hit (
                    id INTEGER PRIMARY KEY,
                    message_id INTEGER NOT NULL REFERENCES message(id),
                    category TEXT NOT NULL,
                    rule TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    start INTEGER NOT NULL,
                    end INTEGER NOT NULL,
                    policy_version INTEGER NOT NULL,
                    alert_id INTEGER REFERENCES alert(id),
                    UNIQUE (message_id, rule, start)
                );
                CREATE INDEX risk_hit_alert ON risk_hit(alert_id);
                CREATE INDEX risk_hit_category ON risk_hit(category, message_id);

                CREATE TABLE alert_event (
                    id INTEGER PRIMARY KEY,
                    alert_id INTEGER NOT NULL REFERENCES alert(id),
                    at INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    note TEXT
                );

                CREATE TABLE alert_outbox (
                    id INTEGER PRIMARY KEY,
                    alert_id INTEGER NOT NULL REFERENCES alert(id),
                    channel TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    delivered_at INTEGER,
                    last_error TEXT
                );
                CREATE INDEX alert_outbox_due ON alert_outbox(delivered_at, next_attempt_at);

                CREATE TABLE consent (
                    userid TEXT NOT NULL,
                    external_userid TEXT NOT NULL,
                    agreed INTEGER NOT NULL,
                    changed_at INTEGER,
                    PRIMARY KEY (userid, external_userid)
                );
                """)
        }
        migrator.registerMigration("v2-console") { db in
            try db.execute(sql: """
                -- Console accounts. Roles and scope are small JSON arrays; the password only as a bcrypt hash.
                CREATE TABLE console_user (
                    id INTEGER PRIMARY KEY,
                    username TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    roles TEXT NOT NULL,
                    departments TEXT NOT NULL,
                    may_unmask INTEGER NOT NULL DEFAULT 0,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    failed_logins INTEGER NOT NULL DEFAULT 0,
                    locked_until INTEGER,
                    totp_secret BLOB,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                -- Sessions and API tokens are looked up by the SHA-256 of the secret the client holds.
                CREATE TABLE console_session (
                    token_hash TEXT NOT NULL PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES console_user(id) ON DELETE CASCADE,
                    csrf TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE TABLE console_api_token (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES console_user(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                -- 敏感岗位: conversations of these employees are visible only to the console users named here.
                CREATE TABLE protected_staff (
                    userid TEXT NOT NULL PRIMARY KEY,
                    viewers TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                -- Every content access and admin change. `event` (sealed) is the canonical JSON the ledger leaf
                -- holds; the other columns repeat it for filtering and are checked against it by verify.
                CREATE TABLE audit_event (
                    id INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    event BLOB NOT NULL,
                    leaf_index INTEGER NOT NULL UNIQUE
                );
                CREATE INDEX audit_event_at ON audit_event(at);
                CREATE INDEX audit_event_actor ON audit_event(actor, at);
                """)
        }
        migrator.registerMigration("v3-quality") { db in
            try db.execute(sql: """
                -- Reply-timeout settings, versioned like policies.
                CREATE TABLE sla_settings (
                    version INTEGER PRIMARY KEY,
                    document TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                -- Conversations whose waits must be computed again (written by the commit that stores a message).
                -- The generation lets the tracker clear only what it has seen, not a mark made while it computed.
                CREATE TABLE sla_dirty (conversation TEXT NOT NULL PRIMARY KEY, generation INTEGER NOT NULL DEFAULT 0);
                -- One row per wait of a customer: pending while reply_msgid is NULL.
                CREATE TABLE sla_wait (
                    customer_msgid TEXT NOT NULL PRIMARY KEY,
                    conversation TEXT NOT NULL,
                    customer TEXT NOT NULL,
                    employee TEXT NOT NULL,
                    department INTEGER,
                    waiting_since INTEGER NOT NULL,
                    reply_msgid TEXT,
                    replied_by TEXT,
                    replied_at INTEGER,
                    working_ms INTEGER,
                    target_ms INTEGER NOT NULL,
                    reminder_due INTEGER NOT NULL,
                    escalation_due INTEGER NOT NULL,
                    escalate_to TEXT NOT NULL,
                    reminder_sent_at INTEGER,
                    escalation_sent_at INTEGER
                );
                CREATE INDEX sla_wait_conversation ON sla_wait(conversation);
                CREATE INDEX sla_wait_pending ON sla_wait(reminder_due) WHERE reply_msgid IS NULL;
                CREATE INDEX sla_wait_employee_time ON sla_wait(employee, waiting_since);
                -- Quality review: sampled conversations and their scores.
                CREATE TABLE qa_sample (
                    id INTEGER PRIMARY KEY,
                    conversation TEXT NOT NULL,
                    employee TEXT NOT NULL,
                    period TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    UNIQUE (conversation, employee, period)
                );
                CREATE TABLE qa_score (
                    id INTEGER PRIMARY KEY,
                    sample_id INTEGER NOT NULL REFERENCES qa_sample(id),
                    reviewer TEXT NOT NULL,
                    scores TEXT NOT NULL,
                    total REAL NOT NULL,
                    comment TEXT,
                    at INTEGER NOT NULL
                );
                CREATE INDEX qa_score_sample ON qa_score(sample_id);
                -- Reminders go to particular people, not a channel's standing recipients.
                ALTER TABLE alert_outbox ADD COLUMN recipients TEXT;
                """)
        }
        migrator.registerMigration("v4-insights") { db in
            try db.execute(sql: """
                -- Report aggregates, kept current by the commit that stores each message (days and hours in Beijing time).
                -- `employee` is the staff party of a single chat or the owner of a group ('' when unknown);
                -- in agg_volume, `party` is the staff sender ('' for customers and robots, counted in total).
                CREATE TABLE agg_volume (day TEXT NOT NULL, party TEXT NOT NULL, role TEXT NOT NULL, room TEXT NOT NULL,
                                         count INTEGER NOT NULL, PRIMARY KEY (day, party, role, room)) WITHOUT ROWID;
                CREATE TABLE agg_hour (day TEXT NOT NULL, employee TEXT NOT NULL, hour INTEGER NOT NULL, count INTEGER NOT NULL,
                                       PRIMARY KEY (day, employee, hour)) WITHOUT ROWID;
                CREATE TABLE agg_topic (day TEXT NOT NULL, employee TEXT NOT NULL, topic TEXT NOT NULL, count INTEGER NOT NULL,
                                        PRIMARY KEY (day, employee, topic)) WITHOUT ROWID;
                CREATE TABLE agg_sentiment (day TEXT NOT NULL, employee TEXT NOT NULL, label TEXT NOT NULL, count INTEGER NOT NULL,
                                            PRIMARY KEY (day, employee, label)) WITHOUT ROWID;
                CREATE TABLE agg_mood (day TEXT NOT NULL, conversation TEXT NOT NULL, employee TEXT NOT NULL, negative INTEGER NOT NULL,
                                       scored INTEGER NOT NULL, PRIMARY KEY (day, conversation)) WITHOUT ROWID;
                CREATE TABLE agg_violation (day TEXT NOT NULL, employee TEXT NOT NULL, category TEXT NOT NULL, count INTEGER NOT NULL,
                                            PRIMARY KEY (day, employee, category)) WITHOUT ROWID;
                -- Customer waits per day (the wait's first message) and responsible employee, adjusted whenever a
                -- conversation's waits are recomputed. `firsts`: the first wait of a conversation and day, answered.
                CREATE TABLE agg_reply (day TEXT NOT NULL, employee TEXT NOT NULL, waits INTEGER NOT NULL, answered INTEGER NOT NULL,
                                        within INTEGER NOT NULL, working_ms INTEGER NOT NULL, firsts INTEGER NOT NULL,
                                        first_working_ms INTEGER NOT NULL, PRIMARY KEY (day, employee)) WITHOUT ROWID;
                ALTER TABLE sla_wait ADD COLUMN first_of_day INTEGER NOT NULL DEFAULT 0;
                -- A notice with its own text (the weekly digest) instead of one made from the alert's fields.
                ALTER TABLE alert_outbox ADD COLUMN body TEXT;
                """)
        }
        migrator.registerMigration("v5-conversation-people") { db in
            try db.execute(sql: """
                -- Who sent in each conversation, and indexes to find a person's conversations: a reader's scope
                -- (conversations with any of their employees) is then a few index lookups, not a probe of every
                -- group's messages.
                CREATE TABLE conversation_sender (
                    conversation TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    PRIMARY KEY (conversation, sender)
                ) WITHOUT ROWID;
                CREATE INDEX conversation_sender_sender ON conversation_sender(sender);
                INSERT OR IGNORE INTO conversation_sender (conversation, sender)
                    SELECT DISTINCT conversation, sender FROM message WHERE conversation IS NOT NULL;
                CREATE INDEX conversation_party_a ON conversation(party_a);
                CREATE INDEX conversation_party_b ON conversation(party_b);
                CREATE INDEX conversation_room ON conversation(roomid);
                """)
        }
        migrator.registerMigration("v6-media-backoff") { db in
            try db.execute(sql: """
                -- When a failed attachment is due again (ms; NULL = now): retries back off instead of running out of
                -- attempts. Rows that used up the old five attempts are due at once and get one more try.
                ALTER TABLE message_media ADD COLUMN next_attempt_at INTEGER;
                CREATE INDEX message_media_due ON message_media(next_attempt_at) WHERE status IN ('pending', 'failed');
                """)
        }
        migrator.registerMigration("v7-login-guard") { db in
            try db.execute(sql: """
                -- Sign-in attempts are counted before their password is checked, within a window that starts at the first
                -- attempt (ms); and the last TOTP time step used (Unix time / 30 s), so a code is accepted once.
                ALTER TABLE console_user ADD COLUMN login_window_start INTEGER;
                ALTER TABLE console_user ADD COLUMN totp_last_step INTEGER;
                """)
        }
        migrator.registerMigration("v8-access-changes") { db in
            try db.execute(sql: """
                -- Four-eyes: a change that widens someone's access to content waits here until a second administrator
                -- approves it. The payload is JSON (roles, departments, unmask, re-enabling, a new password's bcrypt hash —
                -- never the password — or a protected employee's viewers). A pending row older than 7 days reads as expired.
                CREATE TABLE access_change (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('user', 'protected-staff')),
                    target TEXT NOT NULL,
                    requested_by TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'approved', 'refused', 'expired', 'cancelled')),
                    decided_by TEXT,
                    decided_at INTEGER,
                    created_at INTEGER NOT NULL,
                    note TEXT,
                    -- Nobody approves or refuses their own request; they may only cancel it.
                    CHECK (decided_by IS NULL OR decided_by <> requested_by OR status = 'cancelled'),
                    CHECK ((status = 'pending') = (decided_at IS NULL))
                );
                CREATE INDEX access_change_status ON access_change(status, id);
                """)
        }
        migrator.registerMigration("v9-conversation-parties") { db in
            try db.execute(sql: """
                -- Everyone who sent or received a message of each conversation (ChatMessage.participants), written by the
                -- commit. With a single chat's parties and a group's synced members and creator they are the conversation's
                -- participants: the one set that decides who may open it, what a reader's scope lists and which search
                -- results protected staff hide — a recipient who never speaks, in a group the directory never synced, too.
                -- Replaces conversation_sender (its senders are here); filled from the stored messages.
                CREATE TABLE conversation_party (
                    conversation TEXT NOT NULL,
                    party TEXT NOT NULL,
                    PRIMARY KEY (conversation, party)
                ) WITHOUT ROWID;
                INSERT OR IGNORE INTO conversation_party (conversation, party)
                    SELECT conversation, sender FROM message WHERE conversation IS NOT NULL;
                INSERT OR IGNORE INTO conversation_party (conversation, party)
                    SELECT m.conversation, j.value FROM message m, json_each(m.tolist) j WHERE m.conversation IS NOT NULL;
                CREATE INDEX conversation_party_party ON conversation_party(party);
                DROP TABLE conversation_sender;
                """)
        }
        migrator.registerMigration("v10-cases") { db in
            try db.execute(sql: SQLiteArchiveStore.casesSchema)
        }
        return migrator
    }
}
