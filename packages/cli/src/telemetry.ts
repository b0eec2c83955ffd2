// The telemetry log fd protocol between a Lambda runtime and the platform (aws-lambda-ric's TelemetryLogger):
// each entry is a frame of a 16-byte big-endian header (4 bytes type, 4 bytes length, 8 bytes timestamp in µs)
// followed by the message. A multi-line message stays one entry, as in CloudWatch.
const HEADER = 16;

export class TelemetryFrames {
  #buffer: Buffer = Buffer.alloc(0);
  constructor(private readonly onMessage: (message: string, timestampUs: bigint) => void) {}

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= HEADER) {
      const length = this.#buffer.readInt32BE(4);
      if (this.#buffer.length < HEADER + length) return;
      const timestamp = this.#buffer.readBigInt64BE(8);
      const message = this.#buffer.subarray(HEADER, HEADER + length).toString('utf8');
      this.#buffer = this.#buffer.subarray(HEADER + length);
      this.onMessage(message.endsWith('\n') ? message.slice(0, -1) : message, timestamp);
    }
  }
}
