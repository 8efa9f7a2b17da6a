import ArchiveModel
import Foundation
import Testing

/// A number beyond `Double`'s range (`1e999999`) is kept as its literal: never an infinity that no JSON encoder can
/// write (the message API answered 500 for such a message).
@Suite struct HugeNumberTests {
    @Test(arguments: ["1e999999", "-1e999999", "1E+400", "123456789e999"])
    func aNumberBeyondDoubleKeepsItsLiteral(literal: String) throws {
        let value = try JSONValue.parse(Array(literal.utf8))
        #expect(value == .number(literal))
        #expect(value.stringValue == literal)
        #expect(value.doubleValue == nil)
        #expect(value.int64Value == nil)
    }

    @Test func finiteNumbersAreUnchanged() throws {
        #expect(try JSONValue.parse(Array("1e3".utf8)) == .double(1000))
        #expect(try JSONValue.parse(Array("1e-999999".utf8)) == .double(0))
        #expect(try JSONValue.parse(Array("-2.5".utf8)) == .double(-2.5))
        #expect(try JSONValue.parse(Array("1.7976931348623157e308".utf8)) == .double(.greatestFiniteMagnitude))
    }

    @Test func aMessageHoldingOneEncodesAsValidJSON() throws {
        let raw = #"{"msgid":"m1","msgtype":"location","location":{"longitude":1e999999,"latitude":-1e999999,"zoom":15,"title":"x"}}"#
        let message = try JSONValue.parse(Array(raw.utf8))
        #expect(message["location"]?["longitude"] == .number("1e999999"))
        #expect(message["location"]?["latitude"]?.doubleValue == nil)

        // What the API does with a payload: encode it (sorted keys, as the console's encoder may).
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let encoded = try encoder.encode(message)
        let reread = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        let location = try #require(reread["location"] as? [String: Any])
        #expect(location["longitude"] as? String == "1e999999")
        #expect(location["latitude"] as? String == "-1e999999")
        #expect(location["zoom"] as? Int == 15)

        // Our own parser reads the encoding back, and the literal survives the round trip.
        let again = try JSONValue.parse(Array(encoded))
        #expect(again["location"]?["longitude"]?.stringValue == "1e999999")
        #expect(again["location"]?["title"] == .string("x"))
    }

    @Test func aNonFiniteDoubleMadeInCodeStillEncodes() throws {
        let encoded = try JSONEncoder().encode(JSONValue.array([.double(.infinity), .double(-.infinity), .double(.nan)]))
        #expect(try JSONSerialization.jsonObject(with: encoded) is [Any])
    }
}
