/**
 * Worker process of the process launcher: runs exactly one entry's scenario ({@link measureEntry}) and
 * reports it to the runner over IPC. Started by `processLauncher` only.
 */
import { toErrorRecord } from '../errors.js';
import { measureEntry } from './measureEntry.js';
import type { RunMessage, WorkerToRunner } from './messages.js';

function send(message: WorkerToRunner): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('the worker must be started by the runner (no IPC channel)'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

process.once('message', (message: RunMessage) => {
  measureEntry(message.entry, message.settings, { phase: send, processes: (pids) => send({ type: 'processes', pids }) })
    .then((measurement) => send({ type: 'done', measurement }))
    .catch((error: unknown) => send({ type: 'failed', error: toErrorRecord(error) }))
    .catch(() => undefined)
    .finally(() => {
      // Native backends may keep handles open; the entry is reported, so leave now.
      process.exit(0);
    });
});

// Unhandled failures still become a report rather than a silent crash.
process.on('uncaughtException', (error) => {
  void send({ type: 'failed', error: toErrorRecord(error) }).finally(() => process.exit(1));
});

// A runner that dies (killed, crashed) must not leave its worker running: the IPC channel closes, leave.
process.on('disconnect', () => process.exit(1));
