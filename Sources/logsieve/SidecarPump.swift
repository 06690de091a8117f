import Foundation
import LogsieveCore
import LogsieveIO

/// The input loop for `--listen` and `--follow`: one thread polls the
/// listening sockets and the client connections with `poll(2)` and checks
/// the followed files every 250 ms.
///
/// Each connection and each followed file has its own `NDJSONFramer`, so a
/// line never mixes bytes of two sources, and a client that stalls mid-line
/// keeps only its own partial line. Complete lines go to the processor as
/// they are read. Writing the output may wait (a full output socket), and
/// then nothing is read: input is paused, never dropped.
final class SidecarPump {
    private let options: SidecarOptions
    private let maxLineBytes: Int
    private let stateDirectory: String?
    private let processor: FilterProcessors
    private let writer: OutputWriter
    private let metrics: SidecarMetrics
    private let process: (() -> Void) -> Void
    private let deliveredBytes: () -> Int

    private var listeners: [SocketListener] = []
    private var clients: [Int32: Client] = [:]
    private var followers: [Follower] = []
    private var readErrorsLogged = 0
    /// Called once, when a followed file returns its first bytes: the run
    /// is then ready. Nil once called.
    var onFirstBytes: (() -> Void)?

    /// Bytes a connection's framer reads at a time; its buffer is twice that.
    static let clientReadSize = 64 * 1024
    /// How often followed files are checked for new bytes and rotation.
    static let followInterval: Duration = .milliseconds(250)

    private final class Client {
        let connection: SocketConnection
        let framer: NDJSONFramer
        var lastActivity = ContinuousClock.now

        init(connection: SocketConnection, framer: NDJSONFramer) {
            self.connection = connection
            self.framer = framer
        }
    }

    private final class Follower {
        let file: FollowedFile
        let framer: NDJSONFramer
        /// The position file in `--state-dir`, if there is one.
        let statePath: String?
        var savedPosition: FilePosition?
        /// Positions waiting until the output up to `mark` bytes is delivered.
        var checkpoints: [(mark: Int, position: FilePosition)] = []
        /// `file.discardedFragments` when it was last reported.
        var reportedFragments = 0

        init(file: FollowedFile, framer: NDJSONFramer, statePath: String?, savedPosition: FilePosition?) {
            self.file = file
            self.framer = framer
            self.statePath = statePath
            self.savedPosition = savedPosition
        }

        /// The offset after the last line handed to the processor.
        var committedPosition: FilePosition? {
            file.position(offset: file.readOffset - Int64(framer.pendingBytes))
        }
    }

    init(options: FilterOptions, processor: FilterProcessors, writer: OutputWriter, metrics: SidecarMetrics,
         deliveredBytes: @escaping () -> Int, process: @escaping (() -> Void) -> Void) {
        self.options = options.sidecar
        maxLineBytes = options.maxLineBytes
        stateDirectory = options.enrich.stateDirectory
        self.processor = processor
        self.writer = writer
        self.metrics = metrics
        self.deliveredBytes = deliveredBytes
        self.process = process
    }

    /// Opens the listeners and the followed files. Errors here end the run
    /// before any input is read.
    func start() throws {
        if let stateDirectory, !options.followedFiles.isEmpty {
            try createStateDirectory(stateDirectory)
        }
        for address in options.listenAddresses {
            do {
                let listener = try SocketListener.listen(on: address, mode: options.socketMode)
                listeners.append(listener)
                Diagnostics.notice("listening on \(listener.address)")
            } catch {
                for listener in listeners { listener.close() }
                throw RuntimeFailure(error.description)
            }
        }
        for path in options.followedFiles {
            let statePath = stateDirectory.map { $0 + "/" + FollowPositionFile.fileName(for: path) }
            let saved = statePath.flatMap { FollowPositionFile.load($0) }
            let file = FollowedFile(path: path, resume: saved)
            let framer = NDJSONFramer(maxLineBytes: maxLineBytes, readSize: 256 * 1024)
            followers.append(Follower(file: file, framer: framer, statePath: statePath, savedPosition: saved))
        }
    }

    /// Reads until a stop signal, then drains: it stops accepting, reads
    /// what the clients already sent, and writes every complete line.
    func run() throws -> Int32 {
        for follower in followers {
            let path = follower.file.path
            guard follower.file.openIfPresent() else {
                Diagnostics.notice("following \(path), which does not exist yet")
                continue
            }
            follower.framer.startInput()
            let offset = follower.file.readOffset
            Diagnostics.notice(offset > 0 ? "following \(path) from the remembered position, offset \(offset)"
                                          : "following \(path) from its start")
        }
        var nextFollowCheck = ContinuousClock.now
        while StopSignal.current == nil {
            // Between batches: every line drained so far went through the
            // old rules; partial lines wait in their framers for the new ones.
            processor.reloadIfRequested()
            var descriptors: [pollfd] = []
            let accepting = clients.count < options.maxConnections
            if accepting {
                for listener in listeners { descriptors.append(pollfd(fd: listener.descriptor, events: Int16(POLLIN), revents: 0)) }
            }
            for descriptor in clients.keys { descriptors.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)) }

            let now = ContinuousClock.now
            var wait: Duration = .seconds(1)
            if !followers.isEmpty { wait = min(wait, max(.zero, nextFollowCheck - now)) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), wait.milliseconds)
            if ready < 0 && errno != EINTR {
                throw RuntimeFailure("poll failed: \(String(cString: strerror(errno)))")
            }

            if ready > 0 {
                for request in descriptors where request.revents != 0 {
                    if let client = clients[request.fd] {
                        try readClient(client, maxReads: 4)
                    } else if let listener = listeners.first(where: { $0.descriptor == request.fd }) {
                        try acceptClients(from: listener)
                    }
                }
            }
            if !followers.isEmpty && ContinuousClock.now >= nextFollowCheck {
                var hasMore = false
                for follower in followers { hasMore = try readFollowed(follower) || hasMore }
                nextFollowCheck = hasMore ? ContinuousClock.now : ContinuousClock.now + Self.followInterval
            }
            closeIdleClients()
            try writer.flush()
            recordCheckpoints()
        }
        try drainAtStop()
        return ExitStatus.success
    }

    /// Saves the positions whose output has been delivered. Called after
    /// every flush, and by the command once more after the sink is closed.
    func saveDeliveredPositions() {
        let delivered = deliveredBytes()
        for follower in followers {
            var latest: FilePosition? = nil
            while let first = follower.checkpoints.first, first.mark <= delivered {
                latest = first.position
                follower.checkpoints.removeFirst()
            }
            guard let latest, latest != follower.savedPosition, let statePath = follower.statePath else { continue }
            do {
                try FollowPositionFile.save(latest, to: statePath)
                follower.savedPosition = latest
            } catch {
                Diagnostics.warn("cannot save the position of \(follower.file.path): \(error.description)")
            }
        }
    }

    // MARK: Connections

    private func acceptClients(from listener: SocketListener) throws {
        while clients.count < options.maxConnections {
            let accepted: SocketConnection?
            do {
                accepted = try listener.accept()
            } catch {
                // EMFILE and the like: report and try again on the next wake.
                logReadError(error.description)
                return
            }
            guard let connection = accepted else { return }
            let framer = NDJSONFramer(maxLineBytes: maxLineBytes, readSize: Self.clientReadSize)
            framer.startInput()
            clients[connection.descriptor] = Client(connection: connection, framer: framer)
            metrics.update {
                $0.connectionsAccepted += 1
                $0.connectionsOpen += 1
            }
        }
    }

    /// Reads at most `maxReads` times from one client, so that one fast
    /// client cannot starve the others, and processes its complete lines.
    private func readClient(_ client: Client, maxReads: Int) throws {
        for _ in 0..<maxReads {
            let result: SocketConnection.ReadResult
            do {
                result = try client.connection.read(into: client.framer.writableSpace())
            } catch {
                logReadError(error.description)
                closeClient(client, timedOut: false)
                return
            }
            switch result {
            case .bytes(let count):
                client.lastActivity = ContinuousClock.now
                client.framer.didRead(count)
                metrics.update { $0.bytesReceived += count }
                drain(client.framer, atEndOfInput: false)
                try writer.flushIfFull()
            case .wouldBlock:
                return
            case .endOfStream:
                closeClient(client, timedOut: false)
                return
            }
        }
    }

    /// Closes a client. Its partial last line, if any, is processed as the
    /// final record of that connection, as at the end of a file.
    private func closeClient(_ client: Client, timedOut: Bool) {
        drain(client.framer, atEndOfInput: true)
        clients[client.connection.descriptor] = nil
        client.connection.close()
        metrics.update {
            $0.connectionsOpen -= 1
            $0.connectionsClosed += 1
            if timedOut { $0.connectionsTimedOut += 1 }
        }
    }

    private func closeIdleClients() {
        let limit = Duration.milliseconds(Int64(options.idleTimeout * 1000))
        let now = ContinuousClock.now
        for client in clients.values where now - client.lastActivity > limit {
            closeClient(client, timedOut: true)
        }
    }

    /// Logs the first 10 client errors and then every 1000th, so that a
    /// misbehaving client cannot flood stderr.
    private func logReadError(_ message: String) {
        readErrorsLogged += 1
        if readErrorsLogged <= 10 || readErrorsLogged % 1000 == 0 {
            Diagnostics.warn("\(message) (client error \(readErrorsLogged))")
        }
    }

    // MARK: Followed files

    /// Reads what a followed file gained and handles its rotation or
    /// truncation. Returns true when it stopped with bytes left to read.
    private func readFollowed(_ follower: Follower) throws -> Bool {
        let file = follower.file
        if !file.isOpen {
            guard file.openIfPresent() else { return false }
            follower.framer.startInput()
        }
        // Checked before reading: after `copytruncate` and a burst of
        // writes, reading at the old offset would start inside a line.
        if file.isTruncated() {
            try restart(follower, replaced: false)
            return true
        }
        if try readAvailable(follower, maxReads: 16) { return true }

        switch file.checkForChange() {
        case .none:
            return false
        case .replaced:
            try restart(follower, replaced: true)
        case .truncated:
            try restart(follower, replaced: false)
        }
        return true
    }

    /// Finishes the old content of a followed file and starts reading the
    /// new file at the path (`replaced`) or the truncated file from its start.
    private func restart(_ follower: Follower, replaced: Bool) throws {
        let file = follower.file
        if replaced {
            // Finish the old file: its rest, then its partial last line as
            // its final record.
            while try readAvailable(follower, maxReads: 64) {}
            drain(follower.framer, atEndOfInput: true)
            file.switchToNewFile()
        } else {
            drain(follower.framer, atEndOfInput: true)
            file.rewind()
        }
        follower.framer.startInput()
        metrics.update { $0.inputRotations += 1 }
        // The old file's lines must be written before the new position is recorded.
        try writer.flush()
        recordCheckpoints()
    }

    /// Reads up to `maxReads` blocks. Returns true when the last read filled
    /// its buffer, so that more may be waiting.
    private func readAvailable(_ follower: Follower, maxReads: Int) throws -> Bool {
        for _ in 0..<maxReads {
            let space = follower.framer.writableSpace()
            let count: Int
            do {
                count = try follower.file.read(into: space)
            } catch {
                throw RuntimeFailure(error.description)
            }
            reportDiscardedFragments(follower)
            guard count > 0 else { return false }
            if let ready = onFirstBytes {
                onFirstBytes = nil
                ready()
            }
            follower.framer.didRead(count)
            metrics.update { $0.bytesReceived += count }
            drain(follower.framer, atEndOfInput: false)
            try writer.flushIfFull()
            // While a slow output blocks this loop, the position still advances.
            recordCheckpoints()
            if count < space.count { return false }
        }
        return true
    }

    /// Warns once per discarded fragment of a cut line. Its bytes are never
    /// logged, because the fragment may be the rest of a secret.
    private func reportDiscardedFragments(_ follower: Follower) {
        let discarded = follower.file.discardedFragments
        guard discarded > follower.reportedFragments else { return }
        let added = discarded - follower.reportedFragments
        follower.reportedFragments = discarded
        metrics.update { $0.inputFragmentsDiscarded += added }
        Diagnostics.warn("discarded a partial line of \(follower.file.path) whose start was not read (the file changed while logsieve was stopped); \(discarded) fragment(s), \(follower.file.discardedBytes) byte(s) discarded so far")
    }

    /// Queues each follower's position against the end of the output that
    /// contains its lines (written or still in the buffer), then saves the
    /// positions whose output was delivered.
    private func recordCheckpoints() {
        guard !followers.isEmpty else { return }
        let mark = writer.bytesWritten + writer.buffer.count
        for follower in followers {
            guard let position = follower.committedPosition else { continue }
            if position == (follower.checkpoints.last?.position ?? follower.savedPosition) { continue }
            follower.checkpoints.append((mark, position))
        }
        saveDeliveredPositions()
    }

    // MARK: Shared steps

    private func drain(_ framer: NDJSONFramer, atEndOfInput: Bool) {
        let output = writer.buffer
        process {
            framer.drain(atEndOfInput: atEndOfInput) { processor.current.process($0, to: output) }
            processor.current.flush(to: output)
        }
    }

    /// After a stop signal: closes the listeners, reads what the clients
    /// sent before the signal, and writes it. Followed files are not read
    /// further, because the next run resumes at their position. A partial
    /// last line of a followed file is not written, and its position stays
    /// before that line, so that the next run reads it whole.
    private func drainAtStop() throws {
        for listener in listeners { listener.close() }
        for client in Array(clients.values) {
            // NOTE: at most 64 reads (4 MiB) per client, so that the stop
            // ends even while a client keeps sending.
            try readClient(client, maxReads: 64)
            if clients[client.connection.descriptor] != nil { closeClient(client, timedOut: false) }
        }
        try writer.flush()
        recordCheckpoints()
    }

    private func createStateDirectory(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw UsageError("--state-dir \(directory) is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw RuntimeFailure("cannot create the --state-dir directory \(directory): \(error.localizedDescription)")
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds for `poll(2)`, rounded up.
    fileprivate var milliseconds: Int32 {
        let parts = components
        let value = parts.seconds * 1000 + (parts.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: value)
    }
}
