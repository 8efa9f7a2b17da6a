import ArchiveModel
import ArchiveStore
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema's history. Shipped migrations never change; new ones are appended.
///
/// The same facts as the SQLite schema, shaped for a server that outgrows one machine:
/// - `message` is partitioned by month of `msgtime` (a partition is created when its first message arrives), and
///   every query that can names a time range, so old months stay cold. A msgid is unique through
///   `message_key`, which is small and unpartitioned (a partitioned table cannot enforce it).
/// - The search index is a `tsvector` column with a GIN index holding the same keyed-hash tokens as SQLite's
///   FTS5 table: unigrams weighted A, bigrams B (positioned, so phrases are `<->`), people/group/conversation C.
/// - Leaf indexes, not row ids, order messages: they are assigned under the ledger lock, so they follow commit order
///   across every process.
package enum PostgresSchema {
    struct Migration {
        var name: String
        var sql: String

        /// The statements of ``sql``: each ends with a semicolon at the end of a line.
        var statements: [String] {
            sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }
                .filter { !$0.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") } }
        }
    }

    static let migrations: [Migration] = [
        Migration(name: "v1-archive", sql: """
            CREATE TABLE archive_meta (key text PRIMARY KEY, value text NOT NULL);
            CREATE TABLE data_key (
                id integer PRIMARY KEY, wrapped bytea NOT NULL, master_fingerprint text NOT NULL,
                created_at bigint NOT NULL, active boolean NOT NULL
            );
            CREATE TABLE message_key (
                msgid text PRIMARY KEY, msgtime bigint NOT NULL, leaf_index bigint NOT NULL UNIQUE
            );
            CREATE TABLE message (
                leaf_index bigint NOT NULL,
                msgid text NOT NULL,
                seq bigint NOT NULL,
                action text NOT NULL,
                sender text NOT NULL,
                tolist text[] NOT NULL,
                roomid text,
                conversation text,
                msgtime bigint NOT NULL,
                msgtype text NOT NULL,
                body bytea NOT NULL,
                text bytea NOT NULL,
                recall_target text,
                recalled_by text,
                archived_at bigint NOT NULL,
                file_ext text,
                has_media boolean NOT NULL,
                tokens tsvector NOT NULL,
                PRIMARY KEY (msgtime, leaf_index)
            ) PARTITION BY RANGE (msgtime);
            CREATE INDEX message_leaf ON message (leaf_index);
            CREATE INDEX message_msgid ON message (msgid);
            CREATE INDEX message_tokens ON message USING gin (tokens);
            CREATE INDEX message_conversation_time ON message (conversation, msgtime);
            CREATE INDEX message_sender_time ON message (sender, msgtime);
            -- Recalls by target, unpartitioned: a commit looks up whether any of its messages was recalled earlier with one
            -- probe per message instead of one per message and month partition.
            CREATE TABLE recall (target text PRIMARY KEY, revoke text NOT NULL);
            CREATE INDEX message_msgtype ON message (msgtype);

            CREATE TABLE conversation (
                id text PRIMARY KEY, roomid text, party_a text, party_b text,
                first_msgtime bigint NOT NULL, last_msgtime bigint NOT NULL, message_count bigint NOT NULL
            );
            CREATE TABLE source_cursor (source text PRIMARY KEY, seq bigint NOT NULL, updated_at bigint NOT NULL);
            CREATE TABLE seq_gap (
                source text NOT NULL, after_seq bigint NOT NULL, before_seq bigint NOT NULL, detected_at bigint NOT NULL,
                PRIMARY KEY (source, after_seq)
            );
            CREATE TABLE quarantine (
                id bigserial PRIMARY KEY, source text NOT NULL, seq bigint, msgid text, kind text NOT NULL,
                reason_code text NOT NULL, reason text NOT NULL, payload bytea NOT NULL, payload_sha256 text NOT NULL,
                first_seen bigint NOT NULL, last_tried bigint NOT NULL, attempts integer NOT NULL DEFAULT 1, resolved_at bigint,
                UNIQUE (source, payload_sha256)
            );
            CREATE TABLE media (sha256 text PRIMARY KEY, size bigint NOT NULL, stored_at bigint NOT NULL);
            CREATE TABLE message_media (
                id bigserial UNIQUE,
                msgid text NOT NULL REFERENCES message_key (msgid),
                sdkfileid text NOT NULL, md5 text, expected_size bigint,
                status text NOT NULL DEFAULT 'pending', sha256 text REFERENCES media (sha256),
                attempts integer NOT NULL DEFAULT 0, error text, leaf_index bigint UNIQUE,
                PRIMARY KEY (msgid, sdkfileid)
            );
            CREATE INDEX message_media_status ON message_media (status) WHERE status IN ('pending', 'failed');
            CREATE TABLE department (id bigint PRIMARY KEY, name text NOT NULL, parent_id bigint, leaders text[] NOT NULL);
            CREATE TABLE party (
                id text PRIMARY KEY, kind text NOT NULL, name text NOT NULL, department_ids bigint[] NOT NULL,
                corp_name text, status integer
            );
            CREATE TABLE room (id text PRIMARY KEY, name text NOT NULL, creator text NOT NULL, members text[] NOT NULL);
            CREATE TABLE consent (
                userid text NOT NULL, external_userid text NOT NULL, agreed boolean NOT NULL, changed_at bigint,
                PRIMARY KEY (userid, external_userid)
            );
            CREATE TABLE ledger_leaf (idx bigint PRIMARY KEY, kind text NOT NULL, ref text NOT NULL, hash bytea NOT NULL);
            CREATE TABLE ledger_node (level integer NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, idx));
            CREATE TABLE checkpoint (
                id bigserial PRIMARY KEY, origin text NOT NULL, tree_size bigint NOT NULL, root bytea NOT NULL,
                time_ms bigint NOT NULL, signature bytea NOT NULL, key_id text NOT NULL, tsa_token bytea
            );

            CREATE TABLE policy (
                version integer PRIMARY KEY, name text NOT NULL, document bytea NOT NULL, created_by text NOT NULL,
                created_at bigint NOT NULL, note text
            );

            CREATE TABLE alert (
                id bigserial PRIMARY KEY, conversation text, category text NOT NULL, severity text NOT NULL,
                status text NOT NULL DEFAULT 'open', assignee text, sender text NOT NULL,
                first_msgtime bigint NOT NULL, last_msgtime bigint NOT NULL, hit_count integer NOT NULL,
                created_at bigint NOT NULL, updated_at bigint NOT NULL
            );
            CREATE INDEX alert_status ON alert (status, id);
            CREATE INDEX alert_group ON alert (conversation, category, last_msgtime);
            CREATE TABLE risk_hit (
                id bigserial PRIMARY KEY, message_leaf bigint NOT NULL, category text NOT NULL, rule text NOT NULL,
                severity text NOT NULL, start integer NOT NULL, "end" integer NOT NULL, policy_version integer NOT NULL,
                alert_id bigint REFERENCES alert (id), UNIQUE (message_leaf, rule, start)
            );
            CREATE TABLE alert_event (
                id bigserial PRIMARY KEY, alert_id bigint NOT NULL REFERENCES alert (id), at bigint NOT NULL,
                actor text NOT NULL, action text NOT NULL, note text
            );
            -- Read with FOR UPDATE SKIP LOCKED: every process may dispatch, none delivers a row twice.
            CREATE TABLE alert_outbox (
                id bigserial PRIMARY KEY, alert_id bigint NOT NULL REFERENCES alert (id), channel text NOT NULL,
                created_at bigint NOT NULL, attempts integer NOT NULL DEFAULT 0, next_attempt_at bigint NOT NULL,
                delivered_at bigint, delivered_by text, last_error text,
                recipients text[], body text
            );
            CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE delivered_at IS NULL;

            -- Every look at content and every administrative change: a sealed event and a ledger leaf.
            CREATE TABLE audit_event (
                id bigserial PRIMARY KEY, at bigint NOT NULL, actor text NOT NULL, action text NOT NULL, target text NOT NULL,
                event bytea NOT NULL, leaf_index bigint NOT NULL UNIQUE
            );
            CREATE INDEX audit_event_at ON audit_event (at);
            CREATE INDEX audit_event_actor ON audit_event (actor, at);

            -- Who holds the ingest lease (the advisory lock is the truth; this row is for operators).
            CREATE TABLE ingest_lease (
                name text PRIMARY KEY, holder text NOT NULL, backend_pid integer NOT NULL, acquired_at bigint NOT NULL
            );
            """),
        Migration(name: "v2-console", sql: """
            -- Console accounts; the password only as a bcrypt hash, the TOTP secret sealed.
            CREATE TABLE console_user (
                id bigserial PRIMARY KEY, username text NOT NULL UNIQUE, display_name text NOT NULL, password_hash text NOT NULL,
                roles text[] NOT NULL, departments bigint[] NOT NULL, may_unmask boolean NOT NULL DEFAULT false,
                disabled boolean NOT NULL DEFAULT false, failed_logins integer NOT NULL DEFAULT 0, locked_until bigint,
                totp_secret bytea, created_at bigint NOT NULL, updated_at bigint NOT NULL
            );
            -- Sessions and API tokens are found by the SHA-256 of the secret the client holds; every serve process sees them.
            CREATE TABLE console_session (
                token_hash text PRIMARY KEY, user_id bigint NOT NULL REFERENCES console_user (id) ON DELETE CASCADE,
                csrf text NOT NULL, created_at bigint NOT NULL, expires_at bigint NOT NULL
            );
            CREATE INDEX console_session_expiry ON console_session (expires_at);
            CREATE TABLE console_api_token (
                id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES console_user (id) ON DELETE CASCADE,
                name text NOT NULL, token_hash text NOT NULL UNIQUE, created_at bigint NOT NULL, revoked_at bigint
            );
            CREATE TABLE protected_staff (userid text PRIMARY KEY, viewers text[] NOT NULL, updated_at bigint NOT NULL);

            CREATE TABLE sla_settings (
                version integer PRIMARY KEY, document text NOT NULL, created_by text NOT NULL, created_at bigint NOT NULL
            );
            -- Written by the commit that stores a message; the generation lets the tracker clear only what it saw.
            CREATE TABLE sla_dirty (conversation text PRIMARY KEY, generation bigint NOT NULL DEFAULT 0);
            CREATE TABLE sla_wait (
                customer_msgid text PRIMARY KEY, conversation text NOT NULL, customer text NOT NULL, employee text NOT NULL,
                department bigint, waiting_since bigint NOT NULL, reply_msgid text, replied_by text, replied_at bigint,
                working_ms bigint, target_ms bigint NOT NULL, reminder_due bigint NOT NULL, escalation_due bigint NOT NULL,
                escalate_to text[] NOT NULL, reminder_sent_at bigint, escalation_sent_at bigint,
                first_of_day boolean NOT NULL DEFAULT false
            );
            CREATE INDEX sla_wait_conversation ON sla_wait (conversation);
            CREATE INDEX sla_wait_pending ON sla_wait (reminder_due) WHERE reply_msgid IS NULL;
            CREATE INDEX sla_wait_time ON sla_wait (waiting_since);
            CREATE TABLE qa_sample (
                id bigserial PRIMARY KEY, conversation text NOT NULL, employee text NOT NULL, period text NOT NULL,
                created_at bigint NOT NULL, UNIQUE (conversation, employee, period)
            );
            CREATE TABLE qa_score (
                id bigserial PRIMARY KEY, sample_id bigint NOT NULL REFERENCES qa_sample (id), reviewer text NOT NULL,
                scores text NOT NULL, total double precision NOT NULL, comment text, at bigint NOT NULL
            );
            CREATE INDEX qa_score_sample ON qa_score (sample_id, id);

            -- Report aggregates (Beijing days), kept current by the commit that stores each message.
            CREATE TABLE agg_volume (day text NOT NULL, party text NOT NULL, role text NOT NULL, room text NOT NULL,
                                     count bigint NOT NULL, PRIMARY KEY (day, party, role, room));
            CREATE TABLE agg_hour (day text NOT NULL, employee text NOT NULL, hour integer NOT NULL, count bigint NOT NULL,
                                   PRIMARY KEY (day, employee, hour));
            CREATE TABLE agg_topic (day text NOT NULL, employee text NOT NULL, topic text NOT NULL, count bigint NOT NULL,
                                    PRIMARY KEY (day, employee, topic));
            CREATE TABLE agg_sentiment (day text NOT NULL, employee text NOT NULL, label text NOT NULL, count bigint NOT NULL,
                                        PRIMARY KEY (day, employee, label));
            CREATE TABLE agg_mood (day text NOT NULL, conversation text NOT NULL, employee text NOT NULL, negative bigint NOT NULL,
                                   scored bigint NOT NULL, PRIMARY KEY (day, conversation));
            CREATE TABLE agg_violation (day text NOT NULL, employee text NOT NULL, category text NOT NULL, count bigint NOT NULL,
                                        PRIMARY KEY (day, employee, category));
            CREATE TABLE agg_reply (day text NOT NULL, employee text NOT NULL, waits bigint NOT NULL, answered bigint NOT NULL,
                                    within bigint NOT NULL, working_ms bigint NOT NULL, firsts bigint NOT NULL,
                                    first_working_ms bigint NOT NULL, PRIMARY KEY (day, employee));
            -- One weekly digest per week, whichever serve process queues it first.
            CREATE UNIQUE INDEX alert_weekly_digest ON alert (first_msgtime) WHERE category = 'weekly-digest';
            """),
        Migration(name: "v3-conversation-people", sql: """
            -- Who sent in each conversation, and indexes to find a person's conversations: a reader's scope is then a few
            -- index lookups instead of a probe of every group's messages in every month partition.
            CREATE TABLE conversation_sender (conversation text NOT NULL, sender text NOT NULL, PRIMARY KEY (conversation, sender));
            CREATE INDEX conversation_sender_sender ON conversation_sender (sender);
            INSERT INTO conversation_sender (conversation, sender)
                SELECT DISTINCT conversation, sender FROM message WHERE conversation IS NOT NULL;
            CREATE INDEX conversation_party_a ON conversation (party_a);
            CREATE INDEX conversation_party_b ON conversation (party_b);
            CREATE INDEX conversation_room ON conversation (roomid);
            CREATE INDEX room_members ON room USING gin (members);
            """),
        Migration(name: "v4-media-backoff", sql: """
            -- When a failed attachment is due again (ms; NULL = now): retries back off instead of running out of attempts.
            -- Rows that used up the old five attempts are due at once and get one more try.
            ALTER TABLE message_media ADD COLUMN next_attempt_at bigint;
            CREATE INDEX message_media_due ON message_media (next_attempt_at) WHERE status IN ('pending', 'failed');
            """),
        Migration(name: "v5-login-guard", sql: """
            -- Sign-in attempts are counted before their password is checked, within a window that starts at the first attempt
            -- (ms); and the last TOTP time step used (Unix time / 30 s), so a code is accepted once.
            ALTER TABLE console_user ADD COLUMN login_window_start bigint;
            ALTER TABLE console_user ADD COLUMN totp_last_step bigint;
            """),
        Migration(name: "v6-access-changes", sql: """
            -- Four-eyes: a change that widens someone's access to content waits here until a second administrator approves it.
            -- The payload is JSON text, as on SQLite (roles, departments, unmask, re-enabling, a new password's bcrypt hash —
            -- never the password — or a protected employee's viewers). A pending row older than 7 days reads as expired.
            CREATE TABLE access_change (
                id bigserial PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('user', 'protected-staff')),
                target text NOT NULL,
                requested_by text NOT NULL,
                payload text NOT NULL,
                status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused', 'expired', 'cancelled')),
                decided_by text,
                decided_at bigint,
                created_at bigint NOT NULL,
                note text,
                CHECK (decided_by IS NULL OR decided_by <> requested_by OR status = 'cancelled'),
                CHECK ((status = 'pending') = (decided_at IS NULL))
            );
            CREATE INDEX access_change_status ON access_change (status, id);
            """),
        Migration(name: "v7-conversation-parties", sql: """
            -- Everyone who sent or received a message of each conversation (ChatMessage.participants), written by the commit,
            -- as SQLite's v9: with a single chat's parties and a group's synced members and creator, the conversation's
            -- participants for opening it, a reader's scope and search alike. Replaces conversation_sender; filled from the
            -- stored messages (one pass over every month partition).
            CREATE TABLE conversation_party (conversation text NOT NULL, party text NOT NULL, PRIMARY KEY (conversation, party));
            INSERT INTO conversation_party (conversation, party)
                SELECT DISTINCT m.conversation, p.party FROM message m, unnest(array_prepend(m.sender, m.tolist)) AS p(party)
                WHERE m.conversation IS NOT NULL;
            CREATE INDEX conversation_party_party ON conversation_party (party);
            DROP TABLE conversation_sender;
            """),
        Migration(name: "v8-cases", sql: """
            -- Cases gather messages for one matter; a case under legal hold keeps its messages and their media from any
            -- disposal. Lifting a hold takes two people: release_requested_by asks, someone else approves (as SQLite's v10).
            CREATE TABLE evidence_case (
                id text PRIMARY KEY,
                name text NOT NULL,
                description text NOT NULL DEFAULT '',
                created_by text NOT NULL,
                created_at bigint NOT NULL,
                held_since bigint,
                held_by text,
                release_requested_by text,
                release_requested_at bigint,
                CHECK (release_requested_by IS NULL OR held_since IS NOT NULL)
            );
            CREATE TABLE case_message (
                case_id text NOT NULL REFERENCES evidence_case(id),
                msgid text NOT NULL,
                added_by text NOT NULL,
                added_at bigint NOT NULL,
                PRIMARY KEY (case_id, msgid)
            );
            CREATE INDEX case_message_msgid ON case_message (msgid);
            CREATE TABLE case_export (
                id bigserial PRIMARY KEY,
                case_id text NOT NULL REFERENCES evidence_case(id),
                exported_by text NOT NULL,
                exported_at bigint NOT NULL,
                manifest_sha256 text NOT NULL,
                messages bigint NOT NULL,
                media bigint NOT NULL,
                held boolean NOT NULL
            );
            CREATE INDEX case_export_case ON case_export (case_id, id);
            """),
    ]

    /// Serializes schema changes between processes starting together.
    static let migrationLock: Int64 = 0x6368_6174_6c65_6401
    /// Serializes ledger appends (ingest, media, audit) between processes: leaf indexes stay dense and ordered.
    static let ledgerLock: Int64 = 0x6368_6174_6c65_6402
    /// Held for as long as a process ingests: at most one puller per archive.
    static let ingestLock: Int64 = 0x6368_6174_6c65_6403
    /// With a conversation's hash (two-key form): one recomputation of its reply waits at a time.
    static let replyLock: Int32 = 0x636c_7204

    /// The newest migration this binary knows.
    static var latest: String { migrations.last!.name }

    package static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS chatledger_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<String>()
            for try await name in try await connection.query("SELECT name FROM chatledger_migration", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            let known = Set(migrations.map(\.name))
            if let unknown = applied.subtracting(known).sorted().first {
                throw StorageError("the PostgreSQL archive was migrated by a newer ChatLedger (migration \(unknown)); upgrade the binary")
            }
            for migration in migrations where !applied.contains(migration.name) {
                logger.info("applying PostgreSQL migration \(migration.name)")
                // The extended protocol takes one statement at a time.
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO chatledger_migration (name) VALUES (\(migration.name))", logger: logger)
            }
        }
    }
}
