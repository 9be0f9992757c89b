import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { openRssReader, parseProcStatus, readProcMemory } from '../../harness/trackers/readProcMemory.js';

describe('readProcMemory', () => {
  it('parses VmRSS and VmHWM of a status text exactly', () => {
    const text = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   2048 kB\nVmRSS:\t   1024 kB\n';
    expect(parseProcStatus(text)).toEqual({ rssBytes: 1024 * 1024, hwmBytes: 2048 * 1024 });
    expect(parseProcStatus('Name:\tnode\n')).toBeNull();
  });

  it.skipIf(!existsSync('/proc/self/statm'))('the statm sampler reads the same resident size as status (Linux)', () => {
    const reader = openRssReader(process.pid)!;
    try {
      const fromStatm = reader.read()!;
      const fromStatus = readProcMemory(process.pid)!.rssBytes;
      // Read a moment apart: equal up to what the process allocated in between.
      expect(Math.abs(fromStatm - fromStatus) / fromStatus).toBeLessThan(0.05);
    } finally {
      reader.close();
    }
    expect(openRssReader(2 ** 22 + 12345)).toBeNull();
  });
});
