/// A min-heap of deadlines: the reply-timeout tracker sleeps until the earliest one instead of scanning
/// every pending wait.
public struct TimerQueue<Element: Sendable>: Sendable {
    private var heap: [(due: Int64, element: Element)] = []

    public init() {}

    public var count: Int { heap.count }
    public var nextDue: Int64? { heap.first?.due }

    public mutating func push(_ element: Element, due: Int64) {
        heap.append((due, element))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns every element due at or before `now`, earliest first.
    public mutating func popDue(now: Int64) -> [Element] {
        var due: [Element] = []
        while let first = heap.first, first.due <= now { due.append(pop()) }
        return due
    }

    private mutating func pop() -> Element {
        let top = heap[0].element
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].due < heap[smallest].due { smallest = left }
                if right < heap.count && heap[right].due < heap[smallest].due { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
