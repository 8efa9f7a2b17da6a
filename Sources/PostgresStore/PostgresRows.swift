import PostgresNIO

extension PostgresConnection {
    /// Every row of `query`, each made into a value by `make` (columns by position).
    func rows<Value>(_ query: PostgresQuery, logger: Logger,
                     _ make: (PostgresRandomAccessRow) throws -> Value) async throws -> [Value] {
        var values: [Value] = []
        for try await row in try await self.query(query, logger: logger) { values.append(try make(row.makeRandomAccess())) }
        return values
    }

    /// The first row of `query`, made into a value, or nil when there is none.
    func row<Value>(_ query: PostgresQuery, logger: Logger,
                    _ make: (PostgresRandomAccessRow) throws -> Value) async throws -> Value? {
        try await rows(query, logger: logger, make).first
    }

    /// The single value `query` yields (a count, an id), or nil.
    func scalar<Value: PostgresDecodable & Sendable>(_ query: PostgresQuery, _ type: Value.Type, logger: Logger) async throws -> Value? {
        try await self.query(query, logger: logger).decode(Value.self).first { _ in true }
    }
}

extension PostgresRandomAccessRow {
    /// The column at `index`, decoded.
    func get<Value: PostgresDecodable>(_ index: Int, as type: Value.Type = Value.self) throws -> Value {
        try self[index].decode(Value.self)
    }
}
