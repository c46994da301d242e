import CIMGeometry
import Foundation

/// What ``LayerStore/syncBundleLayers(from:)`` did.
public struct SyncReport: Sendable, Equatable {
    /// The bundle layers copied because they were new or had changed.
    public var copied: [String]
    /// The bundle layers already equal to the source's.
    public var unchanged: [String]
}

extension LayerStore {
    /// The `cim_metadata` key under which the fingerprint of a synchronised source layer is kept.
    static func syncKey(_ layer: String) -> String { "synced_from:\(layer)" }

    /// The fingerprint of `layer`'s source recorded by the last ``syncBundleLayers(from:)`` (the source's
    /// backend, feature count and hash), or nil when the layer was never synchronised.
    public func syncedFingerprint(_ layer: String) throws -> (backend: String, features: Int, hash: String)? {
        guard let stamp = try metadataValue(Self.syncKey(layer)) else { return nil }
        let parts = stamp.split(separator: " ").map(String.init)
        guard parts.count == 3, let features = Int(parts[1]) else { return nil }
        return (parts[0], features, parts[2])
    }

    /// Makes this store's bundle layers equal to `source`'s: every bundle layer of the source whose
    /// fingerprint differs from the one recorded at the last sync (or that this store lacks) is copied
    /// (snapshot of the source, written here), all in ONE transaction; the fingerprints are recorded in
    /// `cim_metadata` after it commits. A source in another CRS is refused. Layers this store has and the
    /// source lacks are left as they are. `force` copies every bundle layer of the source, changed or not.
    @discardableResult
    public func syncBundleLayers(from source: any LayerStore, force: Bool = false) throws -> SyncReport {
        guard let sourceCRS = source.crs else {
            throw StoreError("the source has no CRS: it holds no cim layers", file: source.address)
        }
        if let crs, crs != sourceCRS {
            throw StoreError("the store's CRS is \(crs.identifier), the source's is \(sourceCRS.identifier)", file: address,
                             hint: "a city's store keeps one CRS; import the source's layers with cim import to reproject them")
        }
        var copied: [FeatureTable] = [], unchanged: [String] = []
        var fingerprints: [String: String] = [:]
        for bundle in BundleLayer.all where source.hasLayer(bundle.name) {
            let fingerprint = try source.fingerprint(bundle.name)
            let stamp = "\(source.backend.rawValue) \(fingerprint.features) \(fingerprint.hash)"
            if !force, hasLayer(bundle.name), try metadataValue(Self.syncKey(bundle.name)) == stamp {
                unchanged.append(bundle.name)
                continue
            }
            fingerprints[bundle.name] = stamp
            copied.append(try source.snapshot(bundle.name))
        }
        if !copied.isEmpty {
            try writeLayers(copied, provenance: LayerProvenance(source: source.address, sourceCRS: sourceCRS.identifier), establishing: sourceCRS, progress: nil)
            for (layer, stamp) in fingerprints.sorted(by: { $0.key < $1.key }) { try setMetadata(Self.syncKey(layer), stamp) }
        }
        return SyncReport(copied: copied.map(\.name), unchanged: unchanged)
    }
}
