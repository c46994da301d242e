// swift-tools-version: 6.0
import PackageDescription

/// libFuzzer harnesses for cim's parsers of outside input: the WKB reader, the CityJSON parser, the
/// standard and indicator files and CSV import. Built and run by Scripts/fuzz.sh with `-sanitize=fuzzer,address`
/// (every module of cim is instrumented, so the fuzzer is guided by their coverage).
let package = Package(
    name: "cim-fuzz",
    dependencies: [.package(name: "cim", path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzWKB", dependencies: ["FuzzSupport", .product(name: "CIMAnalysis", package: "cim")]),
        .executableTarget(name: "FuzzCityJSON", dependencies: ["FuzzSupport", .product(name: "CIMStore", package: "cim")]),
        .executableTarget(name: "FuzzStandard", dependencies: ["FuzzSupport", .product(name: "CIMAnalysis", package: "cim")]),
        .executableTarget(name: "FuzzIndicators", dependencies: ["FuzzSupport", .product(name: "CIMAnalysis", package: "cim")]),
        .executableTarget(name: "FuzzCSVImport", dependencies: ["FuzzSupport", .product(name: "CIMStore", package: "cim")]),
    ],
    swiftLanguageModes: [.v6]
)
