import ArchiveModel
import Foundation
import Testing
import WeCom

/// Secrets stay out of error texts (logs, `alert_outbox.last_error`) and out of the SDK worker's environment.
@Suite struct SecretRedactionTests {
    @Test func urlSecretsAreRedacted() {
        let text = #"Error Domain=NSURLErrorDomain Code=-1004 UserInfo={NSErrorFailingURLStringKey=https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww1&corpsecret=S3CRET-value_1, NSErrorFailingURLKey=https://qyapi.weixin.qq.com/cgi-bin/user/get?access_token=TOK.en-2&userid=zhangsan}"#
        let redacted = SecretRedaction.redact(text)
        #expect(!redacted.contains("S3CRET-value_1"))
        #expect(!redacted.contains("TOK.en-2"))
        #expect(redacted.contains("corpsecret=REDACTED") && redacted.contains("access_token=REDACTED"))
        // Everything that helps diagnose the failure stays.
        #expect(redacted.contains("corpid=ww1") && redacted.contains("userid=zhangsan") && redacted.contains("Code=-1004"))
    }

    @Test(arguments: [
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx", "693a91f6-7xxx"),
        ("https://h.example/x?a=1&amp;Secret=abc123#frag", "abc123"),
        ("https://s3.example/b/o?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA%2F2024", "deadbeef"),
        ("https://s3.example/b/o?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA%2F2024", "AKIA"),
        ("call failed (url \"https://x.example/?token=t0k3n\")", "t0k3n"),
        ("https://h.example/hook?signature=sig%2Bvalue&ts=1", "sig%2Bvalue"),
        ("postgres://chatledger:pa55word@db.internal:5432/archive", "pa55word"),
        ("http://proxyuser:proxy@pass@proxy.local:3128/", "proxy@pass"),
    ])
    func eachKindOfSecretIsRedacted(text: String, secret: String) {
        #expect(!SecretRedaction.redact(text).contains(secret), "\(SecretRedaction.redact(text))")
    }

    @Test func textWithoutSecretsIsUnchanged() {
        for text in ["message/send: HTTP 502", "https://qyapi.weixin.qq.com/cgi-bin/user/get?userid=a&department=2",
                     "errcode 40014 (invalid access_token): fetch a new token", "http://127.0.0.1:8080/alerts/3", "", "中文 key 说明"] {
            #expect(SecretRedaction.redact(text) == text)
        }
        #expect(SecretRedaction.redact("postgres://chatledger:pw@db/x") == "postgres://chatledger:REDACTED@db/x")
    }

    /// A transport failing the way URLSession does: its error names the URL it called.
    struct FailingTransport: HTTPTransport {
        struct Failure: Error, CustomStringConvertible {
            var url: URL
            var description: String { "Could not connect to the server (NSErrorFailingURLStringKey=\(url.absoluteString))" }
        }

        func send(method: String, url: URL, body: [UInt8]?, headers: [String: String]) async throws -> (status: Int, body: [UInt8]) {
            throw Failure(url: url)
        }
    }

    @Test func apiErrorsNeverCarryTheCorpSecret() async throws {
        let client = WeComAPIClient(baseURL: URL(string: "http://127.0.0.1:9/cgi-bin/")!, corpID: "ww1", secret: "corp-secret-XYZ",
                                    transport: FailingTransport())
        do {
            _ = try await client.permittedUsers()
            Issue.record("an unreachable WeCom answered")
        } catch {
            #expect(!error.description.contains("corp-secret-XYZ"), "\(error.description)")
            #expect(error.message.contains("corpsecret=REDACTED") && error.message.contains("unreachable"))
        }
    }

    @Test func theSDKWorkerInheritsNoSecrets() {
        let parent = [
            "PATH": "/usr/bin:/bin", "HOME": "/home/chatledger", "LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8",
            "LD_LIBRARY_PATH": "/opt/sdk", "https_proxy": "http://proxy:3128",
            "CHATLEDGER_MASTER_KEY": "bWFzdGVyIGtleQ==", "CHATLEDGER_DATABASE_URL": "postgres://u:pw@db/x", "DATABASE_URL": "postgres://u:pw@db/x",
            "CHATLEDGER_BLOBS_URL": "s3://bucket", "CHATLEDGER_WECOM_ARCHIVE_SECRET": "archive-secret", "CHATLEDGER_WECOM_SECRET": "app-secret",
            "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token", "PGPASSWORD": "pw",
            "FINANCE_DOUBLE_DIR": "/tmp/corp",
        ]
        let environment = FinanceSDKWorkerClient.workerEnvironment(inherited: parent, extra: ["FINANCE_DOUBLE_SECRET": "s"])
        #expect(environment["PATH"] == "/usr/bin:/bin" && environment["LD_LIBRARY_PATH"] == "/opt/sdk" && environment["LC_ALL"] == "C.UTF-8")
        #expect(environment["https_proxy"] == "http://proxy:3128")
        #expect(environment["FINANCE_DOUBLE_DIR"] == "/tmp/corp" && environment["FINANCE_DOUBLE_SECRET"] == "s")
        for name in environment.keys {
            #expect(!name.hasPrefix("CHATLEDGER_") && !name.hasPrefix("AWS_") && !name.contains("DATABASE") && name != "PGPASSWORD",
                    "the worker inherits \(name)")
        }
        #expect(environment["CHATLEDGER_MASTER_KEY"] == nil && environment["AWS_SECRET_ACCESS_KEY"] == nil && environment["DATABASE_URL"] == nil)
    }
}
