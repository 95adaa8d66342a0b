// Records what guacd sends after the handshake for a busy desktop (a terminal listing /usr
// without end): the fixture test/fixtures/guacd-stream.bin that the tunnel benchmark replays.
//
//   tsx test/setup/record-guacd-stream.ts [out-file] [seconds]     (as root, from the repo root)
//
// Every `sync` is answered at once, as a browser would, so guacd does not throttle the stream.
// The file holds whole instructions only; it is cut at an instruction end if it would pass 20 MB.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GuacSession } from './guac-session.js';
import { startRealStack, type RealStack } from './real-stack.js';

const MAX_BYTES = 20 * 1024 * 1024;
const ATTEMPTS = 3;

interface Recording {
  chunks: Buffer[];
  bytes: number;
  instructions: number;
  opcodes: Map<string, number>;
  layer0Size: boolean;
  truncated: boolean;
}

async function record(stack: RealStack, durationMs: number): Promise<Recording> {
  const session = await GuacSession.open(stack.guacd, stack.busyDesktop, { width: 1024, height: 768 });
  const recording: Recording = { chunks: [], bytes: 0, instructions: 0, opcodes: new Map(), layer0Size: false, truncated: false };
  const end = Date.now() + durationMs;
  try {
    while (Date.now() < end) {
      const instruction = await session.next(Math.max(1, end - Date.now())).catch((error: unknown) => {
        if (Date.now() >= end) return null; // the recording time is simply over
        throw error;
      });
      if (instruction === null) break;
      if (instruction.opcode === 'error') throw new Error(`guacd error: ${instruction.args.join(' / ')}`);
      if (recording.bytes + instruction.byteLength > MAX_BYTES) {
        recording.truncated = true;
        break;
      }
      // Copy: `raw` is a view into the decoder's buffer.
      recording.chunks.push(Buffer.from(instruction.raw));
      recording.bytes += instruction.byteLength;
      recording.instructions += 1;
      recording.opcodes.set(instruction.opcode, (recording.opcodes.get(instruction.opcode) ?? 0) + 1);
      if (instruction.opcode === 'size' && instruction.args[0] === '0') recording.layer0Size = true;
    }
  } finally {
    session.close();
  }
  return recording;
}

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? 'test/fixtures/guacd-stream.bin');
  const seconds = Number(process.argv[3] ?? '8');
  const stack = await startRealStack({ desktops: 0 });
  try {
    let recording: Recording | null = null;
    for (let attempt = 1; attempt <= ATTEMPTS && !recording?.layer0Size; attempt += 1) {
      // guacd 1.3.0 race (see the note): a session may never get layer 0's size; such a stream
      // would be useless to replay, so it is recorded again.
      if (attempt > 1) process.stderr.write('no layer-0 size in that recording, recording again\n');
      recording = await record(stack, seconds * 1000);
    }
    if (!recording?.layer0Size) throw new Error(`no layer-0 size in ${ATTEMPTS} recordings`);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, Buffer.concat(recording.chunks));
    const opcodes = [...recording.opcodes].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op}=${n}`);
    console.log(
      `wrote ${out}: ${recording.bytes} bytes, ${recording.instructions} instructions in ${seconds} s` +
        `${recording.truncated ? ' (cut at 20 MB)' : ''}\n  ${opcodes.join(' ')}`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
