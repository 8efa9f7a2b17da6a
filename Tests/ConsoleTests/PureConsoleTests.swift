import ArchiveStore
import Console
import Foundation
import Insights
import Testing
import TextKit

@Suite struct AccessPolicyTests {
    func principal(_ roles: [String], _ departments: [Int64], name: String = "reader") -> Principal {
        Principal(user: ConsoleUser(username: name, displayName: name, passwordHash: "", roles: roles, departments: departments),
                  credential: .apiToken)
    }

    // Departments: 1 root ← 2 finance ← 3 wealth; 1 ← 4 education.
    let directory: [String: Set<Int64>] = ["ann": [3, 2, 1], "bob": [2, 1], "cat": [4, 1], "vip": [3, 2, 1]]
    let protected: [String: Set<String>] = ["vip": ["chief"]]

    @Test func separationOfDutiesKeepsAdministratorsOutOfContent() {
        let admin = AccessPolicy(principal: principal(["admin"], [1]), employeeDepartments: directory, protectedStaff: protected)
        #expect(!admin.mayRead(participants: ["ann", "customer"]))
        #expect(admin.may(.administer) && !admin.may(.readContent))
        let both = AccessPolicy(principal: principal(["admin", "auditor"], [1]), employeeDepartments: directory, protectedStaff: protected)
        #expect(both.mayRead(participants: ["ann", "customer"]))
    }

    @Test func scopeIncludesSubDepartmentsAndNothingElse() {
        let manager = AccessPolicy(principal: principal(["manager"], [2]), employeeDepartments: directory, protectedStaff: protected)
        #expect(manager.mayRead(participants: ["ann", "c1"]))
        #expect(manager.mayRead(participants: ["bob", "c1"]))
        #expect(!manager.mayRead(participants: ["cat", "c1"]))
        // vip is in scope but protected: hidden whatever the scope.
        #expect(manager.visibleStaff == ["ann", "bob", "vip"] && manager.hiddenStaff == ["vip"])
        #expect(!manager.mayRead(participants: ["vip", "c1"]))
    }

    @Test func protectedStaffAreVisibleOnlyToTheUsersNamedForThem() {
        let auditor = AccessPolicy(principal: principal(["auditor"], [1]), employeeDepartments: directory, protectedStaff: protected)
        #expect(!auditor.mayRead(participants: ["vip", "c1"]))
        #expect(!auditor.mayRead(participants: ["ann", "vip", "c1"]))
        let chief = AccessPolicy(principal: principal(["auditor"], [4], name: "chief"), employeeDepartments: directory, protectedStaff: protected)
        #expect(chief.mayRead(participants: ["vip", "c1"]))
        #expect(!chief.mayRead(participants: ["ann", "c1"]))
        let viewer = AccessPolicy(principal: principal(["viewer"], [1], name: "chief"), employeeDepartments: directory, protectedStaff: protected)
        #expect(!viewer.mayRead(participants: ["vip", "c1"]))
    }

    @Test func piiIsMaskedUnlessGranted() {
        #expect(AccessPolicy(principal: principal(["auditor"], [1]), employeeDepartments: [:], protectedStaff: [:]).masksPII)
    }
}

@Suite struct PIIMaskerTests {
    @Test(arguments: [
        ("我手机13812345678，随时联系", "我手机138****5678，随时联系"),
        ("138 1234 5678", "138 **** 5678"),
        ("身份证 11010119900307123X 请核对", "身份证 110***********123X 请核对"),
        ("卡号 6228480402564890018", "卡号 622************0018"),
        ("订单金额 1999 元，2026-11-27 发货", "订单金额 1999 元，2026-11-27 发货"),
        ("客服 400-820-8820", "客服 400-820-8820"),
        // Read as the risk scanner reads numbers: full width, numerals, several separators, highlight marks.
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("一三八一二三四五六七八", "一三八****五六七八"),
        ("138  1234  5678", "138  ****  5678"),
        ("138.1234.5678", "138.****.5678"),
        ("138*1234*5678", "138******5678"),
        ("138【1234】5678", "138【****】5678"),
    ])
    func masksPersonalNumbersOnly(input: String, expected: String) {
        #expect(PIIMasker.mask(input) == expected)
    }
}

@Suite struct ConsoleConfigTests {
    @Test func theFileIsReadAndTheEnvironmentOverridesIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).json")
        try Data(#"{"port": 9000, "secureCookies": true, "language": "en"}"#.utf8).write(to: file)
        let config = try ConsoleConfig.load(path: file.path, environment: ["CHATLEDGER_PORT": "9100", "CHATLEDGER_DATA": "/srv/archive"])
        #expect(config.port == 9100 && config.secureCookies && config.language == "en" && config.data == "/srv/archive")
        #expect(config.host == "127.0.0.1")
    }

    @Test func alertChannelsAreConfiguredWithSecretsFromTheEnvironment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).json")
        let json = #"{"alerts": {"wecomApp": {"corpID": "ww1", "secret": "in-file", "agentID": 1000002, "toUsers": ["risk"]},"#
            + #" "robotURL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "webhook": {"url": "https://x.example/h", "secret": "s"}}}"#
        try Data(json.utf8).write(to: file)
        let config = try ConsoleConfig.load(path: file.path, environment: ["CHATLEDGER_WECOM_SECRET": "from-env"])
        #expect(config.alerts?.wecomApp?.secret == "from-env" && config.alerts?.wecomApp?.toUsers == ["risk"])
        #expect(config.alerts?.webhook?.url == "https://x.example/h")
        try Data(#"{"alerts": {"robotURL": "not a url"}}"#.utf8).write(to: file)
        #expect(throws: ConsoleConfigError.self) { try ConsoleConfig.load(path: file.path, environment: [:]) }
    }

    @Test func theDocumentedExampleLoads() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/chatledger.example.json")
        let config = try ConsoleConfig.load(path: example.path, environment: [:])
        #expect(config.port == 8080 && config.secureCookies && config.alerts?.wecomApp?.agentID == 1000002)
        #expect(config.tsaURL != nil && config.callback?.corpID == "wwCORPID")
    }

    @Test func theCallbackAndTimestampAuthorityAreCheckedAndTheirSecretsComeFromTheEnvironment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("callback-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"callback": {"token": "file", "encodingAESKey": "short", "corpID": "ww1"}}"#.utf8).write(to: file)
        #expect(throws: ConsoleConfigError.self) { try ConsoleConfig.load(path: file.path, environment: [:]) }
        let key = String(repeating: "k", count: 43)
        let config = try ConsoleConfig.load(path: file.path, environment: ["CHATLEDGER_CALLBACK_AES_KEY": key, "CHATLEDGER_CALLBACK_TOKEN": "env",
                                                                           "CHATLEDGER_TSA_URL": "http://tsa.example/"])
        #expect(config.callback == ConsoleConfig.Callback(token: "env", encodingAESKey: key, corpID: "ww1"))
        #expect(config.tsaURL == "http://tsa.example/")
        // The secrets may live only in the environment.
        try Data(#"{"callback": {"corpID": "ww2"}}"#.utf8).write(to: file)
        #expect(throws: ConsoleConfigError.self) { try ConsoleConfig.load(path: file.path, environment: [:]) }
        let fromEnvironment = try ConsoleConfig.load(path: file.path, environment: ["CHATLEDGER_CALLBACK_AES_KEY": key,
                                                                                    "CHATLEDGER_CALLBACK_TOKEN": "env"])
        #expect(fromEnvironment.callback == ConsoleConfig.Callback(token: "env", encodingAESKey: key, corpID: "ww2"))
        // Without a callback in the file, the variables add none (a corp id is needed too).
        #expect(try ConsoleConfig.load(path: nil, environment: ["CHATLEDGER_CALLBACK_TOKEN": "env"]).callback == nil)
        #expect(throws: ConsoleConfigError.self) { try ConsoleConfig.load(path: nil, environment: ["CHATLEDGER_TSA_URL": "not a url"]) }
    }

    @Test func mistakesAreNamed() throws {
        #expect(throws: ConsoleConfigError.self) { try ConsoleConfig.load(path: nil, environment: ["CHATLEDGER_PORT": "eighty"]) }
        #expect(throws: ConsoleConfigError.self) { try ConsoleConfig.load(path: "/nonexistent/config.json", environment: [:]) }
        #expect(throws: ConsoleConfigError.self) { try ConsoleConfig.load(path: nil, environment: ["CHATLEDGER_LANGUAGE": "fr"]) }
    }
}

/// Server-drawn charts are the only markup a page inserts unescaped, and only as `SafeHTML` (made by `Insights`).
@Suite struct SafeMarkupTests {
    @Test func onlyTheBodyAndChartsAreUnescapedInTheTemplates() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Console/PageTemplates.swift"), encoding: .utf8)
        var names: Set<String> = []
        var rest = source[...]
        while let open = rest.range(of: "{{{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}}") else { break }
            let name = String(after[..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { names.insert(name) }  // the file's doc comment writes `{{{ }}}`
            rest = after[close.upperBound...]
        }
        #expect(names == Set(["body"]).union(TemplateValues.unescapedKeys), "\(names)")
    }

    @Test func aStringUnderAnUnescapedKeyIsEscapedAndSafeHTMLPassesUnchanged() throws {
        let chart = SVGChart.bars([("a", 1)])
        let values = TemplateValues.trustingOnlySafeHTML([
            "svg": "<script>alert(1)</script>",
            "charts": [["svg": chart, "title": "<b>"], ["svg": "<img src=x onerror=alert(1)>"]],
        ]) as? [String: Any]
        #expect(values?["svg"] as? String == "&lt;script&gt;alert(1)&lt;/script&gt;")
        let charts = values?["charts"] as? [[String: Any]]
        #expect((charts?[0]["svg"] as? SafeHTML) == chart && charts?[0]["title"] as? String == "<b>")
        #expect((charts?[1]["svg"] as? String)?.contains("<img") == false)
    }
}
