import Glibc

/// Rejects output paths whose last component is a symbolic link, for the
/// files that logsieve writes atomically: `har -o`, `--report` and the
/// `--state-dir` snapshot. An atomic write would replace the link rather
/// than write through it. Still, a link where logsieve is about to write is
/// a mistake or a planted trap, so it is rejected as for `-o`, unless
/// `--force-output` is given.
enum SymbolicLinkCheck {
    static func reject(_ path: String, option: String, forced: Bool) throws(RuntimeFailure) {
        guard !forced else { return }
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return }
        throw RuntimeFailure("\(option) \(path) is a symbolic link; remove it, or pass --force-output to replace the link")
    }
}
