import Console
import Foundation
import Testing

/// Session cookies are `Secure` by default wherever the console can be reached from the network.
@Suite struct SecureCookieDefaultTests {
    @Test(arguments: ["0.0.0.0", "::", "192.168.1.20", "console.example.com", "10.0.0.1"])
    func aConsoleOnTheNetworkMarksItsCookieSecure(host: String) throws {
        let config = try ConsoleConfig.load(path: nil, environment: ["CHATLEDGER_HOST": host])
        #expect(config.secureCookies)
        var built = ConsoleConfig()
        built.host = host
        #expect(built.secureCookies)
    }

    @Test(arguments: ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.1.1"])
    func aLoopbackConsoleDoesNot(host: String) throws {
        let config = try ConsoleConfig.load(path: nil, environment: ["CHATLEDGER_HOST": host])
        #expect(!config.secureCookies)
        #expect(!ConsoleConfig().secureCookies)
    }

    @Test func anExplicitSettingWins() throws {
        let open = try ConsoleConfig.load(path: nil, environment: ["CHATLEDGER_HOST": "0.0.0.0", "CHATLEDGER_SECURE_COOKIES": "false"])
        #expect(!open.secureCookies)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).json")
        try Data(#"{"host": "0.0.0.0", "secureCookies": false}"#.utf8).write(to: file)
        #expect(try !ConsoleConfig.load(path: file.path, environment: [:]).secureCookies)
        try Data(#"{"host": "127.0.0.1", "secureCookies": true}"#.utf8).write(to: file)
        #expect(try ConsoleConfig.load(path: file.path, environment: [:]).secureCookies)
        try Data(#"{"host": "0.0.0.0"}"#.utf8).write(to: file)
        #expect(try ConsoleConfig.load(path: file.path, environment: [:]).secureCookies)
        var config = ConsoleConfig()
        config.secureCookies = true
        #expect(config.secureCookies)
    }

    @Test func theAlertStreamRecheckIntervalIsValidated() throws {
        #expect(try ConsoleConfig.load(path: nil, environment: [:]).alertStreamRecheckSeconds == 5)
        #expect(try ConsoleConfig.load(path: nil, environment: ["CHATLEDGER_ALERT_STREAM_RECHECK_SECONDS": "2.5"]).alertStreamRecheckSeconds == 2.5)
        #expect(throws: ConsoleConfigError.self) { try ConsoleConfig.load(path: nil, environment: ["CHATLEDGER_ALERT_STREAM_RECHECK_SECONDS": "0"]) }
        #expect(throws: ConsoleConfigError.self) { try ConsoleConfig.load(path: nil, environment: ["CHATLEDGER_ALERT_STREAM_RECHECK_SECONDS": "soon"]) }
    }
}
