import Foundation

/// Runs the built `chatledger` binary the way a user does.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: String {
        get throws {
            for candidate in [".build/debug/chatledger", ".build/x86_64-unknown-linux-gnu/debug/chatledger"] {
                let path = packageRoot.appendingPathComponent(candidate).path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "build the chatledger executable first (swift build)"])
        }
    }

    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
        var json: Any? { try? JSONSerialization.jsonObject(with: stdout) }
    }

    @discardableResult
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Output {
        let process = try start(arguments)
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        let out = Pipe()
        let inputPipe = Pipe()
        if input != nil { process.standardInput = inputPipe }
        // Standard error goes to a file: reading two pipes one after the other can deadlock on a chatty child.
        let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).err").path
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let errorFile = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardOutput = out
        process.standardError = errorFile
        try process.run()
        try out.fileHandleForWriting.close()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        let stdout = readAll(out.fileHandleForReading.fileDescriptor)
        process.waitUntilExit()
        try errorFile.close()
        let stderr = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: errorPath)
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Reads a descriptor to its end, retrying reads a signal interrupted (children exiting send SIGCHLD).
    static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return data
            }
        }
    }

    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary)
        process.arguments = arguments
        return process
    }

    /// A loopback port nobody listens on now: the kernel's pick for a socket bound to port 0 (random picks collided
    /// with servers other tests had started).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : 20_000 + Int.random(in: 0..<20_000)
    }

    static func temporaryFolder(_ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
