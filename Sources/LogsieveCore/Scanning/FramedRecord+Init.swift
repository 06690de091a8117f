extension FramedRecord {
    /// A record framed by something other than `NDJSONFramer`, such as one
    /// Kafka message value. (The memberwise initializer is internal and
    /// cannot be redeclared public.)
    public static func external(kind: Kind, bytes: UnsafeRawBufferPointer, lineNumber: Int) -> FramedRecord {
        FramedRecord(kind: kind, bytes: bytes, lineNumber: lineNumber, isFinal: true)
    }
}
