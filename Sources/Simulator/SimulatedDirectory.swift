/// The corp's directory in the shapes WeCom's HTTP APIs answer with (department/list, user/get, …).
public struct SimulatedDirectory: Sendable {
    public var corp: SimulatedCorp
    public init(corp: SimulatedCorp) { self.corp = corp }
}
