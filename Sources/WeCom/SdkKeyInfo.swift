/// The inner key record of a `DecryptData` envelope (protobuf `SdkKeyInfo` in the Finance SDK).
public struct SdkKeyInfo: Sendable, Hashable {
    /// The AES key (as ASCII text) of the message body.
    public var k1: String
    /// Junk characters after the 45-character header.
    public var preLength: Int
    /// Junk characters at the end.
    public var endLength: Int
    /// Length of the leading slice, and of the junk run that follows it.
    public var sliceLength: Int

    public init(k1: String, preLength: Int, endLength: Int, sliceLength: Int) {
        self.k1 = k1
        self.preLength = preLength
        self.endLength = endLength
        self.sliceLength = sliceLength
    }

    init(protobuf: [UInt8]) throws(WeComError) {
        var reader = ProtobufReader(protobuf)
        var info = SdkKeyInfo(k1: "", preLength: 0, endLength: 0, sliceLength: 0)
        for (number, value) in try reader.fields() {
            switch number {
            case 1: info.k1 = value.string ?? ""
            case 2: info.preLength = Int(Int32(truncatingIfNeeded: value.integer ?? 0))
            case 3: info.endLength = Int(Int32(truncatingIfNeeded: value.integer ?? 0))
            case 4: info.sliceLength = Int(Int32(truncatingIfNeeded: value.integer ?? 0))
            default: continue
            }
        }
        self = info
    }

    /// The protobuf encoding, field order as the SDK writes it.
    public var protobuf: [UInt8] {
        var writer = ProtobufWriter()
        writer.string(1, k1)
        writer.integer(2, Int64(preLength))
        writer.integer(3, Int64(endLength))
        writer.integer(4, Int64(sliceLength))
        return writer.bytes
    }
}
