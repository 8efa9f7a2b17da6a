import ArchiveStore
import Console
import Foundation
import HTTPTypes
import HummingbirdTesting
import Ingest
import NIOCore
import Risk
import Simulator
import Testing
import TextKit
import WeCom

/// A reader without unmask never sees a whole phone, ID-card or bank-card number — on any surface that shows
/// content, however the number is spelled, and however the search highlights it.
@Suite(.serialized) struct MaskingSurfacesTests {
    static let phone = "13812345678"
    static let idCard = "110101199003071234"
    static let bankCard = "6228480402564890018"

    /// Evasive spellings of the simulator's planted numbers, generated from their digits.
    static func spellings(_ digits: String) -> [String] {
        let characters = Array(digits)
        let fullWidth = String(characters.map { Character(Unicode.Scalar($0.unicodeScalars.first!.value - 0x30 + 0xFF10)!) })
        let numerals = Array("〇一二三四五六七八九")
        let chinese = String(characters.map { numerals[Int(String($0))!] })
        func grouped(_ separator: String) -> String {
            stride(from: 0, to: characters.count, by: 4).map { String(characters[$0..<min($0 + 4, characters.count)]) }.joined(separator: separator)
        }
        let mixed = String(characters.enumerated().map { index, character in index % 3 == 1 ? Array(fullWidth)[index] : character })
        return [digits, grouped(" "), grouped("-"), grouped("."), grouped("*"), grouped("  "), grouped("【】"), grouped("\u{3000}"),
                grouped(" - "), fullWidth, chinese, mixed, "【" + digits.prefix(5) + "】" + digits.dropFirst(5)]
    }

    static let planted = [phone, idCard, bankCard]

    /// Whether `body` spells out a planted number, read exactly as the masker and the risk scanner read numbers
    /// (markup removed first: a highlight tag must not split what a person reads as one number).
    static func leaks(_ body: String) -> String? {
        let text = body.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "&#x2F;", with: "/").replacingOccurrences(of: "&amp;", with: "&")
        for run in NumberReader.runs(TextNormalizer.normalize(text)) {
            let digits = String(decoding: run.digits, as: UTF8.self)
            if let number = planted.first(where: { digits.contains($0) }) { return number }
        }
        return nil
    }

    @Test func aMaskedReaderNeverSeesAWholeNumberOnAnySurface() async throws {
        let fixture = try await ConsoleFixture.make(messages: 200, seed: 909)
        let employee = fixture.corp.employees.first { $0.userID != fixture.protectedEmployee }!.userID
        let customer = fixture.corp.customers[0].externalUserID
        var lines: [String] = []
        let texts = Self.planted.flatMap(Self.spellings).map { "客户资料 \($0) 请收好" }
            + ["手机 " + Self.spellings(Self.phone).joined(separator: "，以及 ")]
        for (index, text) in texts.enumerated() {
            lines.append(Self.message(id: "mask-\(index)", from: employee, to: customer, index: index, type: "text",
                                      payload: #"{"content":"\#(text)"}"#))
        }
        lines.append(Self.message(id: "mask-file", from: employee, to: customer, index: 900, type: "file",
                                  payload: #"{"md5sum":"00","filename":"名单_138-1234-5678.xlsx","fileext":"xlsx","filesize":10,"sdkfileid":"x"}"#))
        lines.append(Self.message(id: "mask-link", from: employee, to: customer, index: 901, type: "link",
                                  payload: #"{"title":"资料 13812345678","description":"身份证110101199003071234","link_url":"https://example.com/p?m=13812345678","image_url":""}"#))
        var pipeline = IngestPipeline(store: fixture.store, opener: EnvelopeOpener(keyRing: PrivateKeyRing()))
        pipeline.risk = RiskAnalysis(scanner: RiskScanner(policy: .builtIn), policyVersion: 1, channels: [])
        _ = try await pipeline.importMessages(lines.map { Array($0.utf8) })

        try await fixture.withClient { client in
            let auditor = try await client.login("auditor")
            let admin = try await client.login("admin")
            let unmasker = try await client.login("unmasker")
            // The control: the same surfaces do spell the numbers out for a reader who may unmask, so the
            // check below can see a leak when there is one.
            let (_, clear) = try await client.json("/api/v1/messages/mask-0", token: unmasker)
            #expect(Self.leaks(String(describing: clear as Any)) == Self.phone)

            let (_, first) = try await client.json("/api/v1/messages/mask-0", token: auditor)
            let conversation = try #require((first as? [String: Any])?["conversation"] as? String)
            let path = conversation.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            var surfaces = ["/api/v1/conversations/\(path)/messages?limit=1000", "/conversations/\(path)",
                            "/customers/\(customer)", "/api/v1/customers/\(customer)", "/api/v1/messages/mask-file",
                            "/api/v1/messages/mask-link"]
            for index in texts.indices { surfaces.append("/api/v1/messages/mask-\(index)") }
            // Digit by digit and by fragments: every highlight lands on masked text.
            for term in (0...9).map(String.init) + ["138", "1234", "5678", "110101", "1990", "6228", "0307"] {
                surfaces.append("/api/v1/search?limit=200&q=\(term)")
                surfaces.append("/search?q=\(term)")
            }
            let (_, alerts) = try await client.json("/api/v1/alerts", token: auditor)
            for alert in ((alerts as? [String: Any])?["items"] as? [[String: Any]]) ?? [] {
                if let id = alert["id"] as? Int { surfaces += ["/api/v1/alerts/\(id)", "/alerts/\(id)"] }
            }
            surfaces += ["/api/v1/reports/negative-conversations.csv", "/api/v1/reports/volume-employees.csv", "/api/v1/alerts?limit=1000", "/alerts",
                         "/api/v1/reports", "/reports", "/api/v1/conversations?limit=500", "/conversations", "/customers"]
            for uri in surfaces {
                let response = try await client.get(uri, token: auditor)
                #expect(response.status.code < 500, "\(uri)")
                let body = String(buffer: response.body)
                #expect(Self.leaks(body) == nil, "\(uri) spells out \(Self.leaks(body) ?? "")")
            }
            // Which messages a digit search finds, and how many, must not spell a masked number out either: the
            // middle digits match nothing for the masked reader, while the unmasking auditor finds the message.
            for fragment in ["3812345", "81234", "0307123", "2564890"] {
                let (_, masked) = try await client.json("/api/v1/search?limit=200&q=\(fragment)", token: auditor)
                let hits = ((masked as? [String: Any])?["hits"] as? [[String: Any]]) ?? []
                #expect(!hits.contains { ($0["msgid"] as? String)?.hasPrefix("mask-") == true }, "q=\(fragment) finds a masked number")
                let (_, clearResult) = try await client.json("/api/v1/search?limit=200&q=\(fragment)", token: unmasker)
                #expect(((clearResult as? [String: Any])?["total"] as? Int ?? 0) > 0, "the control finds q=\(fragment)")
            }
            #expect(try await client.get("/api/v1/search?q=%E5%AE%A2%E6%88%B7%20-1234", token: auditor).status == .badRequest)
            // The searches above are audited with their terms; an audit reader without unmask sees them masked.
            _ = try await client.get("/api/v1/search?q=\(Self.phone)", token: auditor)
            for uri in ["/api/v1/audit?limit=1000", "/audit"] {
                let body = String(buffer: try await client.get(uri, token: admin).body)
                #expect(Self.leaks(body) == nil, "\(uri) spells out a searched number")
            }
            let (_, audit) = try await client.json("/api/v1/audit?limit=1000&action=search", token: unmasker)
            #expect(Self.leaks(String(describing: audit as Any)) == Self.phone, "the unmasking auditor sees the term as searched")
        }
    }

    static func message(id: String, from: String, to: String, index: Int, type: String, payload: String) -> String {
        #"{"msgid":"\#(id)","action":"send","from":"\#(from)","tolist":["\#(to)"],"roomid":"","msgtime":\#(1_764_000_000_000 + index * 1000),"msgtype":"\#(type)","\#(type)":\#(payload)}"#
    }
}
