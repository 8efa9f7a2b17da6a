import ArchiveStore
import Foundation
import GRDB
import NIOCore
import PostgresNIO
import PostgresStore
import SQLiteStore

extension ArchiveMigration {
    /// The console's accounts (sessions are not carried over: everyone signs in again), protected staff, reply-timeout
    /// settings and waits, review samples and scores, and the report aggregates — so `serve` on PostgreSQL shows what
    /// it showed on the embedded archive.
    func copyConsoleTables(_ connection: PostgresConnection) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        counts["console_user"] = try await copyRows("SELECT * FROM console_user ORDER BY id", connection) { row in
            """
            INSERT INTO console_user (id, username, display_name, password_hash, roles, departments, may_unmask, disabled, failed_logins,
                                      locked_until, totp_secret, created_at, updated_at)
            VALUES (\(row["id"] as Int64), \(row["username"] as String), \(row["display_name"] as String), \(row["password_hash"] as String),
                    \(strings(row["roles"])), \(integers(row["departments"])), \((row["may_unmask"] as Int64) == 1),
                    \((row["disabled"] as Int64) == 1), \(Int32(row["failed_logins"] as Int64)), \(row["locked_until"] as Int64?),
                    \((row["totp_secret"] as Data?).map(buffer)), \(row["created_at"] as Int64), \(row["updated_at"] as Int64))
            """
        }
        counts["console_api_token"] = try await copyRows("SELECT * FROM console_api_token ORDER BY id", connection) { row in
            """
            INSERT INTO console_api_token (id, user_id, name, token_hash, created_at, revoked_at)
            VALUES (\(row["id"] as Int64), \(row["user_id"] as Int64), \(row["name"] as String), \(row["token_hash"] as String),
                    \(row["created_at"] as Int64), \(row["revoked_at"] as Int64?))
            """
        }
        counts["protected_staff"] = try await copyRows("SELECT * FROM protected_staff", connection) { row in
            """
            INSERT INTO protected_staff (userid, viewers, updated_at)
            VALUES (\(row["userid"] as String), \(strings(row["viewers"])), \(row["updated_at"] as Int64))
            """
        }
        counts["sla_settings"] = try await copyRows("SELECT * FROM sla_settings ORDER BY version", connection) { row in
            """
            INSERT INTO sla_settings (version, document, created_by, created_at)
            VALUES (\(Int32(row["version"] as Int64)), \(row["document"] as String), \(row["created_by"] as String), \(row["created_at"] as Int64))
            """
        }
        counts["sla_dirty"] = try await copyRows("SELECT * FROM sla_dirty", connection) { row in
            "INSERT INTO sla_dirty (conversation, generation) VALUES (\(row["conversation"] as String), \(row["generation"] as Int64))"
        }
        counts["sla_wait"] = try await copyRows("SELECT * FROM sla_wait", connection) { row in
            """
            INSERT INTO sla_wait (customer_msgid, conversation, customer, employee, department, waiting_since, reply_msgid, replied_by,
                                  replied_at, working_ms, target_ms, reminder_due, escalation_due, escalate_to, reminder_sent_at,
                                  escalation_sent_at, first_of_day)
            VALUES (\(row["customer_msgid"] as String), \(row["conversation"] as String), \(row["customer"] as String),
                    \(row["employee"] as String), \(row["department"] as Int64?), \(row["waiting_since"] as Int64),
                    \(row["reply_msgid"] as String?), \(row["replied_by"] as String?), \(row["replied_at"] as Int64?),
                    \(row["working_ms"] as Int64?), \(row["target_ms"] as Int64), \(row["reminder_due"] as Int64),
                    \(row["escalation_due"] as Int64), \(strings(row["escalate_to"])), \(row["reminder_sent_at"] as Int64?),
                    \(row["escalation_sent_at"] as Int64?), \((row["first_of_day"] as Int64) == 1))
            """
        }
        counts["qa_sample"] = try await copyRows("SELECT * FROM qa_sample ORDER BY id", connection) { row in
            """
            INSERT INTO qa_sample (id, conversation, employee, period, created_at)
            VALUES (\(row["id"] as Int64), \(row["conversation"] as String), \(row["employee"] as String), \(row["period"] as String),
                    \(row["created_at"] as Int64))
            """
        }
        counts["qa_score"] = try await copyRows("SELECT * FROM qa_score ORDER BY id", connection) { row in
            """
            INSERT INTO qa_score (id, sample_id, reviewer, scores, total, comment, at)
            VALUES (\(row["id"] as Int64), \(row["sample_id"] as Int64), \(row["reviewer"] as String), \(row["scores"] as String),
                    \(row["total"] as Double), \(row["comment"] as String?), \(row["at"] as Int64))
            """
        }
        for (table, keys) in [("agg_volume", ["day", "party", "role", "room"]), ("agg_topic", ["day", "employee", "topic"]),
                              ("agg_sentiment", ["day", "employee", "label"]), ("agg_violation", ["day", "employee", "category"])] {
            counts[table] = try await copyRows("SELECT * FROM \(table)", connection) { row in
                var query = DynamicQuery()
                let values = keys.map { query.bind(row[$0] as String) } + [query.bind(row["count"] as Int64)]
                return query.query("INSERT INTO \(table) (\(keys.joined(separator: ", ")), count) VALUES (\(values.joined(separator: ", ")))")
            }
        }
        counts["agg_hour"] = try await copyRows("SELECT * FROM agg_hour", connection) { row in
            """
            INSERT INTO agg_hour (day, employee, hour, count)
            VALUES (\(row["day"] as String), \(row["employee"] as String), \(Int32(row["hour"] as Int64)), \(row["count"] as Int64))
            """
        }
        counts["agg_mood"] = try await copyRows("SELECT * FROM agg_mood", connection) { row in
            """
            INSERT INTO agg_mood (day, conversation, employee, negative, scored)
            VALUES (\(row["day"] as String), \(row["conversation"] as String), \(row["employee"] as String), \(row["negative"] as Int64),
                    \(row["scored"] as Int64))
            """
        }
        counts["agg_reply"] = try await copyRows("SELECT * FROM agg_reply", connection) { row in
            """
            INSERT INTO agg_reply (day, employee, waits, answered, within, working_ms, firsts, first_working_ms)
            VALUES (\(row["day"] as String), \(row["employee"] as String), \(row["waits"] as Int64), \(row["answered"] as Int64),
                    \(row["within"] as Int64), \(row["working_ms"] as Int64), \(row["firsts"] as Int64), \(row["first_working_ms"] as Int64))
            """
        }
        counts["access_change"] = try await copyRows("SELECT * FROM access_change ORDER BY id", connection) { row in
            """
            INSERT INTO access_change (id, kind, target, requested_by, payload, status, decided_by, decided_at, created_at, note)
            VALUES (\(row["id"] as Int64), \(row["kind"] as String), \(row["target"] as String), \(row["requested_by"] as String),
                    \(row["payload"] as String), \(row["status"] as String), \(row["decided_by"] as String?), \(row["decided_at"] as Int64?),
                    \(row["created_at"] as Int64), \(row["note"] as String?))
            """
        }
        for table in ["console_user", "console_api_token", "qa_sample", "qa_score", "access_change"] {
            try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce((SELECT max(id) FROM \(table)), 0) + 1, false)
                """), logger: logger)
        }
        return counts
    }
}
