import Foundation

/// Where the console may send a browser after sign-in, a language switch or a form: only a path on this
/// console. Browsers read `/\evil.example`, `/<TAB>/evil.example` and `//evil.example` as other sites, so
/// anything beyond plain printable path characters after a single leading slash is refused.
public enum SafeRedirect {
    /// `candidate` when it is a same-origin relative path (with an optional query and fragment), else nil.
    public static func path(_ candidate: String?) -> String? {
        guard let candidate, candidate.hasPrefix("/"), candidate.utf8.count <= 2048 else { return nil }
        // Printable ASCII only (percent-encoded as links are): no controls, spaces, tabs or backslashes anywhere.
        guard candidate.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) else { return nil }
        let second = candidate.dropFirst().first
        guard second != "/" else { return nil }
        guard let components = URLComponents(string: candidate), components.scheme == nil, components.host == nil,
              components.percentEncodedPath.hasPrefix("/") else { return nil }
        return candidate
    }

    /// The path (and query) of a `Referer` that points at this console (`host` is the request's own
    /// authority), to send the browser back to; nil for another site's page or anything unsafe.
    public static func back(referer: String?, host: String?) -> String? {
        guard let referer, let host, let url = URLComponents(string: referer), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let refererHost = url.host else { return nil }
        let authority = url.port.map { "\(refererHost):\($0)" } ?? refererHost
        guard authority.lowercased() == host.lowercased() else { return nil }
        let path = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        return Self.path(path + (url.percentEncodedQuery.map { "?" + $0 } ?? ""))
    }
}
