import Testing
@testable import LogsieveCore

@Suite struct ParallelProcessingTests {
    /// Runs `input` through `workerCount` workers, reading `readSize` bytes at a time.
    private func runParallel(_ input: [UInt8], workerCount: Int, readSize: Int) -> ([UInt8], ProcessingStats, Int) {
        let workers = (0..<workerCount).map { _ -> EventProcessor in
            let redactor = Redactor(configuration: RedactorConfiguration(), fingerprinter: Fingerprinter(key: testKey))
            return EventProcessor(pipeline: Pipeline(expression: PipelineExpression(stages: [.redact]), redactor: redactor),
                                  redactor: redactor)
        }
        let processor = ParallelEventProcessor(workers: workers, parallelThreshold: 0)
        let framer = NDJSONFramer(maxLineBytes: 1 << 20, readSize: readSize)
        let output = ByteBuffer()
        framer.startInput()
        var offset = 0
        while offset < input.count {
            let space = framer.writableSpace()
            let length = min(readSize, input.count - offset, space.count)
            input.withUnsafeBytes { space.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: length) }
            framer.didRead(length)
            offset += length
            framer.drain(atEndOfInput: false) { processor.process($0, to: output) }
            processor.flush(to: output)
        }
        framer.drain(atEndOfInput: true) { processor.process($0, to: output) }
        processor.flush(to: output)
        return (output.toArray(), processor.stats, processor.counts.total)
    }

    private static let input: [UInt8] = {
        var text = ""
        for index in 0..<3000 {
            switch index % 7 {
            case 0: text += #"{"i": \#(index), "authorization": "Bearer tok\#(index)abcdefgh"}"# + "\n"
            case 1: text += "{\n  \"i\": \(index),\n  \"cookie\": \"sid=s\(index)\"\n}\n"
            case 2: text += #"{"i": \#(index), "broken": "# + "\n"
            case 3: text += #"{"i": \#(index), "url": "/cb?code=c\#(index)&state=s"}"# + "\n"
            case 4: text += "\n"
            case 5: text += #"{"message": "{\"password\":\"p\#(index)\"}"}"# + "\n"
            default: text += #"[{"name": "Set-Cookie", "value": "a=\#(index); Path=/"}]"# + "\n"
            }
        }
        return Array(text.utf8)
    }()

    @Test func parallelOutputEqualsSerial() {
        let (serial, serialStats, serialCount) = runParallel(Self.input, workerCount: 1, readSize: 64 * 1024)
        for readSize in [4096, 64 * 1024, 1 << 20] {
            let (parallel, parallelStats, parallelCount) = runParallel(Self.input, workerCount: 3, readSize: readSize)
            #expect(parallel == serial, "read size \(readSize)")
            #expect(parallelStats == serialStats, "read size \(readSize)")
            #expect(parallelCount == serialCount, "read size \(readSize)")
        }
        #expect(serialStats.eventsIn > 2000)
        #expect(serialStats.invalidRecords > 0)
    }
}
