import FuzzSupport
import CIMAnalysis
import Foundation

/// libFuzzer entry: any bytes as an indicator file (``IndicatorSystem/parse(_:standard:)``) against the
/// shipped standard. Errors are fine; a crash is a finding, and so is an accepted file with a number
/// (target, bottom line, weight, tolerance, radius, cell, density, score band) that is not finite, or a
/// negative weight.
let standard = try! Standard.shipped()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIndicators(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = bytes else { return 0 }
    guard let system = try? IndicatorSystem.parse(Data(bytes: data, count: size), standard: standard) else { return 0 }
    let rules = system.rules
    precondition([rules.yellowBelowScore, rules.redBelowScore, rules.declineTolerance].allSatisfy(\.isFinite), "accepted rules with a number that is not finite")
    precondition(rules.grades.allSatisfy { $0.minScore.isFinite }, "accepted a grade band that is not finite")
    for indicator in system.indicators {
        var numbers = [indicator.weight]
        numbers += [indicator.standard, indicator.bottomLine, indicator.declineTolerance].compactMap { $0 }
        switch indicator.measure {
        case let .reachShare(reaches):
            numbers += reaches.flatMap { [$0.distanceMetres, $0.minAreaM2, $0.maxAreaM2].compactMap { $0 } }
        case let .blankShare(_, radius): numbers.append(radius)
        case let .denseLand(cell, density): numbers += [cell, density]
        case let .buildingShare(condition), let .buildingCount(condition):
            numbers += [condition.heightOverMetres].compactMap { $0 }
        default: break
        }
        precondition(numbers.allSatisfy(\.isFinite), "indicator \(indicator.key): accepted a number that is not finite")
        precondition(indicator.weight >= 0, "indicator \(indicator.key): accepted a negative weight")
    }
    return 0
}

@main enum FuzzIndicatorsMain {
    static func main() { runFuzzer(fuzzIndicators) }
}
