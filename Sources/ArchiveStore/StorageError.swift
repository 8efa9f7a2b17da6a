import Foundation

/// A storage failure with what to do about it.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The archive's database cannot be reached just now (a server down, restarting or gone): worth retrying, not a
    /// fault of the request. The console answers 503 for it.
    public var unavailable: Bool
    /// What was asked for does not exist (a user, a sample …): the request named it wrongly. The console answers 404.
    public var notFound: Bool
    public init(_ message: String, unavailable: Bool = false, notFound: Bool = false) {
        self.message = message
        self.unavailable = unavailable
        self.notFound = notFound
    }
    public var description: String { message }
}
