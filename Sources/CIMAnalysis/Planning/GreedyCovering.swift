/// The maximal covering location problem (Church & ReVelle 1974) solved greedily with lazy evaluation
/// (Minoux 1978): choose up to `sites` candidates maximising the total weight of the buildings newly in
/// reach. Coverage is a monotone submodular function of the chosen set, so the greedy choice is within a
/// factor (1 − 1/e) ≈ 0.632 of the optimum (Nemhauser, Wolsey & Fisher 1978); in practice it is usually
/// within a few percent (the cross-check measures it against an exact integer program).
///
/// Lazy evaluation: a candidate's gain can only shrink as sites are chosen, so the gains of the last
/// evaluation are upper bounds. The candidate with the largest bound is re-evaluated; when its fresh gain
/// still beats every other bound it is chosen, without evaluating the others. Ties go to the smallest
/// candidate index, so the result is deterministic.
public enum GreedyCovering {
    /// One chosen site.
    public struct Pick: Sendable, Equatable {
        public var candidate: Int
        /// The weight newly in reach when it was chosen.
        public var gain: Double
        /// The buildings newly in reach.
        public var buildings: [Int32]
    }

    /// Chooses up to `sites` candidates, stopping early when the best gain is below `minimumGain` or 0.
    public static func solve(reach: CandidateReach, weights: [Double], sites: Int, minimumGain: Double) -> (picks: [Pick], evaluations: Int) {
        var covered = [Bool](repeating: false, count: weights.count)
        func gain(_ i: Int) -> Double {
            var total = 0.0
            for b in reach.reach(i) where !covered[Int(b)] { total += weights[Int(b)] }
            return total
        }
        var heap = MaxHeap()
        for i in 0 ..< reach.candidateCount { heap.push(gain(i), i) }
        var evaluations = reach.candidateCount
        var picks: [Pick] = []
        while picks.count < sites, let top = heap.pop() {
            let fresh = gain(top.candidate)
            evaluations += 1
            if let next = heap.peek(), MaxHeap.before(next.bound, next.candidate, fresh, top.candidate) {
                heap.push(fresh, top.candidate)
                continue
            }
            guard fresh > 0, fresh >= minimumGain else { break }
            let newly = reach.reach(top.candidate).filter { !covered[Int($0)] }
            for b in newly { covered[Int(b)] = true }
            picks.append(Pick(candidate: top.candidate, gain: fresh, buildings: Array(newly)))
        }
        return (picks, evaluations)
    }

    /// A binary max-heap of (bound, candidate): larger bound first, then smaller candidate.
    struct MaxHeap {
        private var items: [(bound: Double, candidate: Int)] = []

        /// Whether (a, i) comes before (b, j).
        static func before(_ a: Double, _ i: Int, _ b: Double, _ j: Int) -> Bool { a != b ? a > b : i < j }

        func peek() -> (bound: Double, candidate: Int)? { items.first }

        mutating func push(_ bound: Double, _ candidate: Int) {
            items.append((bound, candidate))
            var k = items.count - 1
            while k > 0 {
                let parent = (k - 1) / 2
                guard Self.before(items[k].bound, items[k].candidate, items[parent].bound, items[parent].candidate) else { break }
                items.swapAt(k, parent)
                k = parent
            }
        }

        mutating func pop() -> (bound: Double, candidate: Int)? {
            guard !items.isEmpty else { return nil }
            items.swapAt(0, items.count - 1)
            let top = items.removeLast()
            var k = 0
            while true {
                let l = 2 * k + 1, r = l + 1
                var best = k
                if l < items.count, Self.before(items[l].bound, items[l].candidate, items[best].bound, items[best].candidate) { best = l }
                if r < items.count, Self.before(items[r].bound, items[r].candidate, items[best].bound, items[best].candidate) { best = r }
                if best == k { break }
                items.swapAt(k, best)
                k = best
            }
            return top
        }
    }
}
