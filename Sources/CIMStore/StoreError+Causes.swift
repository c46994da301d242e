import CSQLite
import Foundation

/// The causes behind failed SQLite and GDAL calls, in words a person understands: a full disk, a store
/// another process is writing, a read-only file or folder, a corrupt file. Raw SQL text and driver
/// internals never reach the user without the file and this cause.
extension StoreError {
    /// What a failed SQLite call means: `code` is the (extended) result code (`sqlite3_extended_errcode`),
    /// `detail` SQLite's message (`sqlite3_errmsg`), `what` the operation ("cannot write").
    static func sqlite(_ code: Int32, detail: String, what: String, file: String, layer: String? = nil, feature: String? = nil) -> StoreError {
        if let cause = Cause(sqliteCode: code) { return cause.error(file: file, layer: layer, feature: feature) }
        return StoreError("\(what): \(detail)", file: file, layer: layer, feature: feature)
    }

    /// A StoreError for a failed GDAL call: the cause when GDAL's message carries one (GDAL's GeoPackage
    /// driver reports SQLite's and the system's messages), else "`what`: GDAL's message".
    static func gdal(_ what: String, message: String, file: String, layer: String? = nil, feature: String? = nil) -> StoreError {
        if let cause = Cause(message: message) { return cause.error(file: file, layer: layer, feature: feature) }
        return StoreError(message.isEmpty ? what : "\(what): \(message)", file: file, layer: layer, feature: feature)
    }

    /// The causes a person can act on.
    public enum Cause: Sendable, Equatable {
        case diskFull, busy, readOnly, corrupt, ioError, cannotOpen, outOfMemory

        /// From an SQLite result code (its primary code, the low byte).
        init?(sqliteCode code: Int32) {
            switch code & 0xFF {
            case SQLITE_FULL: self = .diskFull
            case SQLITE_BUSY, SQLITE_LOCKED: self = .busy
            case SQLITE_READONLY: self = .readOnly
            case SQLITE_CORRUPT, SQLITE_NOTADB: self = .corrupt
            case SQLITE_IOERR: self = .ioError
            case SQLITE_CANTOPEN: self = .cannotOpen
            case SQLITE_NOMEM: self = .outOfMemory
            default: return nil
            }
        }

        /// A full disk when the file system holding `folder` has less than 1 MB left, else nil.
        init?(spaceLeftAt folder: String) {
            let free = (try? FileManager.default.attributesOfFileSystem(forPath: folder)[.systemFreeSize] as? NSNumber)?.int64Value
            guard let free, free < 1 << 20 else { return nil }
            self = .diskFull
        }

        /// From the text of an SQLite, GDAL or system message.
        init?(message: String) {
            let text = message.lowercased()
            if text.contains("database or disk is full") || text.contains("no space left on device") { self = .diskFull }
            else if text.contains("database is locked") || text.contains("database table is locked") { self = .busy }
            else if text.contains("readonly database") || text.contains("read-only file system") || text.contains("permission denied") { self = .readOnly }
            else if text.contains("database disk image is malformed") || text.contains("file is not a database") { self = .corrupt }
            else if text.contains("disk i/o error") { self = .ioError }
            else if text.contains("unable to open database file") { self = .cannotOpen }
            else { return nil }
        }

        func error(file: String, layer: String?, feature: String?) -> StoreError {
            switch self {
            case .diskFull:
                return StoreError("disk full: nothing was written, the previous contents are as they were", file: file, layer: layer, feature: feature,
                                  hint: "free some space on the store's disk and run again", cause: self)
            case .busy:
                return StoreError("the store is busy: another process is writing it", file: file, layer: layer, feature: feature,
                                  hint: "wait for it to finish and run again", cause: self)
            case .readOnly:
                return StoreError("the store is read-only: cannot write the file or its folder", file: file, layer: layer, feature: feature,
                                  hint: "SQLite writes a journal beside the store: the file and its folder must be writable", cause: self)
            case .corrupt:
                return StoreError("the store is corrupt (not a readable GeoPackage/SQLite file)", file: file, layer: layer, feature: feature,
                                  hint: "restore it from a copy or import the layers again into a new store", cause: self)
            case .ioError:
                return StoreError("disk I/O error: the write was rolled back", file: file, layer: layer, feature: feature,
                                  hint: "check the disk and run again", cause: self)
            case .cannotOpen:
                return StoreError("cannot open the store's file or its journal", file: file, layer: layer, feature: feature,
                                  hint: "check that the folder exists and is writable", cause: self)
            case .outOfMemory:
                return StoreError("out of memory", file: file, layer: layer, feature: feature, cause: self)
            }
        }
    }

    /// The error of a write that SQLite rolled back by itself while GDAL went on (GDAL then reports only
    /// its own next, refused statement). SQLite does that on a full disk, an I/O error or when out of
    /// memory; a full disk is told by the space left on the store's file system (under 1 MB).
    static func rolledBackBySQLite(file: String, layer: String?) -> StoreError {
        let cause = Cause(spaceLeftAt: URL(fileURLWithPath: file).deletingLastPathComponent().path) ?? .ioError
        return cause.error(file: file, layer: layer, feature: nil)
    }
}

extension StoreError {
    /// A file-system error (Foundation's, e.g. from `FileManager`) as one line: `what`, and the system's
    /// reason (the POSIX error behind it, `strerror`) instead of Foundation's NSCocoaErrorDomain text.
    static func fileSystem(_ error: Error, what: String, file: String) -> StoreError {
        let ns = error as NSError
        var posix: Int32?
        if ns.domain == NSPOSIXErrorDomain { posix = Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain { posix = Int32(underlying.code) }
        let reason: String
        if let posix {
            reason = String(cString: strerror(posix))
        } else {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: reason = "no such file or folder"
            case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: reason = "permission denied"
            case NSFileWriteOutOfSpaceError: reason = "no space left on device"
            case NSFileWriteVolumeReadOnlyError: reason = "read-only file system"
            case NSFileWriteFileExistsError: reason = "the file exists"
            default: reason = "the system refused (\(ns.code))"
            }
        }
        let cause = Cause(message: reason)
        return StoreError("\(what): \(reason)", file: file, cause: cause)
    }
}
