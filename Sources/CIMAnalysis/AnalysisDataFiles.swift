import CIMTables
import Foundation

/// The shipped data folder (shared with the store's lookup).
enum AnalysisDataFiles {
    static func url(_ relativePath: String) -> URL? { DataFiles.url(relativePath) }
}
