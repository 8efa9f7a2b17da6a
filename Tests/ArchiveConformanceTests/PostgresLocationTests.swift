import ArchiveStore
import PostgresStore
import Testing

/// Reading a PostgreSQL URL needs no server: TLS is required off this machine unless the URL disables it explicitly.
@Suite struct PostgresLocationTests {
    @Test(arguments: ["db.internal", "10.0.0.5", "pg.example.com", "[2001:db8::1]"])
    func aRemoteServerRequiresTLSByDefault(host: String) throws {
        #expect(try PostgresLocation(url: "postgres://chatledger:pw@\(host):5432/archive").sslMode == "require")
        // `prefer` falls back to clear text when a man in the middle says the server has no TLS: not for a remote host.
        #expect(try PostgresLocation(url: "postgres://chatledger:pw@\(host):5432/archive?sslmode=prefer").sslMode == "require")
        #expect(try PostgresLocation(url: "postgres://chatledger:pw@\(host):5432/archive?sslmode=verify-full").sslMode == "require")
    }

    @Test func onlyAnExplicitDisableTurnsTLSOffForARemoteServer() throws {
        #expect(try PostgresLocation(url: "postgres://chatledger:pw@db.internal/archive?sslmode=disable").sslMode == "disable")
    }

    @Test(arguments: ["127.0.0.1", "localhost", "[::1]"])
    func aLocalServerKeepsLibpqsDefault(host: String) throws {
        #expect(try PostgresLocation(url: "postgres://chatledger:pw@\(host):5432/archive").sslMode == "prefer")
        #expect(try PostgresLocation(url: "postgres://chatledger:pw@\(host):5432/archive?sslmode=require").sslMode == "require")
        #expect(try PostgresLocation(url: "postgres://chatledger:pw@\(host):5432/archive?sslmode=disable").sslMode == "disable")
    }

    @Test func unknownModesAreRefused() {
        #expect(throws: StorageError.self) { try PostgresLocation(url: "postgres://u@db.internal/archive?sslmode=allow") }
        #expect(throws: StorageError.self) { try PostgresLocation(url: "postgres://u@db.internal/archive?sslmode=verify-ca") }
    }

    @Test func theDescriptionHoldsNoPassword() throws {
        #expect(!(try PostgresLocation(url: "postgres://chatledger:s3cret@db.internal/archive").description.contains("s3cret")))
    }
}
