/// One message the simulated corp produced: its archive seq, id, exact JSON and any attachment bytes.
public struct SimulatedMessage: Sendable {
    public var seq: UInt64
    public var msgid: String
    public var json: [UInt8]
    /// Attachments by sdkfileid.
    public var media: [String: [UInt8]]
    /// The risk category when the simulator planted a violation (for checking detectors later).
    public var plantedRisk: String?
}
