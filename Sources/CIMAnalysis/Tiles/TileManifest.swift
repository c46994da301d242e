import Foundation

/// `manifest.json` of a `cim split` folder: where the tiles came from, how they were cut, and per tile its
/// store, its core and its halo. `cim merge` reads it back.
public struct TileManifest: Codable, Sendable, Equatable {
    /// One tile's entry.
    public struct Tile: Codable, Sendable, Equatable {
        /// The tile's id (district id, `outside`, or `E<x>N<y>`).
        public var id: String
        /// The tile's store, relative to the folder.
        public var store: String
        /// The district's or cell's envelope [minx, miny, maxx, maxy].
        public var core: [Double]
        /// Buildings the tile owns.
        public var buildings: Int
        /// The envelope every copied facility, road, pipe … meets [minx, miny, maxx, maxy].
        public var haloEnvelope: [Double]

        public init(id: String, store: String, core: [Double], buildings: Int, haloEnvelope: [Double]) {
            self.id = id; self.store = store; self.core = core; self.buildings = buildings; self.haloEnvelope = haloEnvelope
        }

        enum CodingKeys: String, CodingKey {
            case id, store, core, buildings
            case haloEnvelope = "halo_envelope"
        }
    }

    /// "cim-tiles 1".
    public var format: String
    /// The split store's address.
    public var source: String
    /// `district` or `grid:METRES`.
    public var by: String
    /// The halo (m): distances up to it are exact in every tile.
    public var halo: Double
    /// The store's CRS identifier.
    public var crs: String
    /// The buildings layer's fingerprint at the split (feature count and hash): merge refuses a store whose
    /// buildings changed since.
    public var buildingsFeatures: Int
    public var buildingsHash: String
    public var tiles: [Tile]

    public static let currentFormat = "cim-tiles 1"
    /// The manifest's file name in the folder.
    public static let fileName = "manifest.json"

    public init(source: String, by: String, halo: Double, crs: String, buildingsFeatures: Int, buildingsHash: String, tiles: [Tile]) {
        format = Self.currentFormat
        self.source = source; self.by = by; self.halo = halo; self.crs = crs
        self.buildingsFeatures = buildingsFeatures; self.buildingsHash = buildingsHash; self.tiles = tiles
    }

    enum CodingKeys: String, CodingKey {
        case format, source, by, halo, crs, tiles
        case buildingsFeatures = "buildings_features"
        case buildingsHash = "buildings_hash"
    }

    /// Reads `manifest.json` of a split folder; a missing or unreadable file, or another format, is an error naming it.
    public static func read(folder: String) throws -> TileManifest {
        let url = URL(fileURLWithPath: folder).appendingPathComponent(fileName)
        guard let data = try? Data(contentsOf: url) else {
            throw AnalysisError("\(url.path): no tile manifest", hint: "a split folder is made by cim split STORE --by … --halo … \(folder)")
        }
        let manifest: TileManifest
        do { manifest = try JSONDecoder().decode(TileManifest.self, from: data) } catch {
            throw AnalysisError("\(url.path): not a tile manifest (\(error))")
        }
        guard manifest.format == currentFormat else {
            throw AnalysisError("\(url.path): tile manifest format '\(manifest.format)', this cim reads '\(currentFormat)'")
        }
        return manifest
    }

    /// The manifest as pretty-printed JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
