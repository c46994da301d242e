// swift-tools-version: 6.0
import PackageDescription

/// cim — City Information Model spatial database and analysis engine.
/// Module layout and dependency direction: see README.md ("Architecture").
let package = Package(
    name: "cim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cim", targets: ["cim"]),
        .library(name: "CIMAnalysis", targets: ["CIMAnalysis"]),
        // For the fuzz harnesses (Fuzz/): CityJSON and CSV import are store code.
        .library(name: "CIMStore", targets: ["CIMStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries from Debian's packages, found through pkg-config.
        .systemLibrary(name: "CGEOS", path: "Sources/CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", path: "Sources/CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CGDAL", path: "Sources/CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
        // SQLite, for bulk inserts into GeoPackage tables on GDAL's own connection.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // libpq, PostgreSQL's client library: the PostGIS store (COPY BINARY in and out, synchronous).
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Swift wrappers over GEOS and PROJ. No C type escapes this module.
        .target(name: "CIMGeometry", dependencies: ["CGEOS", "CPROJ", "CIMIndex"]),
        // Pure-Swift packed R-tree over flat envelope arrays (and the Envelope type every module shares).
        .target(name: "CIMIndex"),
        // In-memory layers (FeatureTable, typed attribute columns) and the records a store keeps: no GDAL,
        // no SQLite, no database client. The algorithm modules depend on this, never on a store.
        .target(name: "CIMTables", dependencies: ["CIMGeometry", "CIMIndex"]),
        // The stores: the LayerStore protocol, GeoPackage through GDAL/OGR and SQLite, PostGIS through libpq;
        // import, snapshots, writes, export.
        .target(name: "CIMStore", dependencies: ["CIMGeometry", "CIMIndex", "CIMTables", "CGDAL", "CSQLite", "CPostgres"]),
        // Walk graph, snapping, bounded multi-source Dijkstra.
        .target(name: "CIMNetwork", dependencies: ["CIMGeometry", "CIMIndex", "CIMTables"]),
        // Analyses on snapshots: coverage, complete communities, drainage, indicators.
        .target(name: "CIMAnalysis", dependencies: ["CIMGeometry", "CIMIndex", "CIMTables", "CIMNetwork"]),
        // The health-check report: one self-contained HTML file with inline SVG maps and CSS, zh/en.
        .target(name: "CIMReport", dependencies: ["CIMGeometry", "CIMIndex", "CIMTables", "CIMAnalysis"]),
        // Deterministic synthetic cities in the bundle schema (for benchmarks and tests at scale).
        .target(name: "CIMGenerate", dependencies: ["CIMGeometry", "CIMIndex", "CIMTables"]),
        // Command-line front end.
        .target(name: "CIMCommands", dependencies: [
            "CIMGeometry", "CIMIndex", "CIMTables", "CIMStore", "CIMNetwork", "CIMAnalysis", "CIMGenerate", "CIMReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "cim", dependencies: ["CIMCommands"]),

        // Test helpers shared by the test targets (deterministic random numbers).
        .target(name: "CIMTestSupport", path: "Tests/CIMTestSupport"),
        .testTarget(name: "CIMGeometryTests", dependencies: ["CIMGeometry", "CIMTestSupport"]),
        .testTarget(name: "CIMIndexTests", dependencies: ["CIMIndex", "CIMTestSupport"]),
        .testTarget(name: "CIMStoreTests", dependencies: ["CIMStore", "CIMGeometry", "CIMTestSupport"]),
        .testTarget(name: "CIMAnalysisTests", dependencies: ["CIMAnalysis", "CIMGenerate", "CIMStore", "CIMGeometry", "CIMIndex", "CIMTestSupport"]),
        .testTarget(name: "CIMGenerateTests", dependencies: ["CIMGenerate", "CIMStore", "CIMGeometry", "CIMAnalysis"]),
        .testTarget(name: "CIMReportTests", dependencies: ["CIMReport", "CIMAnalysis", "CIMStore", "CIMGeometry", "CIMIndex", "CIMTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["cim", "CSQLite", "CIMStore"]),
    ],
    swiftLanguageModes: [.v6]
)

