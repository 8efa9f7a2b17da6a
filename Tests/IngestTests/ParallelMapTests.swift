import Ingest
import Testing

@Suite struct ParallelMapTests {
    @Test(arguments: [0, 1, 2, 3, 7, 10, 31, 1000])
    func keepsOrderForEveryCount(count: Int) async {
        let items = Array(0..<count)
        #expect(await parallelMap(items, parallelism: 2) { $0 * 3 } == items.map { $0 * 3 })
        #expect(await parallelMap(items, parallelism: 1) { $0 + 1 } == items.map { $0 + 1 })
    }
}
