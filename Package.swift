// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ChatLedger",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chatledger", targets: ["chatledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", exact: "0.9.20"),
    ],
    targets: [
        // MARK: - core (pure: no I/O)
        .target(name: "ArchiveModel", swiftSettings: swiftSettings),
        .target(name: "TextKit", swiftSettings: swiftSettings),
        .target(name: "Risk", dependencies: ["TextKit", "ArchiveModel"], swiftSettings: swiftSettings),
        .target(name: "Quality", swiftSettings: swiftSettings),
        .target(name: "Insights", swiftSettings: swiftSettings),
        .target(name: "Ledger", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        // How a message reads on a page (console, evidence transcript): blocks per msgtype, names, masking, words.
        .target(name: "Presentation", dependencies: ["ArchiveModel", "ArchiveStore", "TextKit"], swiftSettings: swiftSettings),
        // Domain rules both engines execute (alert grouping, responsible employee, recall linking, consent, participants).
        .target(name: "Decisions", dependencies: ["ArchiveModel", "Risk"], swiftSettings: swiftSettings),

        // MARK: - adapters
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "WeCom",
            dependencies: [
                "ArchiveModel", "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The storage interface: protocols, record types, sealing format. No database driver.
        .target(
            name: "ArchiveStore",
            dependencies: [
                "ArchiveModel", "Decisions", "Ledger", "TextKit",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Cases, legal holds and evidence packages: export, the package format and its verifier.
        .target(
            name: "Evidence",
            dependencies: [
                "ArchiveModel", "ArchiveStore", "Ledger", "Presentation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("Resources/verify.py"), .copy("Resources/README.txt")],
            swiftSettings: swiftSettings
        ),
        // MARK: - engines (the only modules that import a database driver)
        .target(
            name: "SQLiteStore",
            dependencies: [
                "ArchiveModel", "ArchiveStore", "Decisions", "Ledger", "TextKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API, for verify's scan of every search-index entry (one call per token of the archive).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostgresStore",
            dependencies: [
                "ArchiveModel", "Ledger", "TextKit", "ArchiveStore", "Decisions",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Copies an embedded archive into PostgreSQL: the one place both drivers meet.
        .target(
            name: "StoreMigration",
            dependencies: [
                "ArchiveModel", "Ledger", "ArchiveStore", "SQLiteStore", "PostgresStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ObjectStorage",
            dependencies: [
                "ArchiveStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Search",
            dependencies: ["ArchiveModel", "TextKit", "ArchiveStore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Alerts",
            dependencies: [
                "ArchiveModel", "ArchiveStore", "WeCom", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Ingest",
            dependencies: [
                "ArchiveModel", "WeCom", "ArchiveStore", "Decisions", "Ledger", "Risk", "Quality", "Insights",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/sentiment.model")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Simulator",
            dependencies: [
                "ArchiveModel", "WeCom",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "Console",
            dependencies: [
                "ArchiveModel", "ArchiveStore", "Search", "Ledger", "TextKit", "Risk", "WeCom", "Quality", "Ingest", "Insights", "Presentation", "Evidence",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - app
        .executableTarget(
            name: "chatledger",
            dependencies: [
                "ArchiveModel", "WeCom", "ArchiveStore", "Ingest", "Simulator", "Ledger", "Search", "TextKit", "Risk", "Alerts", "Console", "Quality", "Insights",
                "Evidence", "SQLiteStore", "PostgresStore", "StoreMigration", "ObjectStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - tests
        .testTarget(
            name: "ArchiveConformanceTests",
            dependencies: [
                "SQLiteStore", "ArchiveStore", "PostgresStore", "StoreMigration", "ObjectStorage", "Search", "Ingest", "Simulator", "WeCom", "ArchiveModel", "Ledger", "Alerts",
                "Evidence",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ObjectStorageTests",
            dependencies: [
                "ObjectStorage", "ArchiveStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ArchiveModelTests", dependencies: ["ArchiveModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SearchTests",
            dependencies: ["SQLiteStore", "Search", "ArchiveStore", "TextKit", "Ingest", "WeCom", "Simulator", "ArchiveModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AlertsTests",
            dependencies: ["SQLiteStore", "Alerts", "Ingest", "Risk", "ArchiveStore", "WeCom", "Simulator", "ArchiveModel",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DecisionsTests", dependencies: ["Decisions", "ArchiveModel", "Risk"], swiftSettings: swiftSettings),
        .testTarget(name: "RiskTests", dependencies: ["Risk", "ArchiveModel"], swiftSettings: swiftSettings),
        .testTarget(name: "InsightsTests", dependencies: ["SQLiteStore", "Insights", "Ingest", "ArchiveStore", "ArchiveModel", "Simulator", "WeCom", "Alerts"], swiftSettings: swiftSettings),
        .testTarget(name: "QualityTests", dependencies: ["SQLiteStore", "Quality", "Ingest", "ArchiveStore", "ArchiveModel", "Alerts", "WeCom"], swiftSettings: swiftSettings),
        .testTarget(name: "TextKitTests", dependencies: ["TextKit"], swiftSettings: swiftSettings),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger"], swiftSettings: swiftSettings),
        .testTarget(name: "WeComTests", dependencies: ["WeCom", "ArchiveModel", "Simulator"], swiftSettings: swiftSettings),
        .testTarget(name: "StorageTests", dependencies: ["SQLiteStore", "TextKit", .product(name: "Crypto", package: "swift-crypto"), "ArchiveStore", "ArchiveModel", "WeCom"], swiftSettings: swiftSettings),
        .testTarget(
            name: "IngestTests",
            dependencies: ["SQLiteStore", "Ingest", "ArchiveStore", "WeCom", "Simulator", "ArchiveModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FinanceSDKTests",
            dependencies: ["SQLiteStore", "Ingest", "ArchiveStore", "WeCom", "Simulator", "ArchiveModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerStoreTests",
            dependencies: [
                "SQLiteStore", "ArchiveStore", "Ledger", "Ingest", "WeCom", "Simulator", "ArchiveModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimulatorTests",
            dependencies: ["SQLiteStore", "Simulator", "WeCom", "Ingest", "ArchiveStore", "ArchiveModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["ArchiveModel", "WeCom"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ConsoleTests",
            dependencies: [
                "SQLiteStore", "Console", "ArchiveStore", "Ingest", "Insights", "Simulator", "WeCom", "ArchiveModel", "Risk", "Ledger", "Evidence",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EvidenceTests",
            dependencies: [
                "Evidence", "Ledger", "Presentation", "ArchiveModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
