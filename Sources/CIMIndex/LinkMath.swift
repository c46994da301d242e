// On Linux, `Double.squareRoot()` is implemented with C's `__builtin_sqrt`,
// which under glibc's errno semantics may lower to a call to libm's `sqrt`
// (for arguments the optimiser cannot prove non-negative). Importing the C
// library module autolinks libm, so clients of CIMIndex link without having
// to import Foundation or pass `-lm`. Nothing from it is used or re-exported.
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif
