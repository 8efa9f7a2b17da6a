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

    static func temporaryFolder(_ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
