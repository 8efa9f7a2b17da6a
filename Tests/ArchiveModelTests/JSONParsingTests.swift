import ArchiveModel
import Foundation
import Testing

@Suite struct JSONParsingTests {
    @Test func parsesWhatFoundationParses() throws {
        let text = #"{"a":[1,-2,3.5,true,false,null],"b":{"c":"d\"e\\f\/g\u4e2d\ud83d\ude00","n":18446744073709551615,"m":-9223372036854775808},"e":""}"#
        let ours = try JSONValue.parse(Array(text.utf8))
        let theirs = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == theirs)
        #expect(ours["b"]?["c"]?.stringValue == "d\"e\\f/g中😀")
        #expect(ours["b"]?["n"] == .unsignedInteger(UInt64.max))
        #expect(ours["b"]?["m"] == .integer(Int64.min))
        #expect(try JSONValue.parse(Array("1e3".utf8)).doubleValue == 1000)
    }

    @Test func rawControlCharactersStayInStrings() throws {
        let bytes = Array(#"{"t":"a"#.utf8) + [0x01, 0x0A] + Array(#"b"}"#.utf8)
        #expect(try JSONValue.parse(bytes)["t"]?.stringValue == "a\u{01}\nb")
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "01x", "{} {}", "[\"\\x\"]", "-"])
    func rejectsBrokenJSON(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }
}
