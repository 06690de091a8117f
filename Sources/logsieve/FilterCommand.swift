import Foundation
import LogsieveCore
import LogsieveIO

/// The filter: inputs through the framer and the pipeline to the output.
struct FilterCommand {
    let options: FilterOptions
    let environment: [String: String]

    /// Output is written when this much is buffered, or sooner when the
    /// input has nothing more to read at once, so that `tail -f | logsieve`
    /// shows each event as soon as it is read.
    static let flushThreshold = 256 * 1024

    func run() throws -> Int32 {
        Diagnostics.configure(level: options.observability.logLevel ?? .warning, format: options.observability.logFormat)
        let expression = try options.pipelineExpression()
        let split = try options.splitPath()
        let key = try KeyLoading.loadKey(keyFile: options.keyFile, environment: environment)
        try refuseOutputOverInput()

        let stateFile = try EnrichmentSetup.prepare(options: options, expression: expression, key: key)
        // Warned only now, after --state-dir had its chance to reject the random key.
        if key.isEphemeral && options.replacement == .fingerprint && !options.noRedact {
            Diagnostics.warn("no fingerprint key configured (--key-file, \(KeyLoading.fileVariable) or \(KeyLoading.valueVariable)); using a random key, so fingerprints will not match those of other runs")
        }
        let processor = try FilterProcessors(options: options, expression: expression, split: split, key: key,
                                             enricher: stateFile.enricher, environment: environment)
        // NOTE: until this line runs, SIGHUP still ends the process.
        if options.configFile != nil { ReloadSignal.install() }
        let threads = expression.runsOnSeveralThreads ? options.threads : 1
        let monitor = FilterMonitor(options: options, enriches: stateFile.enricher != nil)
        let metricsServer = try options.observability.metricsAddress.map(MetricsEndpoint.start)
        monitor.logStart(options: options, expression: expression, threads: threads, key: key, metrics: metricsServer?.address)

        let sink: ByteSink
        let sidecarMetrics = SidecarOutput.makeMetrics(options: options, exportsMetrics: metricsServer != nil)
        do {
            var outputOptions = OutputOptions()
            outputOptions.allowSymlink = options.allowsOutputSymlink
            // A run that resumes followed files appends, so that the output of
            // the previous run, up to the saved position, is kept.
            outputOptions.append = options.enrich.stateDirectory != nil && !options.sidecar.followedFiles.isEmpty
            sink = try SidecarOutput.open(path: options.output, options: outputOptions, sidecar: options.sidecar,
                                          metrics: sidecarMetrics)
        } catch {
            if error.reason == .refusedSymlink {
                throw RuntimeFailure("\(error.description); pass --force-output to write through the link")
            }
            throw RuntimeFailure(error.description)
        }

        let started = Date()
        let writer = OutputWriter(sink: sink, threshold: Self.flushThreshold)
        if metricsServer != nil { writer.didFlush = monitor.bytesWritten }
        var status: Int32
        var sidecarPump: SidecarPump? = nil
        do {
            stateFile.file?.startPeriodicWrites()
            defer { stateFile.file?.stopPeriodicWrites() }
            let process: (() -> Void) -> Void = { body in
                monitor.runBatch({
                    if let file = stateFile.file { file.whileChanging(body) } else { body() }
                }, processor: processor, writer: writer, enricher: stateFile.enricher)
            }
            if options.sidecar.usesEventLoop {
                let eventLoop = SidecarPump(
                    options: options, processor: processor, writer: writer, metrics: sidecarMetrics,
                    deliveredBytes: { SidecarOutput.deliveredBytes(sink, written: writer.bytesWritten) }, process: process)
                sidecarPump = eventLoop
                try eventLoop.start()
                // A listener is ready once it listens. A followed file is ready
                // only after its first bytes are read (see `SidecarPump.onFirstBytes`).
                if !options.sidecar.listenAddresses.isEmpty {
                    monitor.inputOpened(options.sidecar.inputDescription)
                } else {
                    eventLoop.onFirstBytes = { monitor.inputOpened(options.sidecar.inputDescription) }
                }
                status = try eventLoop.run()
            } else {
                status = try pump(into: writer, processor: processor, monitor: monitor, process: process)
            }
            try writer.flush()
            try sink.close()
            sidecarPump?.saveDeliveredPositions()
            if let socket = sink as? SocketSink, socket.undeliveredLines > 0 {
                Diagnostics.error("\(socket.undeliveredLines) event(s) could not be delivered to \(socket.name) within --drain-timeout (\(options.sidecar.drainTimeout) s)")
                status = ExitStatus.failure
            }
            stateFile.file?.stopPeriodicWrites()
            try stateFile.file?.write()
        } catch let error as IOFailure {
            if error.reason == .brokenPipe {
                // The reader went away (`| head`): not an error.
                Diagnostics.log.info("the reader of the output closed it; stopping", [("output", options.output ?? "-")])
                try stateFile.file?.write()
                return ExitStatus.success
            }
            throw RuntimeFailure(error.description)
        }
        let bytesOut = writer.bytesWritten
        if let signal = StopSignal.current {
            if options.sidecar.usesEventLoop {
                Diagnostics.notice("stopped by signal \(signal) after \(processor.stats.eventsIn) events; every complete line received was written")
            } else {
                Diagnostics.warn("stopped by signal \(signal) after \(processor.stats.eventsIn) events; the rest of the input was not read")
            }
            // Orchestrators expect 0 after SIGTERM, shells 130 after SIGINT.
            if signal == SIGINT { status = 128 + SIGINT }
        }

        if options.printsStats {
            StatsReport.print(processor.stats, counts: processor.counts, bytesOut: bytesOut,
                              seconds: Date().timeIntervalSince(started))
            if let enricher = stateFile.enricher { StatsReport.print(enricher.stats) }
            if options.sidecar.usesEventLoop || sink is SocketSink || options.sidecar.rotateBytes != nil {
                SidecarOutput.printStats(sidecarMetrics.snapshot, socket: sink as? SocketSink)
            }
        }
        if options.failsOnInvalid && processor.stats.invalidRecords > 0 && status == ExitStatus.success {
            Diagnostics.error("\(processor.stats.invalidRecords) input record(s) were not valid JSON (--fail-on-invalid)")
            status = ExitStatus.failure
        }
        monitor.logStop(processor: processor, bytesOut: bytesOut, seconds: Date().timeIntervalSince(started), status: status)
        return status
    }

    /// Reads every input through the framer and the processor. Returns the
    /// exit status so far: a failed input does not stop the others.
    /// `process` runs each batch's processing: with enrich state, under the
    /// lock that the periodic snapshot writer takes too.
    private func pump(
        into writer: OutputWriter, processor processors: FilterProcessors, monitor: FilterMonitor, process: (() -> Void) -> Void
    ) throws -> Int32 {
        var status = ExitStatus.success
        let framer = NDJSONFramer(maxLineBytes: options.maxLineBytes)
        let output = writer.buffer
        for path in options.inputs.isEmpty ? ["-"] : options.inputs {
            let source: ByteSource
            // Standard input is open from the start; a file counts as open
            // once Inputs.open returns.
            if path == "-" { monitor.inputOpened(path) }
            do {
                source = try Inputs.open(path: path)
            } catch {
                // A stop signal while the first bytes were awaited (an idle
                // FIFO or pipe): a normal stop, not a failed input.
                if case .interrupted = error.reason { return status }
                Diagnostics.error(error.description, [("file", path)])
                status = ExitStatus.failure
                continue
            }
            if path != "-" { monitor.inputOpened(path) }
            defer { source.close() }
            framer.startInput()
            while true {
                let space = framer.writableSpace()
                let count: Int
                do {
                    count = try source.read(into: space)
                } catch {
                    if case .interrupted = error.reason {
                        // A stop signal: finish the complete lines in hand,
                        // never write half a line, and read nothing more.
                        process {
                            framer.drain(atEndOfInput: false) { processors.current.process($0, to: output) }
                            processors.current.flush(to: output)
                        }
                        try writer.flush()
                        return status
                    }
                    // What was read so far is kept; the rest of this input is lost.
                    process {
                        framer.drain(atEndOfInput: true) { processors.current.process($0, to: output) }
                        processors.current.flush(to: output)
                    }
                    Diagnostics.error(error.description, [("file", path)])
                    status = ExitStatus.failure
                    break
                }
                // Between batches: every record read before is written, and
                // the bytes just read are processed with the new rules.
                processors.reloadIfRequested()
                if count == 0 {
                    process {
                        framer.drain(atEndOfInput: true) { processors.current.process($0, to: output) }
                        processors.current.flush(to: output)
                    }
                    break
                }
                framer.didRead(count)
                process {
                    framer.drain(atEndOfInput: false) { processors.current.process($0, to: output) }
                    processors.current.flush(to: output)
                }
                if count < space.count {
                    try writer.flush()
                } else {
                    try writer.flushIfFull()
                }
            }
            try writer.flush()
        }
        return status
    }

    /// Refuses `-o FILE` when FILE is one of the inputs, which opening the
    /// output would truncate before it is read.
    private func refuseOutputOverInput() throws {
        guard let output = options.output, output != "-" else { return }
        var outputStatus = stat()
        guard stat(output, &outputStatus) == 0 else { return }
        for input in options.inputs where input != "-" {
            var inputStatus = stat()
            if stat(input, &inputStatus) == 0 && inputStatus.st_dev == outputStatus.st_dev
                && inputStatus.st_ino == outputStatus.st_ino {
                throw UsageError("the output \(output) is also an input; write to another file")
            }
        }
    }
}

/// The output buffer and the sink it is flushed to.
final class OutputWriter {
    let sink: ByteSink
    let buffer: ByteBuffer
    let threshold: Int
    private(set) var bytesWritten = 0
    /// Called with `bytesWritten` after each write, for the metrics.
    var didFlush: ((Int) -> Void)?

    init(sink: ByteSink, threshold: Int) {
        self.sink = sink
        self.threshold = threshold
        buffer = ByteBuffer(capacity: threshold * 2)
    }

    func flushIfFull() throws(IOFailure) {
        if buffer.count >= threshold { try flush() }
    }

    func flush() throws(IOFailure) {
        guard !buffer.isEmpty else { return }
        try sink.write(buffer.bytes)
        bytesWritten += buffer.count
        buffer.removeAll()
        didFlush?(bytesWritten)
    }
}
