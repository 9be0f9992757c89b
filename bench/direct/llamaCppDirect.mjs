// Minimal direct node-llama-cpp loop (no slmbench code): the reference the harness is measured against.
// argv: model.gguf threads flashAttention(auto|true|false) promptIdsJson genTokens repetitions warmups [warmupSeconds]
import { getLlama } from 'node-llama-cpp';

const [model, threads, fa, promptJson, gen, reps, warmups, warmupSeconds = '0'] = process.argv.slice(2);
const prompt = JSON.parse(promptJson);
const genTokens = Number(gen);
const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, progressLogs: false, logLevel: 'error' });
const m = await llama.loadModel({ modelPath: model });
const contextSize = Math.max(256, Math.ceil((prompt.length + genTokens) / 256) * 256);
const context = await m.createContext({
  contextSize,
  batchSize: Math.min(512, contextSize),
  threads: Number(threads),
  flashAttention: fa === 'auto' ? 'auto' : fa === 'true',
  sequences: 1,
});
const sequence = context.getSequence();
const decodeTps = [];
// Warm up for `warmups` runs and at least `warmupSeconds`, as the harness does (measure.warmupSeconds).
const warmupUntil = performance.now() + Number(warmupSeconds) * 1000;
let warmed = 0;
while (decodeTps.length < Number(reps)) {
  const measuring = warmed >= Number(warmups) && performance.now() >= warmupUntil;
  await sequence.clearHistory();
  const times = [];
  const it = sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true });
  for await (const _token of it) {
    times.push(performance.now());
    if (times.length >= genTokens) break;
  }
  await it.return();
  if (measuring) decodeTps.push(((times.length - 1) / (times[times.length - 1] - times[0])) * 1000);
  else warmed++;
}
process.stdout.write(`${JSON.stringify({ decodeTps })}\n`);
process.exit(0);
